"""What an uploaded file is, told by its content (never its name), and the limits.

Kept apart from storing (:mod:`pcnhub.governance.documents`) so that the upload
form can refuse an oversized file early without importing the writers.
"""

from __future__ import annotations

import zipfile
from typing import IO

#: Uploads: at most 10 MB, and only these types (told apart by their content).
#: Uploads: at most 10 MB, and only these types (told apart by their content).
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ALLOWED_TYPES: dict[str, str] = {
    PDF: "PDF",
    DOCX: "Word (DOCX)",
    XLSX: "Excel (XLSX)",
    ODT: "OpenDocument text (ODT)",
    PNG: "PNG image",
    JPEG: "JPEG image",
}
ALLOWED_TEXT = "a PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), PNG or JPEG"


def _zip_type(handle: IO[bytes]) -> str | None:
    """DOCX, XLSX or ODT from a zip file's own description of its content.

    Only the small entries that say what the package is are read (never the
    whole archive), so a crafted archive cannot make us unpack gigabytes.
    """
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 200:
                    return None
                kind = archive.read(info).strip().decode("ascii", "replace")
                return ODT if kind == ODT else None
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > 1_000_000:
                    return None
                types = archive.read(info).decode("utf-8", "replace")
                # The main part's exact type: macro-enabled files (docm, xlsm)
                # declare another and are refused.
                if (
                    "wordprocessingml.document.main+xml" in types
                    and "word/document.xml" in names
                ):
                    return DOCX
                if (
                    "spreadsheetml.sheet.main+xml" in types
                    and "xl/workbook.xml" in names
                ):
                    return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError):
        return None
    except NotImplementedError:  # an unsupported compression method
        return None
    return None


def sniff(handle: IO[bytes], size: int) -> str | None:
    """The content type of the file by its content (magic bytes), or None."""
    handle.seek(0)
    head = handle.read(16)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        # A PDF ends with %%EOF (readers look for it in the last kilobyte).
        handle.seek(max(0, size - 1024))
        tail = handle.read()
        handle.seek(0)
        return PDF if b"%%EOF" in tail else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        found = _zip_type(handle)
        handle.seek(0)
        return found
    return None
