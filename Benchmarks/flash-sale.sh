#!/usr/bin/env bash
# The flash-sale benchmark (DESIGN §6): 200,000 ClaimCoupon attempts by 50,000 consumers on a
# 10,000-coupon campaign (one coupon per consumer), through the real services: voucherd-identity
# and voucherd-issuance as release processes on generated certificates, mutual TLS, every call
# with the consumer's own access token, synchronous=FULL. voucherd-load drives it and checks the
# outcome (exactly 10,000 winners, nobody above the limit, by the answers and by every winner's
# wallet, and the campaign's issued count).
#
# It runs once per mode in MODES and token state in TOKENS. Modes: `on` is group commit as
# shipped (up to 128 requests per transaction), `off` is `--write-batch-size 1` (one transaction
# and one fsync per claim). Token states: `cold` sends every consumer's token to issuance for the
# first time inside the timed phase (so 50,000 Ed25519 verifications happen during the sale);
# `presale` has every consumer read its wallet once before the sale opens, as the app's
# countdown page does, so the sale starts with every token verified. Each run gets a fresh
# issuance store and a fresh campaign. 64 calls in flight over 4 connections (the XRPC
# benchmark's figure; CONCURRENCY and CONNECTIONS change it). Results:
# Benchmarks/results/flash-sale-group-commit-<mode>[-presale].json (plus the table on standard
# output).
#
# The per-address and per-principal rate limits are off for this run: every call comes from
# 127.0.0.1, and one gateway account registers the 50,000 consumers.
#
#   ./Benchmarks/flash-sale.sh                    # both modes, both token states: the DESIGN figures
#   ATTEMPTS=20000 USERS=5000 INVENTORY=1000 MODES=on TOKENS=cold ./Benchmarks/flash-sale.sh   # quick
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

attempts=${ATTEMPTS:-200000}
users=${USERS:-50000}
inventory=${INVENTORY:-10000}
concurrency=${CONCURRENCY:-64}
connections=${CONNECTIONS:-4}
modes=${MODES:-on off}
token_states=${TOKENS:-cold presale}
results=${RESULTS_DIR:-$root/Benchmarks/results}

echo "==> building release products"
for product in voucherctl voucherd-load voucherd-identity voucherd-issuance; do
  swift build -c release --product "$product"
done
bin=$(swift build -c release --show-bin-path)

run=$(mktemp -d /tmp/voucherd-flash-sale.XXXXXX)
certs=$run/certs
"$bin/voucherctl" certs init --out "$certs" >/dev/null
declare -A pids=()
cleanup() {
  local name
  for name in "${!pids[@]}"; do kill -TERM "${pids[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Waits for <dir>/ports.json and prints the XRPC port.
wait_ports() {
  local name=$1 dir=$2 deadline=$((SECONDS + 60))
  until [ -s "$dir/ports.json" ]; do
    kill -0 "${pids[$name]}" 2>/dev/null || { echo "voucherd-$name exited:" >&2; tail -n 20 "$dir/service.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "voucherd-$name did not get ready" >&2; exit 1; }
    sleep 0.1
  done
  sed -E 's/.*"xrpc": *([0-9]+).*/\1/' "$dir/ports.json"
}

common_args() { # common_args NAME
  echo --listen-port 0 --admin-port 0 --log-format json --log-level warning \
    --tls-certificate "$certs/$1.crt" --tls-key "$certs/$1.key" --tls-trust-roots "$certs/ca.crt"
}

echo '{"identity": {"rate-limits": {"per-client-address": {"rate": 0}, "per-principal": {"rate": 0}}}}' > "$run/identity.json"
echo '{"issuance": {"rate-limits": {"per-client-address": {"rate": 0}}}}' > "$run/issuance.json"
printf '%s\n' "bench-operator-password" > "$run/operator-password"
printf '%s\n' "bench-owner-password" > "$run/owner-password"

mkdir -p "$run/identity"
# shellcheck disable=SC2046
"$bin/voucherd-identity" --data-dir "$run/identity" $(common_args identity) --config "$run/identity.json" \
  --bootstrap-operator bench-operator --bootstrap-password-file "$run/operator-password" \
  >"$run/identity/service.log" 2>&1 &
pids[identity]=$!
identity=127.0.0.1:$(wait_ports identity "$run/identity")

ctl() { "$bin/voucherctl" "$@" --format json; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

echo "==> identity at $identity: operator, service accounts, an approved merchant"
ctl login --username bench-operator --password-stdin --endpoint "$identity" --certs "$certs" \
  --client operator --session "$run/operator.json" < "$run/operator-password" >/dev/null
op=(--session "$run/operator.json")
ctl service-account create --name issuance "${op[@]}" | json "d['api_key']" > "$run/issuance-api-key"
gateway_key=$(ctl service-account create --name load-gateway "${op[@]}" | json "d['api_key']")
ctl login --api-key-stdin --endpoint "$identity" --certs "$certs" --client gateway \
  --session "$run/gateway.json" <<<"$gateway_key" >/dev/null
merchant=$(ctl merchant create --name "Flash Sale Shop" --contact-email owner@flash.example \
  --time-zone Asia/Shanghai --owner-username flash-owner --owner-password-stdin \
  --session "$run/gateway.json" < "$run/owner-password" | json "d['merchant_id']")
ctl merchant review "$merchant" --decision approved --reason benchmark "${op[@]}" >/dev/null
ctl login --username flash-owner --password-stdin --endpoint "$identity" --certs "$certs" \
  --client gateway --session "$run/owner.json" < "$run/owner-password" >/dev/null

mkdir -p "$results"
for mode in $modes; do
for tokens in $token_states; do
  case $mode in
    on) batch=128 ;;
    off) batch=1 ;;
    *) echo "MODES may hold 'on' and 'off', not '$mode'" >&2; exit 2 ;;
  esac
  case $tokens in
    cold) presale=; suffix= ;;
    presale) presale=--presale; suffix=-presale ;;
    *) echo "TOKENS may hold 'cold' and 'presale', not '$tokens'" >&2; exit 2 ;;
  esac
  dir=$run/issuance-$mode$suffix
  mkdir -p "$dir"
  # shellcheck disable=SC2046
  "$bin/voucherd-issuance" --data-dir "$dir" $(common_args issuance) --config "$run/issuance.json" \
    --peer "identity=$identity" --api-key-file "$run/issuance-api-key" --write-batch-size "$batch" \
    >"$dir/service.log" 2>&1 &
  pids[issuance]=$!
  issuance=127.0.0.1:$(wait_ports issuance "$dir")
  # The owner's token is read fresh per run: a run may outlast the previous one's 15 minutes.
  ctl whoami --session "$run/owner.json" >/dev/null
  owner_token=$(json "d['accessToken']" < "$run/owner.json")

  echo
  echo "==> group commit $mode (--write-batch-size $batch), tokens $tokens: $attempts attempts, $users users, $inventory coupons"
  # shellcheck disable=SC2086
  "$bin/voucherd-load" flash-sale --endpoint "$issuance" --identity-endpoint "$identity" \
    --ca "$certs/ca.crt" --cert "$certs/gateway.crt" --key "$certs/gateway.key" \
    --api-key "$gateway_key" --setup --admin-token "$owner_token" --merchant-id "$merchant" \
    --inventory "$inventory" --per-user-limit 1 --users "$users" --attempts "$attempts" \
    --concurrency "$concurrency" --connections "$connections" --setup-concurrency 64 \
    $presale --label "group-commit-$mode$suffix" --json "$results/flash-sale-group-commit-$mode$suffix.json"

  kill -TERM "${pids[issuance]}"
  wait "${pids[issuance]}" || { echo "voucherd-issuance exited with $?" >&2; exit 1; }
  unset 'pids[issuance]'
done
done
echo
echo "==> results in $results/flash-sale-group-commit-*.json"
