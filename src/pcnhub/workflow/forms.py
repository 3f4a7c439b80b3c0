"""The application forms (NHS.UK patterns: date inputs in three parts, one ODS code
a line, every error message starting with what to do).

One :class:`ApplicationForm` serves every kind of application; the kind picks its
fields (:data:`KIND_FIELDS`). The form turns what was typed into a
:class:`~pcnhub.workflow.services.Proposal`; the services check the rest.

The forms live in focused modules, and this module is the one to import them
from: :mod:`~pcnhub.workflow.form_fields` (the shared fields, the date input),
:mod:`~pcnhub.workflow.form_kinds` (what each kind asks),
:mod:`~pcnhub.workflow.application_form` (the application form) and
:mod:`~pcnhub.workflow.step_forms` (the other steps' forms).
"""

from __future__ import annotations

from pcnhub.workflow.application_form import (
    AGREEMENT_STATUSES,
    YES_NO,
    ApplicationForm,
    _iso,
    initial_from,
    network_commissioner,
)
from pcnhub.workflow.form_fields import (
    DATE_PARTS,
    DatePartsField,
    DatePartsWidget,
    date_values,
)
from pcnhub.workflow.form_kinds import (
    APPLICANT_KINDS,
    DIRECTOR_FIELDS,
    KIND_FIELDS,
    KIND_HINTS,
    NETWORK_LABEL,
    PAGE_ORDER,
    PAYEE_FIELDS,
    PRACTICE_CHANGE,
    PRACTICES_LABEL,
    REGISTRATION_FIELDS,
    SMALL_POPULATION_HINT,
)
from pcnhub.workflow.step_forms import (
    AppealDecisionForm,
    AppealForm,
    AssignForm,
    ConfirmForm,
    DecisionForm,
    KindForm,
    VersionForm,
    WithdrawForm,
)

__all__ = [
    "AGREEMENT_STATUSES",
    "APPLICANT_KINDS",
    "DATE_PARTS",
    "DIRECTOR_FIELDS",
    "KIND_FIELDS",
    "KIND_HINTS",
    "NETWORK_LABEL",
    "PAGE_ORDER",
    "PAYEE_FIELDS",
    "PRACTICES_LABEL",
    "PRACTICE_CHANGE",
    "REGISTRATION_FIELDS",
    "SMALL_POPULATION_HINT",
    "YES_NO",
    "AppealDecisionForm",
    "AppealForm",
    "ApplicationForm",
    "AssignForm",
    "ConfirmForm",
    "DatePartsField",
    "DatePartsWidget",
    "DecisionForm",
    "KindForm",
    "VersionForm",
    "WithdrawForm",
    "_iso",
    "date_values",
    "initial_from",
    "network_commissioner",
]
