#!/usr/bin/env bash
# Issues a relay token for the Phala-compatible API: prints the token (give it to the team, once)
# and the entry to add to the relay tokens secret (only the token's SHA-256 is stored).
#   scripts/relay-token.sh [--expires WHEN] [--scopes LIST] NAME CVM_ID [CVM_ID ...]     # "*" for every CVM
#   --expires  an RFC 3339 time (2026-12-31T23:59:59Z, 2026-12-31T23:59:59+01:00) or a time from now:
#              Nh, Nd or Nw (hours, days, weeks; e.g. 30d); written as UTC. Without it: never expires.
#   --scopes   a comma-separated list of read, deploy, manage, rollout (default: read,deploy).
# The token is crt_ and 32 random bytes in base64url (43 characters), from the OS's CSPRNG.
set -euo pipefail
exec python3 - "$@" <<'PY'
import base64, datetime, hashlib, json, re, secrets, sys

USAGE = ("usage: relay-token.sh [--expires RFC3339|Nh|Nd|Nw] [--scopes read,deploy,manage,rollout] NAME CVM_ID [CVM_ID ...]"
         "   (NAME: 1-64 of A-Z a-z 0-9 . _ @ : / -; CVM_ID \"*\" for every CVM)")
SCOPES = ["read", "deploy", "manage", "rollout"]
RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})")

def fail(message, code=2):
    print("relay-token.sh: " + message, file=sys.stderr)
    sys.exit(code)

args, expires, scopes = [], None, None
argv = sys.argv[1:]
i = 0
while i < len(argv):
    arg = argv[i]
    if arg in ("--expires", "--scopes"):
        if i + 1 >= len(argv):
            fail(arg + " needs a value\n" + USAGE)
        if arg == "--expires":
            expires = argv[i + 1]
        else:
            scopes = argv[i + 1]
        i += 2
    elif arg.startswith("--expires="):
        expires, i = arg.split("=", 1)[1], i + 1
    elif arg.startswith("--scopes="):
        scopes, i = arg.split("=", 1)[1], i + 1
    elif arg == "--":
        args += argv[i + 1:]
        break
    elif arg.startswith("--"):
        fail("unknown option " + arg + "\n" + USAGE)
    else:
        args.append(arg)
        i += 1
if len(args) < 2:
    print(USAGE, file=sys.stderr)
    sys.exit(2)
name, cvms = args[0], args[1:]
if not re.fullmatch(r"[A-Za-z0-9._@:/-]{1,64}", name):
    fail("NAME must be 1-64 of A-Z a-z 0-9 . _ @ : / -", 1)

listed = SCOPES[:2]
if scopes is not None:
    wanted = [s.strip() for s in scopes.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SCOPES]
    if not wanted or unknown:
        fail("--scopes must list some of " + ", ".join(SCOPES) + (" (not: " + ", ".join(unknown) + ")" if unknown else ""), 1)
    listed = [s for s in SCOPES if s in wanted]

now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
expires_at = None
if expires is not None:
    relative = re.fullmatch(r"([1-9][0-9]{0,5})([hdw])", expires)
    if relative:
        n, unit = int(relative.group(1)), relative.group(2)
        when = now + {"h": datetime.timedelta(hours=n), "d": datetime.timedelta(days=n), "w": datetime.timedelta(weeks=n)}[unit]
    else:
        when = None
        if RFC3339.fullmatch(expires):
            text = expires.upper().replace("Z", "+00:00")
            try:
                # Whole seconds: a fraction is dropped (the token expires that much sooner).
                when = datetime.datetime.fromisoformat(text[:19] + text[-6:]).astimezone(datetime.timezone.utc)
            except ValueError:
                pass
        if when is None:
            fail("--expires must be an RFC 3339 time (2026-12-31T23:59:59Z) or Nh, Nd, Nw (e.g. 30d)", 1)
    if when <= now:
        fail("--expires must be in the future", 1)
    expires_at = when.strftime("%Y-%m-%dT%H:%M:%SZ")

token = "crt_" + base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
entry = {"name": name, "sha256": hashlib.sha256(token.encode()).hexdigest(), "cvms": cvms}
if expires_at is not None:
    entry["expires_at"] = expires_at
entry["scopes"] = listed
print("token: " + token)
print("entry: " + json.dumps(entry, separators=(",", ":")))
PY
