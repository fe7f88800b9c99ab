"""Attachment files: content sniffing, private storage, look-up."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from sqlalchemy.orm import Session

from waspada.cases.errors import CaseError
from waspada.cases.models import (
    Case,
    CaseAttachment,
)
from waspada.cases.store.fields import touch
from waspada.platform.security.policy import Principal
from waspada.platform.settings import get_settings

# -- attachments ------------------------------------------------------------------------------

ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def sniff_type(data: bytes) -> str | None:
    """The content type from magic bytes (PDF, JPEG, PNG), or None. The client's is ignored."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def attachments_dir() -> Path:
    path = get_settings().data_dir / "attachments"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def safe_filename(name: str | None) -> str:
    base = Path((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isalnum() or ch in "._- ")[:100].strip(" .")
    return cleaned or "file"


def save_attachment(session: Session, principal: Principal, case: Case, filename: str | None,
                    data: bytes) -> CaseAttachment:
    limit = get_settings().cases_attachment_max_bytes
    if not data:
        raise CaseError("empty_file", "the file is empty", 422)
    if len(data) > limit:
        raise CaseError("file_too_large", f"files are limited to {limit} bytes", 413)
    kind = sniff_type(data)
    if kind is None:
        raise CaseError("file_type", "only PDF, JPEG and PNG files are accepted", 415)
    stored = secrets.token_hex(16) + ALLOWED_TYPES[kind]
    path = attachments_dir() / stored
    with open(path, "xb") as handle:
        handle.write(data)
    path.chmod(0o600)
    item = CaseAttachment(case_id=case.id, stored_name=stored,
                          original_name=safe_filename(filename), content_type=kind,
                          size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                          uploaded_by=principal.username)
    session.add(item)
    touch(case)
    session.flush()
    return item


def get_attachment(session: Session, case: Case, attachment_id: int) -> tuple[CaseAttachment,
                                                                                Path]:
    item = session.get(CaseAttachment, attachment_id)
    if item is None or item.case_id != case.id:
        raise CaseError("not_found", "no such attachment", 404)
    path = attachments_dir() / item.stored_name
    if not path.is_file():
        raise CaseError("not_found", "the file is no longer stored", 404)
    return item, path

