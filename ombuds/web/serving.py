"""How `ombuds serve` runs waitress: the proxy it trusts, its buffers, its limits.

- Behind a TLS-terminating proxy (`OMBUDS_BEHIND_PROXY=1`) waitress believes the
  proxy's `X-Forwarded-Proto`, and only from `OMBUDS_TRUSTED_PROXY` (default 127.0.0.1),
  so a request that reached the proxy over HTTPS is HTTPS here too (no redirect loop).
  No other forwarded header is trusted: the client's address never reaches Django.
- Buffers: waitress spools a request body over `inbuf_overflow` and a response over
  `outbuf_overflow` to a temporary file, which would put an upload or a decrypted
  download on disk in the clear. Both are set above the largest request and response,
  and a larger request is refused (`max_request_body_size`).
- Limits: idle or half-sent connections are closed after `channel_timeout` seconds
  (checked every `cleanup_interval`), and up to `connection_limit` are held at once
  (poll(), not select(), so more than 1,024 sockets work). In production the proxy
  absorbs slow clients: it sends waitress only whole requests.
- No access log: waitress writes none, so no visitor's address is written down.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

CLEANUP_INTERVAL = 5  # seconds between sweeps for idle connections


def waitress_options(*, host: str, port: int, threads: int) -> dict[str, Any]:
    """Keyword arguments for `waitress.serve` under the current settings."""
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "threads": threads,
        "ident": "ombuds",
        "max_request_body_size": settings.OMBUDS_MAX_REQUEST_BYTES,
        "inbuf_overflow": settings.OMBUDS_MAX_REQUEST_BYTES + 1024 * 1024,
        # A buffer past the high watermark makes the application wait for the socket, so
        # one buffer holds at most the watermark plus one write: twice is ample.
        "outbuf_high_watermark": settings.OMBUDS_MAX_RESPONSE_BYTES,
        "outbuf_overflow": 2 * settings.OMBUDS_MAX_RESPONSE_BYTES,
        "connection_limit": settings.OMBUDS_CONNECTION_LIMIT,
        "channel_timeout": settings.OMBUDS_CHANNEL_TIMEOUT,
        "cleanup_interval": CLEANUP_INTERVAL,
        "asyncore_use_poll": True,
        "clear_untrusted_proxy_headers": True,
    }
    if settings.BEHIND_PROXY:
        options["trusted_proxy"] = settings.OMBUDS_TRUSTED_PROXY
        options["trusted_proxy_headers"] = {"x-forwarded-proto"}
    return options
