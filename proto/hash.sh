#!/usr/bin/env bash
# Prints the fingerprint of everything the generated code depends on: each .proto file's SHA-256
# and the plugin package versions. proto/generate.sh stores it in proto/generated.sha256; the
# GeneratedCodeTests recompute the same lines in Swift and compare.
set -euo pipefail
cd "$(dirname "$0")"
find . -name '*.proto' -not -path './plugins/*' | sed 's|^\./||' | LC_ALL=C sort | while read -r f; do
  printf '%s  %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$f"
done
grep -oE 'swift-protobuf.git", exact: "[^"]+"|grpc-swift-protobuf.git", exact: "[^"]+"' plugins/Package.swift \
  | sed -E 's/\.git", exact: "/ /; s/"$//' | while read -r name version; do printf 'plugin %s %s\n' "$name" "$version"; done
