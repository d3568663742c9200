"""Random tokens for references: public identifiers, they protect nothing by secrecy."""

import secrets

from ombuds.lib.errors import InvalidInput


def random_token(nbytes: int = 16) -> str:
    """A random hex token of nbytes bytes (anyone shown it can read it; nothing to decrypt)."""
    if isinstance(nbytes, bool) or not isinstance(nbytes, int) or nbytes < 1:
        raise InvalidInput("nbytes must be a positive integer")
    return secrets.token_hex(nbytes)
