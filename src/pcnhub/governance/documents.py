"""Governance documents: kept under a random name in the network's folder,
linked to the record they evidence, superseded rather than deleted, audited.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from pcnhub.audit.services import Actor
from pcnhub.governance.kinds import KINDS
from pcnhub.governance.models import DocumentKind, GovernanceDocument
from pcnhub.governance.records import audit, describe, open_record
from pcnhub.governance.sniffing import ALLOWED_TEXT, MAX_DOCUMENT_BYTES, sniff
from pcnhub.governance.validation import (
    choice,
    invalid,
    locked_network,
    network_named,
    text,
)
from pcnhub.register.models import Organisation


def _safe_name(name: str) -> str:
    """The user's file name, for display and download only: no path, no controls."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[-255:] or "document"


def document_folder(network: str) -> Path:
    return Path(settings.MEDIA_ROOT) / network


def document_path(document: GovernanceDocument) -> Path:
    """Where a stored document lives (its name is ours, never the user's)."""
    folder = document_folder(document.network_id).resolve()
    path = (folder / document.stored_name).resolve()
    if path.parent != folder:
        raise ValidationError("the stored document's name is not valid")
    return path


def _content_type(upload: UploadedFile | None) -> str:
    """The upload's type by its content; refused if empty, too big or not allowed."""
    if upload is None:
        raise invalid("upload", "choose a file to upload")
    size = upload.size or 0
    if size == 0:
        raise invalid("upload", "the file is empty")
    if size > MAX_DOCUMENT_BYTES:
        raise invalid("upload", "the file must be 10 MB or smaller")
    content_type = sniff(upload.file, size)
    if content_type is None:
        raise invalid(
            "upload",
            f"the file must be {ALLOWED_TEXT}; this file's content is none of "
            "those, whatever its name says",
        )
    return content_type


def store_document(
    actor: Actor,
    network: str,
    *,
    kind: str,
    title: str,
    upload: UploadedFile,
    reason: str = "",
    supersedes: GovernanceDocument | int | None = None,
) -> GovernanceDocument:
    """Keep an uploaded document for the network, after checking what it is.

    The file is refused, with a plain message, when larger than 10 MB or when its
    content is not a PDF, DOCX, XLSX, ODT, PNG or JPEG (its name and the type the
    browser claimed are not trusted). It is stored under a random name in the
    network's folder. A network agreement or schedule is linked to the current
    network agreement, a data-sharing agreement to the current data-sharing
    agreement. ``supersedes`` marks an earlier document as replaced by this one.
    """
    choice("kind", kind, DocumentKind)
    title = text("title", title, "a title", 200)
    content_type = _content_type(upload)
    org = network_named(network)
    folder = document_folder(org.code)
    folder.mkdir(parents=True, exist_ok=True, mode=0o750)
    stored_name = uuid.uuid4().hex
    path = folder / stored_name
    digest = hashlib.sha256()
    written = 0
    # O_EXCL: never overwrite a file, even if a random name were ever to repeat.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(descriptor, "wb") as out:
            upload.seek(0)
            for chunk in upload.chunks():
                written += len(chunk)
                if written > MAX_DOCUMENT_BYTES:
                    raise invalid("upload", "the file must be 10 MB or smaller")
                digest.update(chunk)
                out.write(chunk)
        document = _record_document(
            actor,
            org.code,
            kind,
            title,
            _safe_name(upload.name or ""),
            stored_name,
            content_type,
            written,
            digest.hexdigest(),
            reason,
            supersedes,
        )
    except BaseException:
        # Nothing was recorded, so the file is ours to remove: no orphan is left.
        path.unlink(missing_ok=True)
        raise
    return document


def _superseded(
    org: Organisation, supersedes: GovernanceDocument | int | None
) -> GovernanceDocument | None:
    """The earlier document a new one replaces, locked; refused if not current."""
    if supersedes is None:
        return None
    old_id = supersedes.pk if isinstance(supersedes, GovernanceDocument) else supersedes
    old = (
        GovernanceDocument.objects.select_for_update()
        .filter(pk=old_id, network=org)
        .first()
    )
    if old is None:
        raise invalid("supersedes", "no such document for this network")
    if old.superseded_by_id is not None:
        raise invalid("supersedes", "that document is already superseded")
    return old


def _record_document(
    actor: Actor,
    network: str,
    kind: str,
    title: str,
    original_name: str,
    stored_name: str,
    content_type: str,
    size: int,
    sha256: str,
    reason: str,
    supersedes: GovernanceDocument | int | None,
) -> GovernanceDocument:
    with transaction.atomic():
        org = locked_network(network)
        old = _superseded(org, supersedes)
        # Each record kind declares the documents that evidence it: a document
        # is linked to that kind's current record, if there is one.
        links = {
            spec.document_field: open_record(spec.model, org.code)
            for spec in KINDS
            if kind in spec.documents
        }
        now = timezone.now()
        document = GovernanceDocument(
            network=org,
            kind=kind,
            title=title,
            original_name=original_name,
            stored_name=stored_name,
            content_type=content_type,
            size=size,
            sha256=sha256,
            uploaded_by=actor.user,
            uploaded_by_system=actor.system if actor.user is None else "",
            uploaded_at=now,
            reason=reason,
            **links,
        )
        document.save()
        if old is not None:
            old.superseded_by = document
            old.superseded_at = now
            old.save(update_fields=["superseded_by", "superseded_at"])
        audit(
            actor,
            "store document",
            org.code,
            f"GovernanceDocument:{document.pk}",
            describe(old) if old else None,
            describe(document),
            reason,
        )
    return document
