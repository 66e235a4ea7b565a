# shellcheck shell=bash
# The issuance part of deploy/demo.sh (sourced by it; uses its helpers and what
# scenario_identity leaves in demo_merchant and demo_consumers).
#
# Issuance authenticates to identity with a service account's API key, which only exists once
# the operator has created it, so issuance is a LATE_SERVICE: this scenario creates the account,
# writes the key file (mode 0600), then starts voucherd-issuance and waits for it to be ready.

# campaign_json NAME BENEFIT-JSON INVENTORY [EXTRA-RULES-JSON]: a CreateCampaignRequest in
# proto3 JSON (claimable at once, valid 30 days after claim).
campaign_json() {
  local name=$1 benefit=$2 inventory=$3 extra=${4:-}
  printf '{"merchant_id": "%s", "name": "%s", "distribution": "DISTRIBUTION_CLAIM", "benefit": %s,
  "rules": {"validity": {"after_claim": {"days": 30}}, "inventory": %s%s}}\n' \
    "$demo_merchant" "$name" "$benefit" "$inventory" "${extra:+, $extra}"
}

scenario_issuance() {
  local op=(--session "$run_dir/operator-session.json")
  local gw=(--session "$run_dir/gateway-session.json")
  local owner=(--session "$run_dir/owner-session.json")

  step "The operator creates issuance's service account" -- service-account create \
    --name voucherd-issuance --description "issuance calls identity (merchants, points)" "${op[@]}"
  expect "d['service_account']['service_account_id'].startswith('svc_')"
  (umask 077; field "d['api_key']" > "$run_dir/issuance-api-key")

  start_service issuance
  wait_ready issuance
  local issuance=127.0.0.1:${xrpc_ports[issuance]}

  step "The tea house's owner logs in (recording issuance's endpoint)" -- login --username teahouse-owner \
    --password-stdin --endpoint "127.0.0.1:${xrpc_ports[identity]}" --issuance-endpoint "$issuance" \
    --certs "$certs" --client gateway "${owner[@]}" < "$run_dir/owner-password"
  expect "d['principal']['subject'].startswith('acc_')"

  # The gateway's session learns issuance's endpoint too (the session file stays compatible).
  step "The gateway logs in again, with issuance's endpoint" -- login --api-key-stdin \
    --endpoint "127.0.0.1:${xrpc_ports[identity]}" --issuance-endpoint "$issuance" --certs "$certs" \
    --client gateway "${gw[@]}" <<<"$(cat "$run_dir/gateway-api-key")"
  expect "d['principal']['role'] == 'service'"

  local dir=$run_dir/campaigns; mkdir -p "$dir"
  campaign_json "满100减20" '{"threshold": {"threshold": {"currency": "'"$currency"'", "minor_units": 10000}, "off": {"currency": "'"$currency"'", "minor_units": 2000}}}' 100 '"transferable": true, "per_user_total": 2' > "$dir/threshold.json"
  campaign_json "8折 (up to 50 off)" '{"percentage": {"percent_off": 20, "cap": {"currency": "'"$currency"'", "minor_units": 5000}}}' 100 > "$dir/percentage.json"
  campaign_json "Gift card 200" '{"stored_value": {"balance": {"currency": "'"$currency"'", "minor_units": 20000}}}' 10 '"transferable": true' > "$dir/gift.json"
  campaign_json "Flash sale: 20 coupons" '{"fixed_amount": {"off": {"currency": "'"$currency"'", "minor_units": 3000}}}' 20 > "$dir/flash.json"

  declare -A campaigns=()
  local kind
  for kind in threshold percentage gift flash; do
    step "The owner creates the $kind campaign" -- campaign create --file "$dir/$kind.json" "${owner[@]}"
    expect "d['campaign_id'].startswith('cmp_') and d['status'] == 'CAMPAIGN_STATUS_DRAFT'"
    campaigns[$kind]=$(field "d['campaign_id']")
    step "The owner activates it" -- campaign activate "${campaigns[$kind]}" --reason "demo launch" "${owner[@]}"
    expect "d['status'] == 'CAMPAIGN_STATUS_ACTIVE'"
  done
  show -- campaign list --merchant-id "$demo_merchant" "${owner[@]}"

  local alice=${demo_consumers[alice]} bob=${demo_consumers[bob]}
  step "Alice signs in through the gateway (IssueConsumerToken)" -- login --consumer "$alice" \
    --from-session "$run_dir/gateway-session.json" --session "$run_dir/alice-session.json"
  expect "d['principal']['role'] == 'consumer' and d['principal']['subject'] == '$alice'"
  step "Bob signs in through the gateway" -- login --consumer "$bob" \
    --from-session "$run_dir/gateway-session.json" --session "$run_dir/bob-session.json"
  expect "d['principal']['role'] == 'consumer'"
  local as_alice=(--session "$run_dir/alice-session.json") as_bob=(--session "$run_dir/bob-session.json")

  refused "A consumer may not create campaigns" PERMISSION_DENIED -- campaign create --file "$dir/threshold.json" "${as_alice[@]}"

  step "Alice claims the 满100减20 coupon" -- coupon claim "${campaigns[threshold]}" --idempotency-key demo-claim-1 "${as_alice[@]}"
  expect "d['consumer_id'] == '$alice' and d['state'] == 'COUPON_STATE_ISSUED'"
  local coupon; coupon=$(field "d['coupon_id']")
  step "The same claim retried (same key) returns the same coupon" -- coupon claim "${campaigns[threshold]}" --idempotency-key demo-claim-1 "${as_alice[@]}"
  expect "d['coupon_id'] == '$coupon'"
  step "Alice claims the 8折 coupon" -- coupon claim "${campaigns[percentage]}" "${as_alice[@]}"
  expect "d['benefit']['percentage']['percent_off'] == 20"
  step "Bob claims a gift card" -- coupon claim "${campaigns[gift]}" "${as_bob[@]}"
  expect "'stored_value' in d['benefit'] and d['consumer_id'] == '$bob'"

  step "Alice gives her 满100减20 coupon to Bob" -- coupon transfer "$coupon" --to "$bob" "${as_alice[@]}"
  expect "d['from']['state'] == 'COUPON_STATE_TRANSFERRED' and d['to']['consumer_id'] == '$bob'"
  step "Bob's wallet" -- coupon wallet "${as_bob[@]}"
  expect "len(d.get('coupons', [])) == 2"
  show -- coupon wallet "${as_bob[@]}"

  flash_sale "${campaigns[flash]}"
}

# 50 consumers × 2 attempts at a 20-coupon campaign, 25 at a time, through the gateway (an app
# backend claims for its signed-in users). No per-user limit, so every refusal is the sell-out:
# exactly 20 claims must succeed and every other one fail with RESOURCE_EXHAUSTED.
flash_sale() {
  local campaign=$1 out=$run_dir/flash; mkdir -p "$out"
  step_number=$((step_number + 1))
  printf '\n--- %d. Flash sale: 50 consumers x 2 attempts at 20 coupons, 25 in parallel\n' "$step_number"
  local started=$SECONDS
  for attempt in 1 2; do for n in $(seq -w 1 50); do echo "$attempt $n"; done; done |
    xargs -P 25 -n 2 sh -c '"$0" coupon claim "$1" --consumer-id "flash-consumer-$5" --idempotency-key "flash-$4-$5" \
      --session "$2" --format json >"$3/$4-$5.out" 2>"$3/$4-$5.err"; echo $? >"$3/$4-$5.rc"' \
      "$bin/voucherctl" "$campaign" "$run_dir/gateway-session.json" "$out" 2>/dev/null || true
  local winners losers exhausted other
  # grep exits 1 when nothing matches; under pipefail that must not end the demo.
  winners=$({ grep -l '^0$' "$out"/*.rc || true; } | wc -l)
  losers=$({ grep -L '^0$' "$out"/*.rc || true; } | wc -l)
  exhausted=$({ grep -l '^error: RESOURCE_EXHAUSTED ' "$out"/*.err || true; } | wc -l)
  other=$({ grep -h '^error: ' "$out"/*.err || true; } | { grep -v '^error: RESOURCE_EXHAUSTED ' || true; } | cut -d' ' -f2 | sort | uniq -c | tr '\n' ' ')
  echo "winners: $winners, refused: $losers (RESOURCE_EXHAUSTED: $exhausted; other: ${other:-none}), $((SECONDS - started)) s"
  if [ $check -eq 1 ] && { [ "$winners" -ne 20 ] || [ "$exhausted" -ne "$losers" ]; }; then
    echo "CHECK FAILED: expected exactly 20 winners and every loser RESOURCE_EXHAUSTED" >&2; failures=$((failures + 1))
  fi
  step "The flash sale's stock" -- campaign stock "$campaign" --session "$run_dir/owner-session.json"
  expect "int(d.get('issued', 0)) == 20 and int(d.get('remaining', 0)) == 0 and int(d['inventory']) == 20"
}
