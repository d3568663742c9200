"""The vault: the only code that touches cryptography (libsodium via PyNaCl).

Function names say who can decrypt or verify the result. Everything fails closed with
DecryptionFailed (won't open) or InvalidInput (malformed arguments).
"""

from ombuds.vault.case_content import (
    CASE_KEY_BYTES,
    decrypt_case_content,
    encrypt_case_content,
    new_case_key,
)
from ombuds.vault.conflicts import (
    CONFLICT_KEY_BYTES,
    INTEREST_KINDS,
    conflict_token,
    new_conflict_key,
    normalise_interest,
)
from ombuds.vault.contacts import open_contact_address, seal_contact_address
from ombuds.vault.escrow_shares import (
    SealedMark,
    complainant_token,
    match_token,
    named_person_token,
    open_record_key,
    open_share_for_counsellor,
    reconstruct_match_key,
    seal_mark,
)
from ombuds.vault.keys import KeyPair, new_keypair, open_case_key, public_key_of, seal_case_key
from ombuds.vault.oprf import (
    OPRF_KEY_BYTES,
    new_oprf_key,
    oprf_blind,
    oprf_evaluate,
    oprf_finalize,
    oprf_output,
)
from ombuds.vault.passwords import (
    hash_password,
    lock_private_key,
    password_hash_needs_upgrade,
    relock_private_key,
    unlock_private_key,
    verify_password,
)
from ombuds.vault.receipts import (
    RECEIPT_WORDS,
    ReceiptKeys,
    new_receipt,
    normalise_receipt,
    receipt_keys,
)
from ombuds.vault.sealed import open_sealed_for_person, seal_to_person
from ombuds.vault.server_secrets import (
    SERVER_KEY_BYTES,
    audit_pseudonym,
    decrypt_for_server,
    encrypt_for_server,
    new_server_key,
    receipt_tag,
    recovery_code_digest,
    server_subkey,
)
from ombuds.vault.sessions import (
    new_session_key,
    session_row_key,
    unwrap_for_session,
    wrap_for_session,
)
from ombuds.vault.signing import (
    SIGNING_SEED_BYTES,
    new_signing_seed,
    sign,
    signing_public_key,
    verify_signature,
    verify_signatures,
)
from ombuds.vault.survey_tokens import (
    new_survey_token,
    normalise_survey_token,
    survey_token_digest,
)
from ombuds.vault.tokens import random_token

__all__ = [
    "CASE_KEY_BYTES",
    "CONFLICT_KEY_BYTES",
    "INTEREST_KINDS",
    "OPRF_KEY_BYTES",
    "RECEIPT_WORDS",
    "SERVER_KEY_BYTES",
    "SIGNING_SEED_BYTES",
    "KeyPair",
    "ReceiptKeys",
    "SealedMark",
    "audit_pseudonym",
    "complainant_token",
    "conflict_token",
    "decrypt_case_content",
    "decrypt_for_server",
    "encrypt_case_content",
    "encrypt_for_server",
    "hash_password",
    "lock_private_key",
    "match_token",
    "named_person_token",
    "new_case_key",
    "new_conflict_key",
    "new_keypair",
    "new_oprf_key",
    "new_receipt",
    "new_server_key",
    "new_session_key",
    "new_signing_seed",
    "new_survey_token",
    "normalise_interest",
    "normalise_receipt",
    "normalise_survey_token",
    "open_case_key",
    "open_contact_address",
    "open_record_key",
    "open_sealed_for_person",
    "open_share_for_counsellor",
    "oprf_blind",
    "oprf_evaluate",
    "oprf_finalize",
    "oprf_output",
    "password_hash_needs_upgrade",
    "public_key_of",
    "random_token",
    "receipt_keys",
    "receipt_tag",
    "reconstruct_match_key",
    "recovery_code_digest",
    "relock_private_key",
    "seal_case_key",
    "seal_contact_address",
    "seal_mark",
    "seal_to_person",
    "server_subkey",
    "session_row_key",
    "sign",
    "signing_public_key",
    "survey_token_digest",
    "unlock_private_key",
    "unwrap_for_session",
    "verify_password",
    "verify_signature",
    "verify_signatures",
    "wrap_for_session",
]
