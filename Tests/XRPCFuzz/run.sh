#!/usr/bin/env bash
# Builds the XRPC/1 libFuzzer targets and runs each one briefly over a copy of its seed corpus
# (plus its crash inputs), failing on any crash. Usage: Tests/XRPCFuzz/run.sh [seconds-per-target]
# (default 30), from any directory. Installs nothing: it only checks for the Swift toolchain.
#
# Environment: FUZZ_CONFIG=debug|release (default debug), FUZZ_TARGETS="fuzz-frame-decoder ..."
# (default both), FUZZ_KEEP=1 keeps the work folder (new corpus entries, crash artifacts).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-30}
config=${FUZZ_CONFIG:-debug}
targets=(${FUZZ_TARGETS:-fuzz-frame-decoder fuzz-server-connection})

if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: $0 [seconds-per-target]" >&2
  exit 2
fi
if ! command -v swift >/dev/null; then
  echo "error: swift is not on PATH; install the swift.org toolchain (it ships libFuzzer)" >&2
  exit 1
fi

# The same recipe as swift-nio-http2's FuzzTesting: every Swift module instrumented for coverage
# and AddressSanitizer; libFuzzer provides main, hence -parse-as-library.
build=(swift build -c "$config" --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
echo "==> building the fuzz targets: ${build[*]}"
build_start=$SECONDS
(cd "$here" && "${build[@]}")
echo "==> built in $((SECONDS - build_start)) s"
bin=$(cd "$here" && "${build[@]}" --show-bin-path)

work=$(mktemp -d "${TMPDIR:-/tmp}/xrpc-fuzz.XXXXXX")
if [ "${FUZZ_KEEP:-0}" = 1 ]; then
  echo "==> work folder kept: $work"
else
  trap 'rm -rf "$work"' EXIT
fi

failed=0
for target in "${targets[@]}"; do
  corpus="$here/Corpus/$target"
  if [ -z "$(ls -A "$corpus" 2>/dev/null)" ]; then
    echo "error: no seed corpus in $corpus" >&2
    exit 1
  fi
  # libFuzzer adds what it finds to the first folder: a copy, so the repository stays clean.
  mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
  cp "$corpus"/* "$work/$target/corpus/"
  dirs=("$work/$target/corpus")
  [ -d "$here/Crashes/$target" ] && dirs+=("$here/Crashes/$target")

  echo "==> $target for $seconds s"
  log="$work/$target/log"
  # The decoder target feeds split inputs one piece per pipeline call: short inputs keep it fast,
  # and its limits go down to 16 bytes, so 512 bytes still reach every path.
  max_len=4096
  [ "$target" = fuzz-frame-decoder ] && max_len=512
  status=0
  # LeakSanitizer is on: a leaked connection handler once hid here (README.md, "Findings").
  "$bin/$target" \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
    -artifact_prefix="$work/$target/artifacts/" "${dirs[@]}" >"$log" 2>&1 || status=$?

  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  echo "    executions: ${runs:-?}  exec/s: ${rate:-?}  $(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1 | sed 's/  */ /g')"
  if [ "$status" -ne 0 ] || grep -qE '^==[0-9]+==ERROR|deadly signal|Fatal error|Test unit written' "$log"; then
    failed=1
    echo "    CRASH (exit $status). Last lines of the log:" >&2
    tail -40 "$log" >&2
    trap - EXIT  # keep the artifacts
    for artifact in "$work/$target/artifacts"/*; do
      [ -e "$artifact" ] || continue
      echo "    crash input: $artifact" >&2
      echo "    to keep it: cp '$artifact' '$here/Crashes/$target/' (and commit it)" >&2
    done
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "==> FAILED: a fuzz target crashed" >&2
  exit 1
fi
echo "==> no crash"
