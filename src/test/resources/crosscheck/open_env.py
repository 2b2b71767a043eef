"""Opens an encrypted_env as a CVM does, with Python's `cryptography` (not the JDK): prints the plaintext.

    python open_env.py RECEIVER_PRIVATE_KEY_HEX [SEALED_HEX]   (the sealed hex from stdin when not given)

Sealed: ephemeral X25519 public key (32) || iv (12) || AES-256-GCM ciphertext || tag (16), the raw
X25519 shared secret as the key, no AAD. The plaintext goes to stdout as UTF-8, unchanged.
"""
import sys

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def open_env(private_hex: str, sealed_hex: str) -> bytes:
    sealed = bytes.fromhex(sealed_hex.strip())
    ephemeral, iv, ct_and_tag = sealed[:32], sealed[32:44], sealed[44:]
    private = X25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex.strip()))
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    return AESGCM(shared).decrypt(iv, ct_and_tag, None)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    sealed_hex = sys.argv[2] if len(sys.argv) == 3 else sys.stdin.read()
    sys.stdout.buffer.write(open_env(sys.argv[1], sealed_hex))
