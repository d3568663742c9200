"""One JSON object per log line, with nothing that could carry case content.

A line holds the time (UTC), level, logger, message and, for a security event, its
fields (`lib/security_log.py`). An exception is logged as its class and where it was
raised (file, line, function of each frame), never its message or local variables: a
message can quote what a person typed. Django's request object, which the
`django.request` logger attaches, is never written out (it holds the client's address).
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime

_FRAMES = 12  # the innermost frames say where it failed; the rest is Django's machinery


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "security", None)
        if isinstance(fields, dict):
            line.update(fields)
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            line["status"] = status
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, trace = record.exc_info
            line["error"] = f"{kind.__module__}.{kind.__qualname__}"
            frames = traceback.extract_tb(trace)[-_FRAMES:]
            line["where"] = [f"{f.filename}:{f.lineno} in {f.name}" for f in frames]
        return json.dumps(line, ensure_ascii=False, sort_keys=False, default=str)
