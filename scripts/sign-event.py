#!/usr/bin/env python3
"""Prints a signed sample event from events/ with a fresh timestamp and signature.

Slack, Phala and the CI hook refuse requests more than five minutes from the relay's clock, so
their samples in events/ go stale; this re-signs one with the sample secrets of events/env.json
(the relay ignores those variables; they say what to store in the secrets the function reads).
Slack and Phala carry the timestamp in a header; the CI hook carries it in its signed body, as
"timestamp" (unix seconds), which is set here before the body is signed:

    sam local invoke ComposeRelayFunction -e <(scripts/sign-event.py events/slack-command.json) ...
    scripts/sign-event.py events/phala-event.json > /tmp/event.json

Only the Python standard library is used.
"""
import base64
import hashlib
import hmac
import json
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def secrets():
    env = json.loads((ROOT / "events" / "env.json").read_text())["ComposeRelayFunction"]
    return env["SAMPLE_SLACK_SIGNING_SECRET"], env["SAMPLE_HOOK_SECRET"], env["SAMPLE_PHALA_WEBHOOK_SECRET"]


def hex_hmac(secret, message):
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(event, now):
    slack, hook, phala = secrets()
    raw = event["body"].encode()
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw)
    headers = {k.lower(): k for k in event["headers"]}
    path = event["rawPath"]
    ts = str(now)
    if path.endswith("/hooks/compose-update"):
        body = json.loads(raw)
        body["timestamp"] = now
        raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        event["body"] = base64.b64encode(raw).decode() if event.get("isBase64Encoded") else raw.decode()
    if path.endswith("/slack/command"):
        event["headers"][headers["x-slack-request-timestamp"]] = ts
        event["headers"][headers["x-slack-signature"]] = "v0=" + hex_hmac(slack, b"v0:" + ts.encode() + b":" + raw)
    elif path.endswith("/phala/events"):
        event["headers"][headers["x-webhook-timestamp"]] = ts
        event["headers"][headers["x-webhook-signature"]] = "sha256=" + hex_hmac(phala, ts.encode() + b"." + raw)
    elif path.endswith("/hooks/compose-update"):
        event["headers"][headers["x-hub-signature-256"]] = "sha256=" + hex_hmac(hook, raw)
    return event


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/sign-event.py events/<signed sample>.json")
    now = int(time.time())
    print(json.dumps(sign(json.loads(pathlib.Path(sys.argv[1]).read_text()), now), indent=2))
