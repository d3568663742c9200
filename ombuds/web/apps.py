from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _owner_only_sqlite_files(sender: Any, connection: Any, **kwargs: Any) -> None:
    # The CLI and wsgi.py set umask 077; this holds even under a server that did not.
    # SQLite gives its -wal and -shm files the database file's own mode.
    if connection.vendor != "sqlite":
        return
    database = Path(str(connection.settings_dict["NAME"]))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except FileNotFoundError:
            pass


class WebConfig(AppConfig):
    name = "ombuds.web"
    label = "web"

    def ready(self) -> None:
        connection_created.connect(_owner_only_sqlite_files)
        from django.utils.translation import gettext

        from ombuds.lib.errors import translate_with

        translate_with(gettext)  # every refusal in the reader's language
        from ombuds.web.catalogue import compile_if_stale

        compile_if_stale()
