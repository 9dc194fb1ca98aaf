"""A file sent to the API (raw body, or multipart field ``file``) as a seekable temporary file, within the size limit."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.request import Request

CHUNK = 1 << 20


class UploadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


@contextlib.contextmanager
def upload_spool(request: Request) -> Iterator[IO[bytes]]:
    """Yield the sent file, spooled (memory, then disk) and rewound; 400 without a file, 413 over ``HUB_MAX_INTERCHANGE_BYTES``."""
    limit = settings.HUB_MAX_INTERCHANGE_BYTES
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("A multipart upload needs the file in the field 'file'.")]})
        source: IO[bytes] = upload
    else:
        source = request._request  # the raw body, read in chunks
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        size = 0
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadTooLarge(_("the file is larger than the limit of %(limit)d bytes") % {"limit": limit})
            spool.write(chunk)
        if size == 0:
            raise exceptions.ValidationError({"file": [_("the file is empty")]})
        spool.seek(0)
        yield spool
