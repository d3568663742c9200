"""The product served for the submission benchmark, with Argon2id timed on the server.

Splitting a request's CPU into "Argon2id" and "the rest" by subtracting an Argon2id timed
in another process is too noisy here (one Argon2id varies by 20 ms between calls on a
shared 2-core machine). The product's derivation threads add up each call's own thread CPU
time where it is spent (`lib.kdf.kdf_cpu`); this server answers `/__bench__/argon2id`
with the totals.
It exists only for the benchmark; the product never serves that path.

    python -m bench.server --port P --threads 4     (environment as for `ombuds serve`)
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Iterable
from typing import Any

ARGON_PATH = "/__bench__/argon2id"


def instrumented_application() -> Callable[..., Iterable[bytes]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombuds.settings")
    import django

    django.setup()
    from ombuds.lib.kdf import kdf_cpu
    from ombuds.wsgi import application as product

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == ARGON_PATH:
            seconds, calls = kdf_cpu()  # timed on the derivation threads, where it is spent
            body = json.dumps({"cpu_seconds": seconds, "calls": calls}).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        return product(environ, start_response)

    return application


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    from waitress import serve

    serve(instrumented_application(), host="127.0.0.1", port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()
