"""Compiling the translation catalogues (locale/*/LC_MESSAGES/django.po → .mo).

Only the .po files are kept in the repository. polib (pure Python) compiles them, so no
system gettext is needed: at bootstrap (`python -m ombuds.web.catalogue`) and, if a .mo
is missing or older than its .po, when the application starts.
"""

from __future__ import annotations

import logging
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
log = logging.getLogger(__name__)


def stale_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """The .po files whose .mo is missing or older."""
    stale = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every stale catalogue. Fuzzy entries are left out, as msgfmt does."""
    compiled = []
    for po in stale_catalogues(locale_dir):
        polib.pofile(str(po)).save_as_mofile(str(po.with_suffix(".mo")))
        compiled.append(po)
    return compiled


def compile_if_stale() -> None:
    """At start-up: a read-only install keeps the .mo files it was built with."""
    try:
        compile_catalogues()
    except OSError as exc:
        log.warning("could not compile the translation catalogues: %s", exc)


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path.with_suffix('.mo')}")
