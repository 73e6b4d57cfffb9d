#!/usr/bin/env bash
# Regenerates the emulator's access-token signing key: a TEST-ONLY RSA key, public by design
# (committed), never used outside the emulator. Writes test-only-signing-key.pem (PKCS#8) and
# test-only-signing-key.jwk.json (its public half as the JWKS entry the emulator serves, with a
# self-signed certificate).
set -euo pipefail
cd "$(dirname "$0")"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out test-only-signing-key.pem 2>/dev/null
# A self-signed certificate for the JWK's x5c and x5t#S256 (which the document requires).
openssl req -x509 -key test-only-signing-key.pem -subj /CN=workos-emulator -days 36500 -outform DER -out test-only-signing-key.cert.der
python3 - <<'PY'
import base64, json, re, subprocess
text = subprocess.run(["openssl", "pkey", "-in", "test-only-signing-key.pem", "-noout", "-text"], capture_output=True, text=True, check=True).stdout
modulus = re.search(r"modulus:\n((?:\s+[0-9a-f:]+\n)+)", text).group(1)
n = bytes.fromhex(re.sub(r"[\s:]", "", modulus)).lstrip(b"\x00")
e = int(re.search(r"publicExponent: (\d+)", text).group(1))
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
import hashlib
der = open("test-only-signing-key.cert.der", "rb").read()
jwk = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "emulator_key_01", "n": b64(n),
       "e": b64(e.to_bytes((e.bit_length() + 7) // 8, "big")),
       "x5c": [base64.b64encode(der).decode()], "x5t#S256": b64(hashlib.sha256(der).digest())}
json.dump(jwk, open("test-only-signing-key.jwk.json", "w"), indent=2)
PY
rm test-only-signing-key.cert.der
echo "wrote test-only-signing-key.pem and test-only-signing-key.jwk.json"
