"""Governance documents: checked by content, stored under random names, served
only to those allowed, as attachments."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.governance import documents, reading, services, sniffing
from pcnhub.governance.models import FrozenRecord, GovernanceDocument
from tests.governance.samples import MINIMAL_PDF

pytestmark = pytest.mark.django_db

NETWORK = "U99001"
ACTOR = Actor(system="governance-tests")

PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled"


def office_zip(main_type: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" '
            f'ContentType="{main_type}.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def odt_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", sniffing.ODT)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "schedule"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(
    content: bytes, name: str = "agreement.pdf", content_type: str = "application/pdf"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def store(content: bytes, name: str = "agreement.pdf", **kwargs) -> GovernanceDocument:  # type: ignore[no-untyped-def]
    return documents.store_document(
        ACTOR,
        NETWORK,
        kind=kwargs.pop("kind", "network_agreement"),
        title=kwargs.pop("title", "Network agreement 2021"),
        upload=upload(content, name),
        reason="signed copy",
        **kwargs,
    )


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Checking what a file is ------------------------------------------------------------


def test_a_real_pdf_is_stored_under_a_random_name(demo_data, media_root) -> None:
    document = store(MINIMAL_PDF, "Signed agreement.pdf")
    assert re.fullmatch(r"[0-9a-f]{32}", document.stored_name)
    path = media_root / NETWORK / document.stored_name
    assert path.read_bytes() == MINIMAL_PDF
    assert stored_files(media_root) == [path]  # nothing named by the user
    assert document.original_name == "Signed agreement.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(MINIMAL_PDF)
    assert document.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "store document"
    assert [s.code for s in entry.subjects.all()] == [NETWORK]
    assert entry.after["sha256"] == document.sha256


def test_a_text_file_named_pdf_is_refused(demo_data, media_root) -> None:
    with pytest.raises(ValidationError) as exc:
        store(b"Hello, this is just text pretending.\n", "agreement.pdf")
    assert "whatever its name says" in exc.value.message_dict["upload"][0]
    assert not GovernanceDocument.objects.exists()
    assert stored_files(media_root) == []


def test_a_truncated_pdf_is_refused(demo_data, media_root) -> None:
    with pytest.raises(ValidationError):
        store(MINIMAL_PDF[:40])
    assert stored_files(media_root) == []


def test_files_over_10_mb_are_refused(demo_data, media_root) -> None:
    big = MINIMAL_PDF + b"0" * (sniffing.MAX_DOCUMENT_BYTES) + b"%%EOF"
    with pytest.raises(ValidationError) as exc:
        store(big)
    assert exc.value.message_dict["upload"] == ["the file must be 10 MB or smaller"]
    assert stored_files(media_root) == []


def test_empty_files_are_refused(demo_data) -> None:
    with pytest.raises(ValidationError) as exc:
        store(b"")
    assert "empty" in exc.value.message_dict["upload"][0]


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (PNG_BYTES, "scan.png", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, "photo.jpg", "image/jpeg"),
        (office_zip(WORD_MAIN), "agreement.docx", sniffing.DOCX),
        (odt_zip(), "agreement.odt", sniffing.ODT),
        (xlsx_bytes(), "schedule.xlsx", sniffing.XLSX),
        # The type comes from the content: a PDF named .docx is a PDF.
        (MINIMAL_PDF, "mislabelled.docx", "application/pdf"),
    ],
)
def test_allowed_types_are_told_by_content(
    demo_data, content: bytes, name: str, expected: str
) -> None:
    assert store(content, name).content_type == expected


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (office_zip(MACRO_MAIN), "macros.docm"),
        (office_zip("application/x-unknown"), "odd.docx"),
        (b"PK\x03\x04 not really a zip", "broken.docx"),
        (b"<html><script>alert(1)</script></html>", "page.png"),
        (b"MZ\x90\x00 an executable", "program.pdf"),
    ],
)
def test_other_content_is_refused(demo_data, content: bytes, name: str) -> None:
    with pytest.raises(ValidationError):
        store(content, name)
    assert not GovernanceDocument.objects.exists()


def test_a_path_in_the_file_name_is_dropped(demo_data, media_root) -> None:
    document = store(MINIMAL_PDF, "../../etc/evil\r\nname.pdf")
    assert document.original_name == "evilname.pdf"
    assert (media_root / NETWORK / document.stored_name).is_file()


# Superseding, never deleting ----------------------------------------------------------


def test_a_new_document_supersedes_the_old_which_stays(demo_data, media_root) -> None:
    old = store(MINIMAL_PDF, "v1.pdf")
    new = store(MINIMAL_PDF, "v2.pdf", supersedes=old)
    old.refresh_from_db()
    assert old.superseded_by == new and old.superseded
    assert (media_root / NETWORK / old.stored_name).is_file()
    with pytest.raises(FrozenRecord):
        old.delete()
    listed = reading.governance_on(NETWORK, new.uploaded_at.date()).documents
    assert list(listed) == [new, old]
    with pytest.raises(ValidationError):
        store(MINIMAL_PDF, "v3.pdf", supersedes=old)  # already superseded


def test_documents_are_linked_to_the_current_agreement(demo_data) -> None:
    agreement = services.record_network_agreement(
        ACTOR,
        NETWORK,
        status="signed",
        signed_on=date(2021, 3, 1),
        schedules_complete=True,
        start=date(2021, 4, 1),
    )
    assert store(MINIMAL_PDF).agreement == agreement
    assert store(MINIMAL_PDF, kind="other").agreement is None


# Download -----------------------------------------------------------------------------


def test_download_sends_an_attachment_to_those_allowed(demo_data, client_for) -> None:
    document = store(MINIMAL_PDF, "Signed agreement.pdf")
    client = client_for("commissioner", "99Z")
    response = client.get(reverse("governance_document", args=[NETWORK, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Signed agreement.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.mark.parametrize(
    ("role", "organisation"),
    [
        ("evaluator", None),
        ("network_manager", "U99002"),
        ("practice_manager", "Z93030"),
    ],
)
def test_download_is_refused_to_others(
    demo_data, client_for, role: str, organisation: str | None
) -> None:
    document = store(MINIMAL_PDF)
    client = client_for(role, organisation)
    response = client.get(reverse("governance_document", args=[NETWORK, document.pk]))
    assert response.status_code == 403


def test_download_needs_sign_in_and_the_right_network(demo_data, client_for) -> None:
    document = store(MINIMAL_PDF)
    url = reverse("governance_document", args=[NETWORK, document.pk])
    assert Client().get(url).status_code == 302  # to the sign-in page
    client = client_for("national")
    other = reverse("governance_document", args=["U99002", document.pk])
    assert client.get(other).status_code == 404
