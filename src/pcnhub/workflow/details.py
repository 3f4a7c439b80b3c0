"""What an application may say, checked before anything is saved.

One validator for every caller (API, pages, CLI): the ``details`` of each kind
of application (pydantic models, unknown keys refused), and the free text and
codes around them (no NUL characters, bounded lengths). A draft that passes can
be submitted, and approved as far as its details go: every value the approval
writes into the governance record is already the right type and size.

Errors name the field as a path, e.g. ``details.clinical_directors[0].wte``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

from pcnhub.core.codes import PATTERNS
from pcnhub.governance.models import OperatingModelKind, PayeeKind, Profession
from pcnhub.workflow.models import Kind

NAME_LIMIT = 200
HOLDER_LIMIT = 300
TEXT_LIMIT = 4000
CODE_LIMIT = 12
#: The form asks for two; more would be lost when the form changes the draft.
MAX_DIRECTORS = 2
WTE_MAX = Decimal(2)
ODS = re.compile(r"^[A-Z0-9]{3,6}$")


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text(limit: int, required: bool = False) -> Any:
    return Annotated[
        str,
        BeforeValidator(_strip),
        Field(min_length=1 if required else 0, max_length=limit),
        AfterValidator(no_nul),
    ]


Name = _text(NAME_LIMIT, required=True)
OptionalName = _text(NAME_LIMIT)
LongText = _text(TEXT_LIMIT)


def _wte(value: Any) -> str:
    """A whole-time equivalent above 0, at most 2, to 2 decimal places."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("must be a number, for example 0.5")
    try:
        wte = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError("must be a number, for example 0.5") from None
    if not wte.is_finite() or not Decimal(0) < wte <= WTE_MAX:
        raise ValueError(f"must be more than 0 and at most {WTE_MAX}")
    if wte != wte.quantize(Decimal("0.01")):
        raise ValueError("must have at most 2 decimal places")
    return str(wte)


def _iso_date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError("must be a real date written YYYY-MM-DD") from None


def _ods(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _network_code(value: str) -> str:
    if not PATTERNS["network"].match(value):
        raise ValueError("must be a network's ODS code (U and five digits)")
    return value


Wte = Annotated[str, BeforeValidator(_wte)]
IsoDate = Annotated[str | None, BeforeValidator(_iso_date)]
NetworkCode = Annotated[
    str, BeforeValidator(_ods), AfterValidator(no_nul), AfterValidator(_network_code)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Director(_Strict):
    name: Name
    profession: Literal[tuple(Profession.values)]  # type: ignore[valid-type]
    wte: Wte


class Payee(_Strict):
    kind: Literal[tuple(PayeeKind.values)]  # type: ignore[valid-type]
    code: Annotated[
        str,
        BeforeValidator(_ods),
        Field(max_length=CODE_LIMIT),
        AfterValidator(no_nul),
    ] = ""
    name: OptionalName = ""

    @model_validator(mode="after")
    def _code_or_name(self) -> Payee:
        if self.code and not ODS.match(self.code):
            raise ValueError(f"code {self.code!r} is not an ODS code")
        member = self.kind == PayeeKind.MEMBER_PRACTICE
        if member and self.code and not PATTERNS["practice"].match(self.code):
            raise ValueError("a member practice's code is a letter and 5 characters")
        if self.kind != PayeeKind.NETWORK_ACCOUNT and not (self.code or self.name):
            raise ValueError("give the payee's ODS code, or its name")
        return self


class Agreement(_Strict):
    status: Literal["draft", "signed"]
    signed_on: IsoDate = None
    schedules_complete: StrictBool = False


class DataSharing(_Strict):
    status: Literal["draft", "signed"]
    signed_on: IsoDate = None


class OperatingModel(_Strict):
    model: Literal[tuple(OperatingModelKind.values)]  # type: ignore[valid-type]
    contract_holder: _text(HOLDER_LIMIT) = ""  # type: ignore[valid-type]


Directors = Annotated[list[Director], Field(max_length=MAX_DIRECTORS)]


class RegistrationDetails(_Strict):
    network_name: Name
    clinical_directors: Directors | None = None
    payee: Payee | None = None
    agreement: Agreement | None = None
    data_sharing: DataSharing | None = None
    operating_model: OperatingModel | None = None
    small_population_reason: LongText = ""


class MergerDetails(_Strict):
    absorbed_network: NetworkCode


class SplitDetails(_Strict):
    new_network_name: Name


class DirectorDetails(_Strict):
    clinical_directors: Annotated[
        list[Director], Field(min_length=1, max_length=MAX_DIRECTORS)
    ]


class PayeeDetails(_Strict):
    payee: Payee


class NoDetails(_Strict):
    """Joining, leaving, opting out or in, assignment: the practices say it all."""


SCHEMAS: dict[str, type[BaseModel]] = {
    Kind.REGISTRATION: RegistrationDetails,
    Kind.MERGER: MergerDetails,
    Kind.SPLIT: SplitDetails,
    Kind.CLINICAL_DIRECTOR: DirectorDetails,
    Kind.NOMINATED_PAYEE: PayeeDetails,
}


def path(prefix: str, loc: tuple[Any, ...]) -> str:
    """``("clinical_directors", 0, "wte")`` → ``details.clinical_directors[0].wte``."""
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def clean_details(kind: str, details: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The details as they will be stored, and the errors by field path."""
    if not isinstance(details, dict):
        return {}, {"details": "must be an object"}
    schema = SCHEMAS.get(kind, NoDetails)
    try:
        model = schema.model_validate(details)
    except ValidationError as exc:
        return {}, {path("details", tuple(e["loc"])): _message(e) for e in exc.errors()}
    cleaned = model.model_dump(exclude_none=True)
    if "small_population_reason" in cleaned and not cleaned["small_population_reason"]:
        del cleaned["small_population_reason"]
    return cleaned, {}


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "is not asked for by this kind of application"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def text_errors(values: dict[str, tuple[Any, int]]) -> dict[str, str]:
    """Free text (value, limit) by field: must be text, without NUL, not too long."""
    errors: dict[str, str] = {}
    for name, (value, limit) in values.items():
        if value is None:
            continue
        if not isinstance(value, str):
            errors[name] = "must be text"
        elif "\x00" in value:
            errors[name] = "must not contain NUL characters"
        elif len(value) > limit:
            errors[name] = f"must be {limit} characters or fewer"
    return errors


#: Applications are for the Network Contract DES (from 2019); later than this is a
#: typing slip, and far dates break the date arithmetic of the checks.
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2099, 12, 31)


def date_errors(values: dict[str, Any]) -> dict[str, str]:
    return {
        name: f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
        for name, value in values.items()
        if value is not None
        and (not isinstance(value, date) or not FIRST_DAY <= value <= LAST_DAY)
    }


def code_errors(values: dict[str, Any]) -> dict[str, str]:
    """ODS codes by field: letters and digits only, before any database look-up."""
    return {
        name: "is not an ODS code (letters and digits, up to 6)"
        for name, value in values.items()
        if value and not (isinstance(value, str) and ODS.match(value))
    }
