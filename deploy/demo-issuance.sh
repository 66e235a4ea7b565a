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
  campaign_json "Gift card 200" '{"stored_value": {"balance": {"currency": "'"$currency"'", "minor_units": 20000}, "expired_balance_to_points": true}}' 10 '"transferable": true' > "$dir/gift.json"
  # The same requests read as YAML (voucherctl turns YAML into proto3 JSON): how a merchant
  # would write them by hand.
  cat > "$dir/percentage.yaml" <<YAML
# 8折, at most 50 off, on weekday afternoons in the merchant's time zone.
merchant_id: $demo_merchant
name: 8折 (up to 50 off)
distribution: DISTRIBUTION_CLAIM
benefit:
  percentage:
    percent_off: 20
    cap: {currency: $currency, minor_units: 5000}
rules:
  validity: {after_claim: {days: 30}}
  redeem_window:
    days: [1, 2, 3, 4, 5]
    times:
      - {start: 840, end: 1080}   # 14:00-18:00
  inventory: 100
  per_user_total: 1
YAML
  cat > "$dir/paid.yaml" <<YAML
# 团购券: 100 worth of tea for 80, refundable within 3 days while unused; A/B test of the face value.
merchant_id: $demo_merchant
name: 'Tea voucher: 100 for 80'
distribution: DISTRIBUTION_CLAIM
benefit:
  paid_voucher:
    face_value: {currency: $currency, minor_units: 10000}
    price: {currency: $currency, minor_units: 8000}
    refund_window_days: 3
rules:
  validity: {after_claim: {days: 90}}
  inventory: 50
  budget: {currency: $currency, minor_units: 600000}
  per_user_total: 2
  per_user_per_day: 1
  variants:
    - name: control
      weight: 50
      benefit: {paid_voucher: {face_value: {currency: $currency, minor_units: 10000}, price: {currency: $currency, minor_units: 8000}}}
    - name: richer
      weight: 50
      benefit: {paid_voucher: {face_value: {currency: $currency, minor_units: 11000}, price: {currency: $currency, minor_units: 8000}}}
YAML

  declare -A campaigns=()
  local kind file
  for file in threshold.json percentage.yaml gift.json paid.yaml; do
    kind=${file%.*}
    step "The owner creates the $kind campaign from $file" -- campaign create --file "$dir/$file" "${owner[@]}"
    expect "d['campaign_id'].startswith('cmp_') and d['status'] == 'CAMPAIGN_STATUS_DRAFT'"
    campaigns[$kind]=$(field "d['campaign_id']")
    step "The owner activates it" -- campaign activate "${campaigns[$kind]}" --reason "demo launch" "${owner[@]}"
    expect "d['status'] == 'CAMPAIGN_STATUS_ACTIVE'"
  done
  show -- campaign stock "${campaigns[paid]}" "${owner[@]}"
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

  step "Alice buys the tea voucher (A/B variant pinned to her)" -- coupon claim "${campaigns[paid]}" --idempotency-key demo-paid-1 "${as_alice[@]}"
  expect "'paid_voucher' in d['benefit'] and d['variant'] in ('control', 'richer')"

  step "Alice gives her 满100减20 coupon to Bob" -- coupon transfer "$coupon" --to "$bob" "${as_alice[@]}"
  expect "d['from']['state'] == 'COUPON_STATE_TRANSFERRED' and d['to']['consumer_id'] == '$bob'"
  refused "The coupon she gave away is no longer hers to give" FAILED_PRECONDITION -- coupon transfer "$coupon" --to "$bob" "${as_alice[@]}"
  step "Bob's wallet" -- coupon wallet "${as_bob[@]}"
  expect "len(d.get('coupons', [])) == 2"
  show -- coupon wallet "${as_bob[@]}"

  referral_reward
  flash_sale
}

# Alice's referral reward (scenario_identity's three invitees): identity wrote the command to its
# outbox, and issuance pulls it, but holds it while no referral campaign is configured (the reward
# is owed, not dropped). The owner creates one, issuance restarts with it in its config file (on
# the same port, so the sessions' endpoint stays valid), and the reward reaches Alice's wallet.
referral_reward() {
  local owner=(--session "$run_dir/owner-session.json") as_alice=(--session "$run_dir/alice-session.json")
  local alice=${demo_consumers[alice]} file=$run_dir/campaigns/referral.json
  printf '{"merchant_id": "%s", "name": "Referral reward", "distribution": "DISTRIBUTION_GRANT",
  "benefit": {"fixed_amount": {"off": {"currency": "%s", "minor_units": 5000}}},
  "rules": {"validity": {"after_claim": {"days": 30}}, "inventory": 1000}}\n' "$demo_merchant" "$currency" > "$file"

  step "Alice's wallet: no referral coupon yet (no referral campaign is configured)" -- coupon wallet "${as_alice[@]}"
  expect "not any(c.get('origin') == 'grant' for c in d.get('coupons', []))"

  step "The owner creates the 无门槛 referral reward campaign (granted only)" -- campaign create --file "$file" "${owner[@]}"
  expect "d['distribution'] == 'DISTRIBUTION_GRANT' and d['status'] == 'CAMPAIGN_STATUS_DRAFT'"
  local campaign; campaign=$(field "d['campaign_id']")
  step "The owner activates it" -- campaign activate "$campaign" --reason "referral programme" "${owner[@]}"
  expect "d['status'] == 'CAMPAIGN_STATUS_ACTIVE'"

  printf '{"issuance": {"referral-campaign-id": "%s"}}\n' "$campaign" > "$run_dir/issuance-config.json"
  echo
  echo "==> restarting voucherd-issuance with referral-campaign-id $campaign"
  stop_service issuance
  start_service issuance "${xrpc_ports[issuance]}"
  wait_ready issuance

  # The feed polls identity every second; wait (bounded) for the grant before the checked step.
  local deadline=$((SECONDS + 30))
  until "$bin/voucherctl" coupon wallet "${as_alice[@]}" --format json 2>/dev/null \
      | python3 -c 'import json,sys; sys.exit(0 if any(c.get("campaign_id") == sys.argv[1] for c in json.load(sys.stdin).get("coupons", [])) else 1)' "$campaign"; do
    [ $SECONDS -lt $deadline ] || break
    sleep 0.2
  done
  step "Alice's wallet now holds her referral reward (issuance pulled the command from identity)" -- coupon wallet "${as_alice[@]}"
  expect "[(c['origin'], int(c['benefit']['fixed_amount']['off']['minor_units'])) for c in d.get('coupons', []) if c['campaign_id'] == '$campaign'] == [('grant', 5000)]"
  show -- coupon wallet "${as_alice[@]}"
}

# The flash sale (抢券) through voucherd-load: it creates and activates a 300-coupon campaign
# (one per consumer) as the owner, registers 1,000 consumers through the gateway and mints each a
# token, then makes 5,000 ClaimCoupon attempts, 64 in flight, each with a random consumer's own
# token. It checks exactly 300 win, nobody holds two (by the answers and by every winner's
# wallet) and the campaign's issued count moved by 300, and exits non-zero if not.
flash_sale() {
  local report=$run_dir/flash-sale.json
  step_number=$((step_number + 1))
  printf '\n--- %d. Flash sale: 5,000 claim attempts by 1,000 consumers on 300 coupons (voucherd-load)\n' "$step_number"
  local owner_token
  owner_token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accessToken"])' "$run_dir/owner-session.json")
  printf '$ voucherd-load flash-sale --setup --inventory 300 --per-user-limit 1 --users 1000 --attempts 5000 --concurrency 64 ...\n'
  if ! "$bin/voucherd-load" flash-sale --endpoint "127.0.0.1:${xrpc_ports[issuance]}" \
      --identity-endpoint "127.0.0.1:${xrpc_ports[identity]}" \
      --ca "$certs/ca.crt" --cert "$certs/gateway.crt" --key "$certs/gateway.key" \
      --api-key "$(cat "$run_dir/gateway-api-key")" --setup --admin-token "$owner_token" \
      --merchant-id "$demo_merchant" --currency "$currency" --inventory 300 --per-user-limit 1 \
      --users 1000 --attempts 5000 --concurrency 64 --warmup 0 --label demo --json "$report"; then
    echo "CHECK FAILED: the flash sale's checks failed (see above)" >&2
    failures=$((failures + 1))
  fi
}
