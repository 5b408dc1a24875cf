#!/usr/bin/env bash
# Signed sample sends, checked by the providers' official SDKs: captures
# `hookscope send --sign` output with a headless listener, then verifies
# each stored request with stripe-python, standardwebhooks (PyPI),
# @octokit/webhooks-methods (npm) and slack_sdk. Needs python3/pip and
# node/npm with registry access; not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --quiet
bin=target/debug/hookscope
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q stripe standardwebhooks slack_sdk
(cd "$work" && npm install --silent @octokit/webhooks-methods >/dev/null)

"$bin" listen --headless --port 0 --db "$work/c.sqlite3" > "$work/listen.out" 2>&1 &
for _ in $(seq 1 100); do grep -q 'listening on' "$work/listen.out" && break; sleep 0.05; done
url=$(grep -o 'http://[0-9.:]*' "$work/listen.out" | head -n1)
"$bin" send payment_intent.succeeded --to "$url" --sign stripe --secret whsec_sdkcheck123
"$bin" send contact.created --to "$url" --sign standard_webhooks --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
"$bin" send push --to "$url" --sign github --secret gh-sdk-secret
"$bin" send slack.app_mention --to "$url" --sign slack --secret 8f742231b10e8888abcd99yyyzzz85a5
kill -INT %1; wait %1 || true
for i in 1 2 3 4; do "$bin" show "$i" --json --db "$work/c.sqlite3" > "$work/req$i.json"; done

"$work/venv/bin/python" - "$work" <<'PY'
import json, sys
import stripe, standardwebhooks
from slack_sdk.signature import SignatureVerifier
work = sys.argv[1]
def load(i):
    d = json.load(open(f"{work}/req{i}.json"))
    return d["body"], {k: v for k, v in d["headers"]}
body, h = load(1)
print("stripe-python", stripe.VERSION, "accepts:", stripe.Webhook.construct_event(body, h["stripe-signature"], "whsec_sdkcheck123")["type"])
body, h = load(2)
print("standardwebhooks accepts:", standardwebhooks.Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").verify(body, h)["type"])
body, h = load(4)
assert SignatureVerifier("8f742231b10e8888abcd99yyyzzz85a5").is_valid(body, h["x-slack-request-timestamp"], h["x-slack-signature"])
print("slack_sdk accepts: slack.app_mention")
PY
(cd "$work" && node -e "
const fs = require('fs');
(async () => {
  const { verify } = await import('@octokit/webhooks-methods');
  const d = JSON.parse(fs.readFileSync('req3.json'));
  const h = Object.fromEntries(d.headers);
  if (!(await verify('gh-sdk-secret', d.body, h['x-hub-signature-256']))) process.exit(1);
  console.log('@octokit/webhooks-methods accepts: push');
})();
")
