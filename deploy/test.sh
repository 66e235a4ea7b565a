#!/usr/bin/env bash
# The project's test command (README.md), which CI runs too (.ci/run).
#
# On a fresh Debian machine with the Swift toolchain it installs what it needs, builds every
# target and test with warnings as errors, checks that the committed generated protobuf code
# matches proto/, and runs the whole test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# System packages: protoc for proto/generate.sh, protobuf-c for the C SDK, python3 for the
# protocol-document conformance test, SQLite for the stores.
packages=(protobuf-compiler libprotobuf-c-dev protobuf-c-compiler python3 libsqlite3-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "==> checking generated code against proto/"
if ! diff -u proto/generated.sha256 <(proto/hash.sh); then
  echo "The committed generated code is stale: run proto/generate.sh and commit the result." >&2
  exit 1
fi

scratch=${SCRATCH_PATH:-.build}
echo "==> building (warnings are errors)"
swift build --build-tests --scratch-path "$scratch" -Xswiftc -warnings-as-errors

echo "==> testing"
# The suites carry their own time limits; this bound only stops a wedged process. The end-to-end
# suites run on their own afterwards: they start dozens of service processes, which on two cores
# starved the transport tests that run beside them in one process (connections not set up within
# their deadlines; see the note in docs/ARCHITECTURE.md "Testing").
timeout 1800 swift test --skip-build --scratch-path "$scratch" --parallel --skip EndToEndTests
echo "==> end-to-end tests (real processes)"
timeout 1800 swift test --skip-build --scratch-path "$scratch" --parallel --filter EndToEndTests

echo "==> demo (checked)"
# The README's demo, asserting every step: certificates, the services, the scenario through
# voucherctl, and a clean SIGTERM stop. CI reuses the debug build above (--debug) rather than a
# second, release build of everything, which would cost another 10-15 minutes on 2 cores;
# DEMO_RELEASE=1 runs it exactly as the README does.
if [ "${DEMO_RELEASE:-0}" = 1 ]; then
  ./deploy/demo.sh --check
else
  ./deploy/demo.sh --check --debug
fi

echo "==> fuzzing (briefly)"
# Each libFuzzer target runs for FUZZ_SECONDS (0 skips) over a copy of its committed corpus and
# fails on any crash or leak; Tests/XRPCFuzz/README.md has the long-run figures.
if [ "${FUZZ_SECONDS:-30}" -gt 0 ]; then
  Tests/XRPCFuzz/run.sh "${FUZZ_SECONDS:-30}"
fi
