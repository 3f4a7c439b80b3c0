"""The only way to write a network's governance record, and the questions about it.

Every write runs in one transaction, checks its input (raising Django's
``ValidationError`` with the field names), closes the record it replaces, opens
the new one and appends one audit entry naming the network. History is never
rewritten: a change must start on or after the day the record it replaces
started. A change starting on that very day closes the old record on its first
day, so it never held, but it stays in the history.

:func:`facts_on` turns the records into the rules' ``NetworkFacts``, so the
contract checks see them (:mod:`pcnhub.contract.snapshots`).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.core.codes import is_valid, normalise
from pcnhub.governance.models import (
    WTE_MAX,
    AgreementStatus,
    ClinicalDirectorAppointment,
    ContractInputs,
    DataSharingAgreement,
    DocumentKind,
    GovernanceDocument,
    GovernanceRecord,
    NetworkAgreement,
    NominatedPayee,
    OperatingModel,
    OperatingModelKind,
    PayeeKind,
    Profession,
    SmallPopulationApproval,
)
from pcnhub.register import queries
from pcnhub.register.models import Organisation, OrganisationKind
from pcnhub.rules.snapshot import NetworkFacts

R = TypeVar("R", bound=GovernanceRecord)

#: Shown instead of people's names to those who may not see personal data.
WITHHELD = "withheld (personal data)"

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

#: An ODS code of any kind (a practice, trust or other provider).
_ODS = re.compile(r"^[A-Z0-9]{3,6}$")


# --------------------------------------------------------------------------------
# Checking input
# --------------------------------------------------------------------------------


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _network(code: str) -> Organisation:
    """The network ``code`` names; refuse anything else."""
    wanted = normalise(code)
    org = Organisation.objects.filter(code=wanted).first()
    if org is None:
        raise _invalid("network", f"{wanted or code!r} is not in the register")
    if org.kind != OrganisationKind.NETWORK:
        raise _invalid("network", f"{org.code} is a {org.kind}, not a network")
    return org


def _locked_network(code: str) -> Organisation:
    """The network, its row locked so that two changes to it run one at a time."""
    org = _network(code)
    return Organisation.objects.select_for_update().get(pk=org.pk)


def _choice(field: str, value: str, choices: type) -> str:
    allowed = [c.value for c in choices]
    if value not in allowed:
        raise _invalid(field, f"{value!r} is not one of: {', '.join(allowed)}")
    return value


def _day(field: str, value: Any) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise _invalid(field, "enter a date")
    return value


def _text(field: str, value: str, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(field, f"enter {what}")
    if len(text) > limit:
        raise _invalid(field, f"{what} must be {limit} characters or fewer")
    return text


def _wte(value: Any) -> Decimal:
    try:
        wte = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _invalid("wte", "enter the whole-time equivalent as a number") from None
    if not wte.is_finite() or not Decimal(0) < wte <= WTE_MAX:
        raise _invalid(
            "wte", f"the whole-time equivalent must be above 0 and at most {WTE_MAX}"
        )
    if wte != wte.quantize(Decimal("0.01")):
        raise _invalid(
            "wte", "give the whole-time equivalent to 2 decimal places at most"
        )
    return wte.quantize(Decimal("0.01"))


def _ref(value: str) -> str:
    ref = (value or "").strip()
    if len(ref) > 100:
        raise _invalid("application_ref", "must be 100 characters or fewer")
    return ref


def _provenance(actor: Actor) -> dict[str, Any]:
    return {
        "recorded_by": actor.user,
        "recorded_by_system": actor.system if actor.user is None else "",
        "recorded_at": timezone.now(),
    }


def _not_before(field: str, start: date, current: GovernanceRecord, what: str) -> None:
    if start < current.valid_from:
        raise _invalid(
            field,
            f"{what} cannot start on {start}: the record it replaces started on "
            f"{current.valid_from}, and history is not rewritten",
        )


# --------------------------------------------------------------------------------
# Describing records (the audit trail, the API and the history all use this)
# --------------------------------------------------------------------------------

#: Keys of :func:`describe` that are personal data.
PERSONAL_KEYS = frozenset({"name", "recorded_by", "closed_by", "uploaded_by"})


def describe(item: GovernanceRecord | GovernanceDocument) -> dict[str, Any]:
    """A record's fields as plain values (people's names included)."""
    if isinstance(item, GovernanceDocument):
        return {
            "id": item.pk,
            "network": item.network_id,
            "kind": item.kind,
            "title": item.title,
            "original_name": item.original_name,
            "content_type": item.content_type,
            "size": item.size,
            "sha256": item.sha256,
            "uploaded_at": item.uploaded_at,
            "uploaded_by": item.uploaded_by_label,
            "reason": item.reason,
            "agreement": item.agreement_id,
            "data_sharing": item.data_sharing_id,
            "superseded_by": item.superseded_by_id,
        }
    values: dict[str, Any] = {"id": item.pk, "network": item.network_id}
    if isinstance(item, NetworkAgreement):
        values |= {
            "status": item.status,
            "signed_on": item.signed_on,
            "schedules_complete": item.schedules_complete,
            "notes": item.notes,
        }
    elif isinstance(item, DataSharingAgreement):
        values |= {"status": item.status, "signed_on": item.signed_on}
    elif isinstance(item, ClinicalDirectorAppointment):
        values |= {"name": item.name, "profession": item.profession, "wte": item.wte}
    elif isinstance(item, NominatedPayee):
        values |= {
            "payee_code": item.payee_code,
            "payee_name": item.payee_name,
            "kind": item.kind,
        }
    elif isinstance(item, OperatingModel):
        values |= {"model": item.model, "contract_holder": item.contract_holder}
    elif isinstance(item, SmallPopulationApproval):
        values |= {"approval_reason": item.approval_reason}
    elif isinstance(item, ContractInputs):
        values |= {f: getattr(item, f) for f in ContractInputs.INPUTS}
    return values | {
        "valid_from": item.valid_from,
        "valid_to": item.valid_to,
        "recorded_at": item.recorded_at,
        "recorded_by": item.recorded_by_label,
        "reason": item.reason,
        "application_ref": item.application_ref,
        "closed_at": item.closed_at,
        "closed_by": item.closed_by_label,
        "close_reason": item.close_reason,
        "close_application_ref": item.close_application_ref,
    }


# --------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------


def _audit(
    actor: Actor,
    action: str,
    network: str,
    key: str,
    before: Any,
    after: Any,
    reason: str,
) -> None:
    record(
        actor,
        action,
        "governance",
        key,
        before=before,
        after=after,
        reason=reason,
        subjects=[network],
    )


def _close(
    item: GovernanceRecord,
    on: date,
    actor: Actor | None = None,
    reason: str = "",
    application_ref: str = "",
) -> None:
    """Set ``valid_to``; with ``actor``, the record was ended by its own action."""
    item.valid_to = on
    fields = ["valid_to"]
    if actor is not None:
        item.closed_by = actor.user
        item.closed_by_system = actor.system if actor.user is None else ""
        item.closed_at = timezone.now()
        item.close_reason = reason
        item.close_application_ref = application_ref
        fields += [
            "closed_by",
            "closed_by_system",
            "closed_at",
            "close_reason",
            "close_application_ref",
        ]
    item.save(update_fields=fields)


def _open(model: type[R], network: str) -> R | None:
    """The record of a one-at-a-time kind that holds from now on (not closed)."""
    return (
        model.objects.select_for_update()
        .filter(network_id=network, valid_to__isnull=True)
        .order_by("-valid_from", "-id")
        .first()
    )


def _replace(
    actor: Actor,
    record_class: type[R],
    network: str,
    start: date,
    reason: str,
    application_ref: str,
    action: str,
    what: str,
    /,
    **values: Any,
) -> R:
    """Close the current record of a one-at-a-time kind at ``start``, open the next."""
    with transaction.atomic():
        org = _locked_network(network)
        current = _open(record_class, org.code)
        if current is not None:
            _not_before("start", start, current, what)
            before = describe(current)
            _close(current, start)
        else:
            before = None
        new = record_class(
            network=org,
            valid_from=start,
            reason=reason,
            application_ref=application_ref,
            **_provenance(actor),
            **values,
        )
        new.save()
        _audit(
            actor,
            action,
            org.code,
            f"{record_class.__name__}:{new.pk}",
            before,
            describe(new),
            reason,
        )
    return new


def appoint_clinical_director(
    actor: Actor,
    network: str,
    *,
    name: str,
    profession: str,
    wte: Decimal,
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> ClinicalDirectorAppointment:
    """Appoint a clinical director from ``start`` (others may hold the role too)."""
    name = _text("name", name, "the clinical director's name", 200)
    _choice("profession", profession, Profession)
    wte = _wte(wte)
    start = _day("start", start)
    application_ref = _ref(application_ref)
    with transaction.atomic():
        org = _locked_network(network)
        new = ClinicalDirectorAppointment(
            network=org,
            name=name,
            profession=profession,
            wte=wte,
            valid_from=start,
            reason=reason,
            application_ref=application_ref,
            **_provenance(actor),
        )
        new.save()
        _audit(
            actor,
            "appoint clinical director",
            org.code,
            f"ClinicalDirectorAppointment:{new.pk}",
            None,
            describe(new),
            reason,
        )
    return new


def end_clinical_director(
    actor: Actor,
    appointment: ClinicalDirectorAppointment,
    *,
    on: date,
    reason: str = "",
    application_ref: str = "",
) -> ClinicalDirectorAppointment:
    """End an appointment: ``on`` is the first day it no longer holds."""
    on = _day("on", on)
    application_ref = _ref(application_ref)
    with transaction.atomic():
        _locked_network(appointment.network_id)
        current = ClinicalDirectorAppointment.objects.select_for_update().get(
            pk=appointment.pk
        )
        if current.valid_to is not None:
            raise _invalid(
                "on", f"this appointment already ended on {current.valid_to}"
            )
        if on < current.valid_from:
            raise _invalid(
                "on",
                f"the appointment cannot end before it started ({current.valid_from})",
            )
        before = describe(current)
        _close(current, on, actor, reason, application_ref)
        _audit(
            actor,
            "end clinical director",
            current.network_id,
            f"ClinicalDirectorAppointment:{current.pk}",
            before,
            describe(current),
            reason,
        )
    return current


def replace_clinical_directors(
    actor: Actor,
    network: str,
    *,
    directors: list[tuple[str, str, Decimal]],
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> list[ClinicalDirectorAppointment]:
    """End every current appointment on ``start`` and appoint ``directors``.

    ``directors`` are ``(name, profession, wte)``; there must be at least one.
    """
    start = _day("start", start)
    application_ref = _ref(application_ref)
    if not directors:
        raise _invalid("directors", "name at least one clinical director")
    checked = []
    for name, profession, wte in directors:
        checked.append(
            (
                _text("name", name, "the clinical director's name", 200),
                _choice("profession", profession, Profession),
                _wte(wte),
            )
        )
    with transaction.atomic():
        org = _locked_network(network)
        current = list(
            ClinicalDirectorAppointment.objects.select_for_update()
            .filter(network=org, valid_to__isnull=True)
            .order_by("valid_from", "id")
        )
        for appointment in current:
            _not_before("start", start, appointment, "the new clinical directors")
        before = [describe(a) for a in current]
        for appointment in current:
            _close(appointment, start, actor, reason, application_ref)
        provenance = _provenance(actor)
        new = []
        for name, profession, wte in checked:
            appointment = ClinicalDirectorAppointment(
                network=org,
                name=name,
                profession=profession,
                wte=wte,
                valid_from=start,
                reason=reason,
                application_ref=application_ref,
                **provenance,
            )
            appointment.save()
            new.append(appointment)
        _audit(
            actor,
            "replace clinical directors",
            org.code,
            org.code,
            before,
            [describe(a) for a in new],
            reason,
        )
    return new


def set_nominated_payee(
    actor: Actor,
    network: str,
    *,
    payee_code: str,
    payee_name: str,
    kind: str,
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> NominatedPayee:
    """Name who is paid for the network from ``start`` (closing the current payee).

    A member practice or another provider needs its ODS code or, failing that,
    its name (the contract checks can only confirm a payee by code); a member
    practice's code must be a practice code. The network's own account needs
    neither.
    """
    _choice("kind", kind, PayeeKind)
    code = normalise(payee_code)
    name = (payee_name or "").strip()
    start = _day("start", start)
    if code and not _ODS.match(code):
        raise _invalid("payee_code", f"{code!r} is not an ODS code")
    if kind == PayeeKind.MEMBER_PRACTICE and code and not is_valid("practice", code):
        raise _invalid(
            "payee_code", f"{code} is not a practice code (a letter and 5 characters)"
        )
    if kind != PayeeKind.NETWORK_ACCOUNT and not (code or name):
        raise _invalid("payee_code", "enter the payee's ODS code, or its name")
    if len(name) > 200:
        raise _invalid("payee_name", "the name must be 200 characters or fewer")
    if code and not name:
        name = queries.names_on([code], start).get(code, "")
    return _replace(
        actor,
        NominatedPayee,
        network,
        start,
        reason,
        _ref(application_ref),
        "set nominated payee",
        "the nominated payee",
        payee_code=code,
        payee_name=name,
        kind=kind,
    )


def record_network_agreement(
    actor: Actor,
    network: str,
    *,
    status: str,
    signed_on: date | None,
    schedules_complete: bool,
    start: date,
    reason: str = "",
    application_ref: str = "",
    notes: str = "",
) -> NetworkAgreement:
    """Record the network agreement's state from ``start``."""
    _choice("status", status, AgreementStatus)
    if signed_on is not None:
        _day("signed_on", signed_on)
    return _replace(
        actor,
        NetworkAgreement,
        network,
        _day("start", start),
        reason,
        _ref(application_ref),
        "record network agreement",
        "the network agreement",
        status=status,
        signed_on=signed_on,
        schedules_complete=bool(schedules_complete),
        notes=(notes or "").strip(),
    )


def record_data_sharing(
    actor: Actor,
    network: str,
    *,
    status: str,
    signed_on: date | None,
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> DataSharingAgreement:
    """Record the data-sharing agreement's state from ``start``."""
    _choice("status", status, AgreementStatus)
    if signed_on is not None:
        _day("signed_on", signed_on)
    return _replace(
        actor,
        DataSharingAgreement,
        network,
        _day("start", start),
        reason,
        _ref(application_ref),
        "record data-sharing agreement",
        "the data-sharing agreement",
        status=status,
        signed_on=signed_on,
    )


def set_operating_model(
    actor: Actor,
    network: str,
    *,
    model: str,
    contract_holder: str,
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> OperatingModel:
    """Record how the network is organised and who holds its contract."""
    _choice("model", model, OperatingModelKind)
    holder = _text("contract_holder", contract_holder, "who holds the contract", 300)
    return _replace(
        actor,
        OperatingModel,
        network,
        _day("start", start),
        reason,
        _ref(application_ref),
        "set operating model",
        "the operating model",
        model=model,
        contract_holder=holder,
    )


def record_small_population_approval(
    actor: Actor,
    network: str,
    *,
    approval_reason: str,
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> SmallPopulationApproval:
    """Record the commissioner's approval of the network below the minimum.

    It holds from ``start`` until replaced; the population check cites it.
    Only the overseeing commissioner may record it
    (``governance.approve_small_population``, checked by the pages and the API).
    """
    why = _text("approval_reason", approval_reason, "the reason for the approval", 2000)
    return _replace(
        actor,
        SmallPopulationApproval,
        network,
        _day("start", start),
        (reason or "").strip() or why,
        _ref(application_ref),
        "approve small population",
        "the small population approval",
        approval_reason=why,
    )


# --------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------


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
    _choice("kind", kind, DocumentKind)
    title = _text("title", title, "a title", 200)
    if upload is None:
        raise _invalid("upload", "choose a file to upload")
    size = upload.size or 0
    if size == 0:
        raise _invalid("upload", "the file is empty")
    if size > MAX_DOCUMENT_BYTES:
        raise _invalid("upload", "the file must be 10 MB or smaller")
    content_type = sniff(upload.file, size)
    if content_type is None:
        raise _invalid(
            "upload",
            f"the file must be {ALLOWED_TEXT}; this file's content is none of "
            "those, whatever its name says",
        )
    org = _network(network)
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
                    raise _invalid("upload", "the file must be 10 MB or smaller")
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
        org = _locked_network(network)
        old = None
        if supersedes is not None:
            old_id = (
                supersedes.pk
                if isinstance(supersedes, GovernanceDocument)
                else supersedes
            )
            old = (
                GovernanceDocument.objects.select_for_update()
                .filter(pk=old_id, network=org)
                .first()
            )
            if old is None:
                raise _invalid("supersedes", "no such document for this network")
            if old.superseded_by_id is not None:
                raise _invalid("supersedes", "that document is already superseded")
        agreement = data_sharing = None
        if kind in (DocumentKind.NETWORK_AGREEMENT, DocumentKind.SCHEDULE):
            agreement = _open(NetworkAgreement, org.code)
        elif kind == DocumentKind.DATA_SHARING_AGREEMENT:
            data_sharing = _open(DataSharingAgreement, org.code)
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
            agreement=agreement,
            data_sharing=data_sharing,
        )
        document.save()
        if old is not None:
            old.superseded_by = document
            old.superseded_at = now
            old.save(update_fields=["superseded_by", "superseded_at"])
        _audit(
            actor,
            "store document",
            org.code,
            f"GovernanceDocument:{document.pk}",
            describe(old) if old else None,
            describe(document),
            reason,
        )
    return document


# --------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Governance:
    """What holds for a network on a day; ``None`` / empty where nothing does."""

    network: str
    day: date
    agreement: NetworkAgreement | None
    data_sharing: DataSharingAgreement | None
    clinical_directors: tuple[ClinicalDirectorAppointment, ...]
    payee: NominatedPayee | None
    operating_model: OperatingModel | None
    #: Every document of the network, newest first, superseded ones included
    #: (a document is evidence, kept whatever the date looked at).
    documents: tuple[GovernanceDocument, ...]
    #: Whether any clinical director was appointed on or before the day.
    directors_known: bool


def holding_on(model: type[R], network: str, day: date) -> list[R]:
    """The network's records of one kind that hold on ``day``, oldest first."""
    return list(
        queries.holding_on(model.objects.filter(network_id=network), day)
        .select_related("recorded_by", "closed_by")
        .order_by("valid_from", "id")
    )


def _one(model: type[R], network: str, day: date) -> R | None:
    found = holding_on(model, network, day)
    return found[-1] if found else None


def governance_on(network: str, day: date) -> Governance:
    """The network's governance on ``day``."""
    code = _network(network).code
    directors = tuple(holding_on(ClinicalDirectorAppointment, code, day))
    return Governance(
        network=code,
        day=day,
        agreement=_one(NetworkAgreement, code, day),
        data_sharing=_one(DataSharingAgreement, code, day),
        clinical_directors=directors,
        payee=_one(NominatedPayee, code, day),
        operating_model=_one(OperatingModel, code, day),
        documents=tuple(
            GovernanceDocument.objects.filter(network_id=code)
            .select_related("uploaded_by")
            .order_by("-uploaded_at", "-id")
        ),
        directors_known=bool(directors)
        or ClinicalDirectorAppointment.objects.filter(
            network_id=code, valid_from__lte=day
        ).exists(),
    )


#: Every kind of record, as the history names it.
RECORD_KINDS: tuple[tuple[str, type[GovernanceRecord], str], ...] = (
    ("network_agreement", NetworkAgreement, "Network agreement"),
    ("data_sharing", DataSharingAgreement, "Data-sharing agreement"),
    ("clinical_director", ClinicalDirectorAppointment, "Clinical director"),
    ("nominated_payee", NominatedPayee, "Nominated payee"),
    ("operating_model", OperatingModel, "Operating model"),
    ("small_population", SmallPopulationApproval, "Small population approval"),
    ("contract_inputs", ContractInputs, "Contract inputs"),
)


@dataclass(frozen=True)
class HistoryEntry:
    """One record of the network's governance, with who recorded it and why."""

    kind: str
    kind_label: str
    item: GovernanceRecord | GovernanceDocument
    recorded_at: datetime
    recorded_by: str
    reason: str
    application_ref: str
    valid_from: date | None = None
    valid_to: date | None = None
    closed_at: datetime | None = None
    closed_by: str = ""
    close_reason: str = ""

    @property
    def never_held(self) -> bool:
        """Closed on its first day: replaced the day it was to start."""
        return self.valid_from is not None and self.valid_to == self.valid_from


def record_entry(item: GovernanceRecord, kind: str, label: str) -> HistoryEntry:
    """One governance record as a history entry."""
    return HistoryEntry(
        kind=kind,
        kind_label=label,
        item=item,
        recorded_at=item.recorded_at,
        recorded_by=item.recorded_by_label,
        reason=item.reason,
        application_ref=item.application_ref,
        valid_from=item.valid_from,
        valid_to=item.valid_to,
        closed_at=item.closed_at,
        closed_by=item.closed_by_label,
        close_reason=item.close_reason,
    )


def history(network: str) -> list[HistoryEntry]:
    """Every record of every kind for the network, newest first."""
    code = _network(network).code
    entries: list[HistoryEntry] = []
    for kind, model, label in RECORD_KINDS:
        for item in model.objects.filter(network_id=code).select_related(
            "recorded_by", "closed_by"
        ):
            entries.append(record_entry(item, kind, label))
    for document in GovernanceDocument.objects.filter(network_id=code).select_related(
        "uploaded_by"
    ):
        entries.append(
            HistoryEntry(
                kind="document",
                kind_label="Document",
                item=document,
                recorded_at=document.uploaded_at,
                recorded_by=document.uploaded_by_label,
                reason=document.reason,
                application_ref="",
            )
        )
    entries.sort(key=lambda e: (e.recorded_at, e.item.pk), reverse=True)
    return entries


# --------------------------------------------------------------------------------
# Feeding the contract checks
# --------------------------------------------------------------------------------


def payee_fact(payee: NominatedPayee) -> str:
    """The nominated payee as the rules read it.

    The check compares it with the network's code (its own account), with the
    member practices' codes, and with the ODS code pattern; so the network's
    account is given as the network's code, anyone else by code, else by name.
    """
    if payee.kind == PayeeKind.NETWORK_ACCOUNT:
        return payee.network_id
    return payee.payee_code or payee.payee_name


def facts_on(networks: Iterable[str], day: date) -> dict[str, NetworkFacts]:
    """The governance facts of each network on ``day``, for the rules.

    A field stays ``None`` ("not known") when nothing about it was recorded on
    or before ``day``. Clinical directors are ``()`` (none) when directors were
    recorded before but none holds on the day. Networks with no record at all
    are left out.
    """
    wanted = {normalise(code) for code in networks}
    if not wanted:
        return {}
    values: dict[str, dict[str, Any]] = defaultdict(dict)

    def held(model: type[R]) -> Iterable[R]:
        # The tables are small (a few records per network): reading those held
        # on the day and keeping ours beats a long IN (...) list for a country.
        rows = queries.holding_on(model.objects.all(), day)
        if len(wanted) < 500:
            rows = rows.filter(network_id__in=wanted)
        return (r for r in rows.order_by("valid_from", "id") if r.network_id in wanted)

    for agreement in held(NetworkAgreement):
        values[agreement.network_id] |= {
            "agreement_signed": agreement.status == AgreementStatus.SIGNED,
            "schedules_complete": agreement.schedules_complete,
        }
    for dsa in held(DataSharingAgreement):
        values[dsa.network_id]["data_sharing"] = dsa.status == AgreementStatus.SIGNED
    for payee in held(NominatedPayee):
        values[payee.network_id]["nominated_payee"] = payee_fact(payee)
    for inputs in held(ContractInputs):  # see pcnhub.governance.contract_inputs
        values[inputs.network_id] |= inputs.facts(day)
    directors: dict[str, list[str]] = defaultdict(list)
    for appointment in held(ClinicalDirectorAppointment):
        directors[appointment.network_id].append(appointment.name)
    appointed_before = ClinicalDirectorAppointment.objects.filter(valid_from__lte=day)
    if len(wanted) < 500:
        appointed_before = appointed_before.filter(network_id__in=wanted)
    for code in set(appointed_before.values_list("network_id", flat=True)) & wanted:
        values[code]["clinical_directors"] = tuple(directors.get(code, ()))
    return {code: NetworkFacts(**found) for code, found in values.items()}


def merged(file: NetworkFacts | None, recorded: NetworkFacts | None) -> NetworkFacts:
    """A facts file's values, with recorded governance where the file says nothing.

    The file wins field by field: a value it gives (even "no") is kept; a field
    it leaves empty (``None``) is taken from the governance record.
    """
    if recorded is None:
        return file or NetworkFacts()
    if file is None:
        return recorded
    return NetworkFacts(
        **{
            name: getattr(file, name)
            if getattr(file, name) is not None
            else getattr(recorded, name)
            for name in (f.name for f in fields(NetworkFacts))
        }
    )
