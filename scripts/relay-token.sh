#!/usr/bin/env bash
# Issues a relay token for the Phala-compatible API: prints the token (give it to the team, once)
# and the entry to add to the relay tokens secret (only the token's SHA-256 is stored).
#   scripts/relay-token.sh NAME CVM_ID [CVM_ID ...]     # "*" for every CVM
# The token is crt_ and 32 random bytes in base64url (43 characters), from the OS's CSPRNG.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 NAME CVM_ID [CVM_ID ...]   (NAME: 1-64 of A-Z a-z 0-9 . _ @ : / -; CVM_ID \"*\" for every CVM)" >&2
  exit 2
fi
exec python3 - "$@" <<'PY'
import base64, hashlib, json, re, secrets, sys
name, cvms = sys.argv[1], sys.argv[2:]
if not re.fullmatch(r"[A-Za-z0-9._@:/-]{1,64}", name):
    sys.exit("relay-token.sh: NAME must be 1-64 of A-Z a-z 0-9 . _ @ : / -")
token = "crt_" + base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
entry = {"name": name, "sha256": hashlib.sha256(token.encode()).hexdigest(), "cvms": cvms}
print("token: " + token)
print("entry: " + json.dumps(entry, separators=(",", ":")))
PY
