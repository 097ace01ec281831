"""Files API: uploads and batch outputs stored as real files under the data directory; metadata in memory."""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from semtel_core.endpoint.http import HttpError, Receive, Scope, header

PURPOSES = frozenset({"batch", "batch_output", "fine-tune", "assistants", "user_data", "evals", "vision"})


@dataclass(frozen=True)
class StoredFile:
    id: str
    filename: str
    purpose: str
    bytes: int
    created_at: int
    path: Path

    def as_object(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": self.bytes,
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "expires_at": None,
            "status_details": None,
        }


class FileStore:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self._files: dict[str, StoredFile] = {}
        root.mkdir(parents=True, exist_ok=True)

    def _register(self, filename: str, purpose: str, path: Path, file_id: str) -> StoredFile:
        stored = StoredFile(file_id, filename, purpose, path.stat().st_size, int(time.time()), path)
        self._files[file_id] = stored
        return stored

    def add_bytes(self, data: bytes, filename: str, purpose: str) -> StoredFile:
        """Blocking: writes the file (used from worker threads)."""
        file_id = f"file-{uuid.uuid4().hex}"
        path = self.root / file_id
        path.write_bytes(data)
        return self._register(filename, purpose, path, file_id)

    def add_stream(self, source: Any, filename: str, purpose: str) -> StoredFile:
        """Blocking: copies an open binary file object."""
        file_id = f"file-{uuid.uuid4().hex}"
        path = self.root / file_id
        with path.open("wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        if path.stat().st_size > self.max_bytes:
            path.unlink()
            raise HttpError(400, f"file is larger than {self.max_bytes} bytes", code="file_too_large")
        return self._register(filename, purpose, path, file_id)

    def get(self, file_id: str) -> StoredFile:
        stored = self._files.get(file_id)
        if stored is None:
            raise HttpError(404, f"No such File object: {file_id}", code="not_found")
        return stored

    def read(self, file_id: str) -> bytes:
        return self.get(file_id).path.read_bytes()


async def upload_file(scope: Scope, receive: Receive, store: FileStore) -> StoredFile:
    """``POST /v1/files`` (multipart ``file`` + ``purpose``), parsed by Starlette off the hot path."""
    from starlette.datastructures import UploadFile
    from starlette.requests import Request

    declared = header(scope, b"content-length")
    if declared is not None and int(declared) > store.max_bytes + 64 * 1024:
        raise HttpError(400, f"file is larger than {store.max_bytes} bytes", code="file_too_large")
    async with Request(scope, receive).form(max_part_size=1024 * 1024) as form:
        upload = form.get("file")
        purpose = form.get("purpose")
        if not isinstance(upload, UploadFile):
            raise HttpError(400, "multipart field 'file' is required")
        if purpose not in PURPOSES:
            raise HttpError(400, f"'purpose' must be one of {sorted(PURPOSES)}")
        return await asyncio.to_thread(
            store.add_stream, upload.file, upload.filename or "upload", str(purpose)
        )
