"""Test settings: the product's settings with an explicitly cheap key derivation."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("OMBUDS_ENV", "test")
os.environ.setdefault("OMBUDS_DATA_DIR", tempfile.mkdtemp(prefix="ombuds-test-"))

from ombuds.lib.kdf import TEST_KDF
from ombuds.settings import *  # noqa: F403

OMBUDS_KDF = TEST_KDF
OMBUDS_SIGNING_KEY_FILE = Path(os.environ["OMBUDS_DATA_DIR"]) / "checkpoint-signing.key"
OMBUDS_BLOB_DIR = Path(os.environ["OMBUDS_DATA_DIR"]) / "blobs"
OMBUDS_CONFLICT_KEY_FILE = Path(os.environ["OMBUDS_DATA_DIR"]) / "conflict-token.key"
OMBUDS_ESCROW_KEY_FILE = Path(os.environ["OMBUDS_DATA_DIR"]) / "escrow-oprf.key"
# Module-wide sign-ins (the authorisation matrix) can outlive five minutes on a loaded
# machine; tests of the re-check itself set the real window with override_settings.
OMBUDS_REAUTH_SECONDS = 60 * 60
# The suite holds a transaction open around every test (and around a module's shared
# fixtures), which a loaded machine can leave idle for seconds: on PostgreSQL it runs
# without the product's timeouts. tests/integration/test_busy_database.py applies the
# product's own values (settings.POSTGRESQL_TIMEOUTS) to the sessions it tests, and the
# e2e servers run with them.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        "options": "-c lock_timeout=0 -c idle_in_transaction_session_timeout=0"
        " -c statement_timeout=0",
    }
OMBUDS_SECOND_FACTOR_KEY_FILE = Path(os.environ["OMBUDS_DATA_DIR"]) / "second-factor.key"
OMBUDS_RECEIPT_TAG_KEY_FILE = Path(os.environ["OMBUDS_DATA_DIR"]) / "receipt-tag.key"
OMBUDS_CONTACT_KEY_FILE = Path(os.environ["OMBUDS_DATA_DIR"]) / "contact-address.key"
# The suite signs in thousands of times; its own throttle tests set these back.
OMBUDS_DERIVATIONS_PER_SECOND = 1000.0
OMBUDS_DERIVATIONS_BURST = 1000.0
