#!/usr/bin/env bash
# The demo (README.md): on a fresh Debian machine with the Swift toolchain, installs what is
# missing, builds in release mode, makes certificates, starts every service that exists (each
# with its own data directory under ./demo-run), waits for readiness, runs a scripted scenario
# through the real services with voucherctl, then stops the services with SIGTERM.
#
#   deploy/demo.sh            run the scenario and print each step and its output
#   deploy/demo.sh --check    also assert what each step prints; exit non-zero on a mismatch (CI)
#   deploy/demo.sh --debug    use a debug build (./.build) instead of release (./.build-release)
#   deploy/demo.sh --keep     leave the services running at the end (stop them with SIGTERM)
#
# Adding a service: list it in SERVICES (it must accept the shared flags and write
# <data-dir>/ports.json when ready), add its extra flags in service_args, and add a scenario_*
# function to SCENARIO.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

check=0 configuration=release keep=0
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    --debug) configuration=debug ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

SERVICES=(identity)
SCENARIO=(scenario_identity)
run_dir=${DEMO_RUN_DIR:-$root/demo-run}
certs=$run_dir/certs
currency=${DEMO_CURRENCY:-CNY}

# --- Setup --------------------------------------------------------------------------------------

packages=(libsqlite3-dev python3)
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

# --debug reuses deploy/test.sh's build: same scratch path and flags, so nothing is rebuilt.
build_flags=(-c "$configuration")
if [ "$configuration" = release ]; then
  build_flags+=(--scratch-path "${DEMO_SCRATCH_PATH:-.build-release}")
else
  build_flags+=(--scratch-path "${SCRATCH_PATH:-.build}" -Xswiftc -warnings-as-errors)
fi
echo "==> building (${build_flags[*]})"
swift build "${build_flags[@]}" --product voucherctl
for service in "${SERVICES[@]}"; do
  swift build "${build_flags[@]}" --product "voucherd-$service"
done
bin=$(swift build "${build_flags[@]}" --show-bin-path)

rm -rf "$run_dir"
mkdir -p "$run_dir"
echo "==> certificates"
"$bin/voucherctl" certs init --out "$certs"

# --- Services -----------------------------------------------------------------------------------

declare -A pids=() xrpc_ports=() admin_ports=()

service_args() {
  case "$1" in
    identity)
      printf '%s\n' "demo-operator-password-1" > "$run_dir/operator-password"
      chmod 600 "$run_dir/operator-password"
      echo --bootstrap-operator demo-operator --bootstrap-password-file "$run_dir/operator-password"
      ;;
  esac
}

start_service() {
  local name=$1 dir=$run_dir/$1
  mkdir -p "$dir"
  # shellcheck disable=SC2046
  "$bin/voucherd-$name" --data-dir "$dir" --listen-port 0 --admin-port 0 \
    --tls-certificate "$certs/$name.crt" --tls-key "$certs/$name.key" --tls-trust-roots "$certs/ca.crt" \
    --log-format json $(service_args "$name") >"$dir/service.log" 2>&1 &
  pids[$name]=$!
  echo "==> started voucherd-$name (pid ${pids[$name]}, log $dir/service.log)"
}

# GET http://127.0.0.1:$1$2 with bash's /dev/tcp (no curl needed); prints the status code.
http_status() {
  local status
  exec 3<>"/dev/tcp/127.0.0.1/$1" || { echo 000; return; }
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  read -r _ status _ <&3 || status=000
  exec 3<&- 3>&-
  echo "$status"
}

# Waits for ports.json (written once the listeners are bound) and then /readyz == 200. It polls
# those signals; the 60 s limit only catches a service that never gets ready.
wait_ready() {
  local name=$1 dir=$run_dir/$1 deadline=$((SECONDS + 60))
  while [ ! -s "$dir/ports.json" ]; do
    if ! kill -0 "${pids[$name]}" 2>/dev/null; then
      echo "voucherd-$name exited before it was ready:" >&2; tail -n 20 "$dir/service.log" >&2; exit 1
    fi
    [ $SECONDS -lt $deadline ] || { echo "voucherd-$name did not get ready" >&2; exit 1; }
    sleep 0.1
  done
  xrpc_ports[$name]=$(sed -E 's/.*"xrpc": *([0-9]+).*/\1/' "$dir/ports.json")
  admin_ports[$name]=$(sed -E 's/.*"admin": *([0-9]+).*/\1/' "$dir/ports.json")
  until [ "$(http_status "${admin_ports[$name]}" /readyz)" = 200 ]; do
    [ $SECONDS -lt $deadline ] || { echo "voucherd-$name: /readyz never answered 200" >&2; exit 1; }
    sleep 0.1
  done
  echo "==> voucherd-$name ready: XRPC 127.0.0.1:${xrpc_ports[$name]}, admin http://127.0.0.1:${admin_ports[$name]}"
}

stop_services() {
  local status=0 name
  for name in "${!pids[@]}"; do kill -TERM "${pids[$name]}" 2>/dev/null || true; done
  for name in "${!pids[@]}"; do
    if wait "${pids[$name]}"; then
      echo "==> voucherd-$name stopped (exit 0)"
    else
      status=$?; echo "==> voucherd-$name exited with $status" >&2
    fi
  done
  pids=()
  return $status
}
trap 'stop_services >/dev/null 2>&1 || true' EXIT

for service in "${SERVICES[@]}"; do start_service "$service"; done
for service in "${SERVICES[@]}"; do wait_ready "$service"; done

# --- Scenario helpers ---------------------------------------------------------------------------

failures=0
step_number=0
last=$run_dir/last.json

# step TITLE -- voucherctl ARGS...: prints the step and the command's JSON output (pretty), and
# keeps the output in $last for `expect` and `field`. A failing command fails the demo.
step() {
  local title=$1; shift; [ "$1" = -- ] && shift
  step_number=$((step_number + 1))
  printf '\n--- %d. %s\n$ voucherctl %s\n' "$step_number" "$title" "$*"
  if ! "$bin/voucherctl" "$@" --format json >"$last" 2>"$run_dir/last.err"; then
    cat "$run_dir/last.err" >&2
    echo "step $step_number failed: $title" >&2
    exit 1
  fi
  python3 -m json.tool "$last" 2>/dev/null || cat "$last"
}

# refused TITLE CODE -- voucherctl ARGS...: the command must fail with that gRPC status.
refused() {
  local title=$1 code=$2; shift 2; [ "$1" = -- ] && shift
  step_number=$((step_number + 1))
  printf '\n--- %d. %s\n$ voucherctl %s\n' "$step_number" "$title" "$*"
  if "$bin/voucherctl" "$@" >"$last" 2>"$run_dir/last.err"; then
    echo "expected $code, but it succeeded" >&2; failures=$((failures + 1)); return
  fi
  cat "$run_dir/last.err"
  if [ $check -eq 1 ] && ! grep -q "^error: $code " "$run_dir/last.err"; then
    echo "CHECK FAILED: expected $code" >&2; failures=$((failures + 1))
  fi
}

# show -- voucherctl ARGS...: the table form, for people (read-only commands only).
show() {
  [ "$1" = -- ] && shift
  printf '$ voucherctl %s\n' "$*"
  "$bin/voucherctl" "$@" --format table
}

# field PYTHON-EXPR: a value from the last output; `d` is its JSON (absent fields are defaults).
field() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$last" "$1"
}

# expect PYTHON-EXPR: in --check mode, the last output must satisfy it.
expect() {
  [ $check -eq 1 ] || return 0
  if [ "$(field "bool($1)")" != True ]; then
    echo "CHECK FAILED (step $step_number): $1" >&2
    failures=$((failures + 1))
  fi
}

# --- Scenarios ----------------------------------------------------------------------------------

scenario_identity() {
  local endpoint=127.0.0.1:${xrpc_ports[identity]}
  local op=(--session "$run_dir/operator-session.json")
  local gw=(--session "$run_dir/gateway-session.json")

  step "The bootstrap operator logs in" -- login --username demo-operator --password-stdin \
    --endpoint "$endpoint" --certs "$certs" --client operator "${op[@]}" < "$run_dir/operator-password"
  expect "d['principal']['role'] == 'operator'"

  step "Who am I?" -- whoami "${op[@]}"
  expect "d['principal']['role'] == 'operator' and d['principal']['subject'].startswith('acc_')"

  step "The operator creates a service account for the app gateway" -- service-account create \
    --name demo-gateway --description "the demo's app backend" "${op[@]}"
  expect "d['service_account']['service_account_id'].startswith('svc_') and len(d['api_key']) > 0"
  local api_key; api_key=$(field "d['api_key']")

  step "The gateway logs in with its API key" -- login --api-key-stdin \
    --endpoint "$endpoint" --certs "$certs" --client gateway "${gw[@]}" <<<"$api_key"
  expect "d['principal']['role'] == 'service'"

  printf '%s\n' "tea-house-owner-pw" > "$run_dir/owner-password"
  step "The gateway submits a merchant for review" -- merchant create --name "Afternoon Tea House" \
    --contact-email owner@teahouse.example --time-zone Asia/Shanghai --region CN-31 \
    --owner-username teahouse-owner --owner-password-stdin "${gw[@]}" < "$run_dir/owner-password"
  expect "d['status'] == 'MERCHANT_STATUS_SUBMITTED' and d['merchant_id'].startswith('mer_')"
  local merchant; merchant=$(field "d['merchant_id']")

  refused "The gateway may not review merchants" PERMISSION_DENIED -- merchant review "$merchant" \
    --decision approved "${gw[@]}"

  step "The operator approves it" -- merchant review "$merchant" --decision approved \
    --reason "licence checked" "${op[@]}"
  expect "d['status'] == 'MERCHANT_STATUS_APPROVED' and d['reviewed_by'] != ''"

  step "Approved merchants" -- merchant list --status approved "${op[@]}"
  expect "any(m['merchant_id'] == '$merchant' for m in d.get('merchants', []))"

  step "Alice registers through the gateway" -- consumer register --external-id app-user-alice \
    --display-name Alice "${gw[@]}"
  expect "d.get('created') == True and d['consumer']['invite_code'] != ''"
  local alice code; alice=$(field "d['consumer']['consumer_id']"); code=$(field "d['consumer']['invite_code']")

  local friend
  for friend in bob carol dave; do
    step "${friend^} registers with Alice's invite code" -- consumer register --external-id "app-user-$friend" \
      --display-name "${friend^}" --invite-code "$code" "${gw[@]}"
    expect "d['consumer']['referred_by_consumer_id'] == '$alice'"
  done

  step "Three invitees: Alice's referral reward is commanded (it waits in identity's outbox for issuance)" -- \
    consumer referral "$alice" "${gw[@]}"
  expect "d.get('invitees_registered', 0) == 3 and d.get('rewards_granted', 0) == 1"

  step "Alice spends 1,200 yuan and earns 1,200 points" -- points accrue "$alice" --points 1200 \
    --spend-minor 120000 --currency "$currency" --reason order --reference order-1001 \
    --idempotency-key demo-accrue-1 "${gw[@]}"
  expect "d['balance'] == 1200 and d['entry']['points'] == 1200"

  step "The same accrual retried (same idempotency key) applies once" -- points accrue "$alice" --points 1200 \
    --spend-minor 120000 --currency "$currency" --reason order --reference order-1001 \
    --idempotency-key demo-accrue-1 "${gw[@]}"
  expect "d['balance'] == 1200"

  step "She spends 200 points" -- points spend "$alice" --points 200 --reason "coupon exchange" \
    --idempotency-key demo-spend-1 "${gw[@]}"
  expect "d['balance'] == 1000 and d['entry']['points'] == -200"

  refused "She cannot spend more than she has" FAILED_PRECONDITION -- points spend "$alice" --points 5000 \
    --idempotency-key demo-spend-2 "${gw[@]}"

  step "Alice as a member: tier, balance and tier history" -- member get "$alice" "${op[@]}"
  expect "d['points_balance'] == 1000 and d.get('lifetime_points') == 1200 and d['tier'] in ('regular', 'silver', 'gold')"
  show -- member get "$alice" "${op[@]}"

  step "Her points ledger" -- points list "$alice" "${op[@]}"
  expect "d['balance'] == 1000 and sum(e['points'] for e in d['entries']) == d['balance'] and len(d['entries']) == 2"
  show -- points list "$alice" "${op[@]}"

  step "The audit chain verifies" -- audit verify "${op[@]}"
  expect "d.get('valid') == True and d.get('entries', 0) > 0"
}

for scenario in "${SCENARIO[@]}"; do "$scenario"; done

echo
if [ $keep -eq 1 ]; then
  trap - EXIT
  echo "==> services left running: ${pids[*]} (stop with kill -TERM)"
  exit 0
fi
stop_services
trap - EXIT
if [ $failures -gt 0 ]; then
  echo "==> demo: $failures check(s) failed" >&2
  exit 1
fi
[ $check -eq 1 ] && echo "==> demo: every check passed" || echo "==> demo finished"
