#!/usr/bin/env bash
# Regenerates every Swift file made from proto/: messages with protoc-gen-swift, gRPC stubs with
# protoc-gen-grpc-swift-2. Both plugins are built (once, into .build-plugins/) from exactly the
# package versions the runtime links; protoc is Debian's protobuf-compiler.
#
# It also records a hash of the inputs in proto/generated.sha256. A test
# (VoucherdModelTests/GeneratedCodeTests) recomputes it, so CI fails when someone edits a .proto
# file without running this script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! command -v protoc >/dev/null; then
  echo "protoc is missing: apt-get install -y protobuf-compiler" >&2
  exit 1
fi

scratch="$root/.build-plugins"
echo "Building protoc plugins (first time takes a few minutes)..."
swift build -c release --package-path proto/plugins --scratch-path "$scratch" --product protoc-gen-swift
swift build -c release --package-path proto/plugins --scratch-path "$scratch" --product protoc-gen-grpc-swift-2
bin=$(swift build -c release --package-path proto/plugins --scratch-path "$scratch" --show-bin-path)

gen() { # gen OUT_DIR VISIBILITY GRPC(yes/no) FILES...
  local out=$1 visibility=$2 grpc=$3; shift 3
  mkdir -p "$out"
  protoc --proto_path=proto \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
    --swift_out="$out" \
    --swift_opt=Visibility="$visibility",UseAccessLevelOnImports=true,FileNaming=DropPath \
    "$@"
  if [ "$grpc" = yes ]; then
    protoc --proto_path=proto \
      --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
      --grpc-swift-2_out="$out" \
      --grpc-swift-2_opt=Visibility="$visibility",UseAccessLevelOnImports=true,FileNaming=DropPath \
      "$@"
  fi
}

rm -rf Shared/XRPC/Generated Shared/VoucherdModel/Generated
# The transport's own messages stay internal to XRPC.
gen Shared/XRPC/Generated Internal no proto/xrpc/v1/*.proto
gen Shared/VoucherdModel/Generated Public yes proto/voucherd/v1/*.proto proto/grpc/health/v1/*.proto

"$root/proto/hash.sh" > proto/generated.sha256
echo "Generated code is up to date; proto/generated.sha256:"
cat proto/generated.sha256
