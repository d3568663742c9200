"""A software passkey for tests: an EC P-256 key (the `cryptography` package) that answers
the server's WebAuthn options the way a browser and authenticator would, byte for byte
(attestation "none"; assertions signed over authenticator data and the client data's
hash), so py_webauthn's verification runs for real. It can also lie: another origin, an
old counter, another challenge."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url, encode_cbor

_UP, _UV, _AT = 0x01, 0x04, 0x40  # user present, user verified, attested credential data


def _b64(data: bytes) -> str:
    return bytes_to_base64url(data)


@dataclass
class SoftAuthenticator:
    rp_id: str
    origin: str
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: os.urandom(16))
    counter: int = 0

    @property
    def id(self) -> str:
        return _b64(self.credential_id)

    def _client_data(self, kind: str, options: str, origin: str | None) -> bytes:
        challenge = json.loads(options)["challenge"]
        return json.dumps(
            {
                "type": kind,
                "challenge": challenge,
                "origin": origin or self.origin,
                "crossOrigin": False,
            }
        ).encode()

    def _auth_data(self, flags: int, rp_id: str | None) -> bytes:
        rp_hash = hashlib.sha256((rp_id or self.rp_id).encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.counter)

    def create(self, options: str, *, origin: str | None = None, rp_id: str | None = None) -> str:
        """The browser's answer to registration options (JSON), as passkeys.js sends it."""
        numbers = self.key.public_key().public_numbers()
        cose = encode_cbor(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        attested = (
            bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + cose
        )
        auth_data = self._auth_data(_UP | _UV | _AT, rp_id) + attested
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options, origin)
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "response": {
                    "clientDataJSON": _b64(client_data),
                    "attestationObject": _b64(attestation),
                    "transports": ["internal"],
                },
                "clientExtensionResults": {},
            }
        )

    def get(
        self,
        options: str,
        *,
        origin: str | None = None,
        counter: int | None = None,
        rp_id: str | None = None,
    ) -> str:
        """The browser's answer to authentication options (JSON): a signed assertion. The
        counter moves on by one unless told what to say."""
        self.counter = self.counter + 1 if counter is None else counter
        auth_data = self._auth_data(_UP | _UV, rp_id)
        client_data = self._client_data("webauthn.get", options, origin)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "response": {
                    "authenticatorData": _b64(auth_data),
                    "clientDataJSON": _b64(client_data),
                    "signature": _b64(signature),
                },
                "clientExtensionResults": {},
            }
        )
