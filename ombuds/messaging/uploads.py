"""Receiving uploaded evidence without ever writing it to disk in the clear.

Django keeps uploads over 2.5 MB in a temporary file; for evidence that would leave the
clear bytes on disk after the request. `memory_uploads` makes a view keep them in memory
instead, and stop keeping bytes one past the 10 MiB limit (the rest is read and dropped,
and the file reports its real size, so the form can say it is too large).

The handler must be in place before anything reads request.POST, and the CSRF check
does: so a view using it is wrapped as csrf_exempt and checks CSRF itself, inside.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ombuds.messaging.files import MAX_BYTES


class CappedMemoryUploadHandler(FileUploadHandler):
    """Keeps each uploaded file in memory, up to one byte past the limit."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        room = MAX_BYTES + 1 - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])
        return None  # consumed: no later handler sees it

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,  # the real size, even when the bytes kept stop at the limit
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


View = Callable[..., HttpResponse]


def memory_uploads(view: View) -> View:
    """Decorate a view that takes evidence files: uploads stay in memory, CSRF is checked."""
    protected = csrf_protect(view)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_handlers = [CappedMemoryUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)
