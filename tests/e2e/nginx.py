"""The repository's nginx configuration, run on loopback with a throwaway certificate.

`deploy/nginx/ombuds.conf` is the file an operator installs. Here it is used as it is,
with only what must differ on a test machine rewritten: the listening ports (loopback,
free ports), the certificate (self-signed, made here with the `openssl` command), the
upstream port and the error log (a file of the run, at `warn` so that nginx's notes about
spooling a body to a temporary file would show). The benchmark (`bench/proxy.py`) uses
the same helper. Nothing here imports pytest.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE_CONFIG = ROOT / "deploy" / "nginx" / "ombuds.conf"


def nginx_binary() -> str | None:
    """Debian's nginx, if installed."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, valid for a day."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
    command += " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost"
    subprocess.run(
        [*command.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def render_site(
    *, https_port: int, http_port: int, upstream_ports: list[int], cert: Path, key: Path, log: Path
) -> str:
    """deploy/nginx/ombuds.conf with the machine-specific lines rewritten for loopback."""
    text = SITE_CONFIG.read_text()
    text = "\n".join(line for line in text.splitlines() if "[::]" not in line)
    text = re.sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl;", text)
    text = re.sub(r"listen 80;", f"listen 127.0.0.1:{http_port};", text)
    upstreams = "\n".join(f"    server 127.0.0.1:{port};" for port in upstream_ports)
    text = re.sub(r"^\s*server 127\.0\.0\.1:8000;", upstreams, text, flags=re.MULTILINE)
    text = re.sub(r"ssl_certificate \S+;", f"ssl_certificate {cert};", text)
    text = re.sub(r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};", text)
    text = re.sub(r"error_log \S+ crit;", f"error_log {log} warn;", text)
    return text


def main_config(site: str, folder: Path) -> str:
    """A minimal nginx.conf around the site, with every path inside `folder`."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'main-error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        "    types { text/html html; text/css css; application/javascript js; }\n"
        "    default_type application/octet-stream;\n"
        f"{temp}\n{site}\n}}\n"
    )


@dataclass
class Proxy:
    base_url: str  # https://127.0.0.1:PORT/
    http_url: str  # http://127.0.0.1:PORT/ (redirects to HTTPS)
    certificate: Path
    folder: Path
    error_log: Path
    process: subprocess.Popen[bytes]

    def temporary_files(self) -> list[Path]:
        """Files nginx spooled to disk (request bodies, responses) still on disk."""
        found: list[Path] = []
        for kind in ("client_body", "proxy"):
            found += [p for p in (self.folder / kind).rglob("*") if p.is_file()]
        return found

    def log(self) -> str:
        logs = [self.error_log, self.folder / "main-error.log"]
        return "".join(p.read_text(errors="replace") for p in logs if p.exists())


@contextmanager
def start_proxy(folder: Path, upstream_ports: list[int]) -> Iterator[Proxy]:
    """Run nginx with the repository's configuration in front of `upstream_ports`."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = make_certificate(folder)
    https_port, http_port = free_port(), free_port()
    log = folder / "ombuds-error.log"
    site = render_site(
        https_port=https_port,
        http_port=http_port,
        upstream_ports=upstream_ports,
        cert=cert,
        key=key,
        log=log,
    )
    conf = folder / "nginx.conf"
    conf.write_text(main_config(site, folder))
    command = [binary, "-p", str(folder), "-e", str(folder / "main-error.log"), "-c", str(conf)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx refuses the configuration:\n{checked.stderr}")
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited with {process.returncode}:\n{log}")
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not listen within 20 s") from None
                time.sleep(0.05)
        yield Proxy(
            base_url=f"https://127.0.0.1:{https_port}/",
            http_url=f"http://127.0.0.1:{http_port}/",
            certificate=cert,
            folder=folder,
            error_log=log,
            process=process,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
