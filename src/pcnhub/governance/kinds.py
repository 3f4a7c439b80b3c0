"""The specification of every kind of governance record, declared once.

Each :class:`RecordKind` says what the kind is (its model and the service that
writes it), what it takes, who may record it, and how the product names and
reaches it. From :data:`KINDS` are generated:

* the API's write routes (:mod:`pcnhub.governance.api`), with their request
  schemas, paths, names and summaries;
* the pages' change forms and what they save (:mod:`pcnhub.governance.views`),
  and the links to them (:mod:`pcnhub.governance.presenters`,
  :mod:`pcnhub.governance.actions`);
* the history's labels (:mod:`pcnhub.governance.history`) and which documents
  attach to which record (:mod:`pcnhub.governance.documents`).

Adding a kind is its model, its form, its service and one entry here.
``tests/governance/test_kinds.py`` holds the generated pieces to this list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pcnhub.access.permissions import Permission
from pcnhub.governance import contract_inputs, forms, services
from pcnhub.governance.models import (
    ClinicalDirectorAppointment,
    ContractInputs,
    DataSharingAgreement,
    DocumentKind,
    GovernanceRecord,
    NetworkAgreement,
    NominatedPayee,
    OperatingModel,
    SmallPopulationApproval,
)

#: An input the API must be given (no default).
REQUIRED: Any = ...


@dataclass(frozen=True)
class Input:
    """One value a change takes besides its start, reason and application.

    ``type`` and ``doc`` are what the API's request schema declares.
    """

    name: str
    type: Any
    default: Any = REQUIRED
    doc: str = ""


@dataclass(frozen=True)
class Route:
    """The kind's API write route, under ``/api/governance/{code}/``.

    The name (Django's URL name and the OpenAPI ``operationId``) and the body
    schema's name are part of the API that callers depend on.
    """

    path: str
    name: str
    summary: str
    body: str
    description: str = ""


@dataclass(frozen=True)
class Page:
    """The kind's change page, ``/org/<code>/governance/<slug>/new/``."""

    slug: str
    form: type[forms.ChangeForm]
    #: The page's heading, also the text of the governance page's link to it.
    heading: str
    #: The message shown once the change is recorded.
    done: str


@dataclass(frozen=True)
class RecordKind:
    """One kind of governance record."""

    #: As the history and the API's ``record_kind`` name it.
    name: str
    label: str
    model: type[GovernanceRecord]
    #: The service: ``write(actor, network, *, start, reason, application_ref,
    #: **inputs)``.
    write: Callable[..., GovernanceRecord]
    inputs: tuple[Input, ...]
    #: The permission to record one (pages also ask ``change_network`` first).
    permission: Permission
    page: Page | None = None
    route: Route | None = None
    #: Documents that evidence the kind: linked to its current record, through
    #: ``GovernanceDocument.<document_field>``.
    documents: tuple[DocumentKind, ...] = ()
    document_field: str = ""
    #: The contract check whose "not known" finding this kind's page answers,
    #: and the link's text.
    rule: str = ""
    rule_text: str = ""

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs)


_STATUS = Input("status", str, doc="draft, signed or terminated")
_SIGNED_ON = Input("signed_on", date | None, None)

KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        name="network_agreement",
        label="Network agreement",
        model=NetworkAgreement,
        write=services.record_network_agreement,
        inputs=(
            _STATUS,
            _SIGNED_ON,
            Input("schedules_complete", bool, False),
            Input("notes", str, ""),
        ),
        permission=Permission.CHANGE_NETWORK,
        page=Page(
            "network-agreement",
            forms.NetworkAgreementForm,
            "Record the network agreement",
            "Network agreement recorded",
        ),
        route=Route(
            "network-agreement",
            "network_agreement",
            "Record the network agreement",
            "NetworkAgreementIn",
        ),
        documents=(DocumentKind.NETWORK_AGREEMENT, DocumentKind.SCHEDULE),
        document_field="agreement",
        rule="governance.network_agreement",
        rule_text="Record the network agreement",
    ),
    RecordKind(
        name="data_sharing",
        label="Data-sharing agreement",
        model=DataSharingAgreement,
        write=services.record_data_sharing,
        inputs=(_STATUS, _SIGNED_ON),
        permission=Permission.CHANGE_NETWORK,
        page=Page(
            "data-sharing",
            forms.DataSharingForm,
            "Record the data-sharing agreement",
            "Data-sharing agreement recorded",
        ),
        route=Route(
            "data-sharing",
            "data_sharing",
            "Record the data-sharing agreement",
            "DataSharingIn",
        ),
        documents=(DocumentKind.DATA_SHARING_AGREEMENT,),
        document_field="data_sharing",
        rule="governance.data_sharing",
        rule_text="Record the data-sharing agreement",
    ),
    RecordKind(
        name="clinical_director",
        label="Clinical director",
        model=ClinicalDirectorAppointment,
        write=services.appoint_clinical_director,
        inputs=(
            Input("name", str),
            Input("profession", str, doc="gp or other"),
            Input(
                "wte",
                Decimal,
                doc="Whole-time equivalent, above 0 and at most 2",
            ),
        ),
        permission=Permission.CHANGE_NETWORK,
        page=Page(
            "clinical-director",
            forms.ClinicalDirectorForm,
            "Appoint a clinical director",
            "Clinical director appointed",
        ),
        route=Route(
            "clinical-directors",
            "appoint",
            "Appoint a clinical director",
            "ClinicalDirectorIn",
        ),
        rule="governance.clinical_director",
        rule_text="Record the clinical director",
    ),
    RecordKind(
        name="nominated_payee",
        label="Nominated payee",
        model=NominatedPayee,
        write=services.set_nominated_payee,
        inputs=(
            Input(
                "kind",
                str,
                doc="member_practice, other_provider or network_account",
            ),
            Input("payee_code", str, ""),
            Input("payee_name", str, ""),
        ),
        permission=Permission.CHANGE_NETWORK,
        page=Page(
            "nominated-payee",
            forms.NominatedPayeeForm,
            "Set the nominated payee",
            "Nominated payee recorded",
        ),
        route=Route(
            "nominated-payee",
            "nominated_payee",
            "Set the nominated payee",
            "NominatedPayeeIn",
        ),
        rule="governance.nominated_payee",
        rule_text="Record the nominated payee",
    ),
    RecordKind(
        name="operating_model",
        label="Operating model",
        model=OperatingModel,
        write=services.set_operating_model,
        inputs=(
            Input(
                "model",
                str,
                doc="flat_practice_network, lead_provider, gp_federation, "
                "super_practice or community_trust_employer",
            ),
            Input("contract_holder", str),
        ),
        permission=Permission.CHANGE_NETWORK,
        page=Page(
            "operating-model",
            forms.OperatingModelForm,
            "Set the operating model and contract holder",
            "Operating model recorded",
        ),
        route=Route(
            "operating-model",
            "operating_model",
            "Set the operating model and contract holder",
            "OperatingModelIn",
        ),
    ),
    RecordKind(
        name="small_population",
        label="Small population approval",
        model=SmallPopulationApproval,
        write=services.record_small_population_approval,
        inputs=(Input("approval_reason", str),),
        # A commissioner's decision: the page asks this on top of change_network.
        permission=Permission.APPROVE_SMALL_POPULATION,
        page=Page(
            "small-population",
            forms.SmallPopulationForm,
            "Approve a population below the minimum",
            "Small population approval recorded",
        ),
    ),
    RecordKind(
        name="contract_inputs",
        label="Contract inputs",
        model=ContractInputs,
        write=contract_inputs.record_contract_inputs,
        inputs=(
            Input(
                "care_home_beds",
                int | None,
                None,
                "Beds in the network's aligned care homes (whole, from 0)",
            ),
            Input(
                "iif_points",
                Decimal | None,
                None,
                "IIF points achieved in the contract year of start (from 0)",
            ),
            Input(
                "iif_prevalence_factor",
                Decimal | None,
                None,
                "IIF prevalence factor, above 0 (empty: 1)",
            ),
            Input(
                "caip_share",
                Decimal | None,
                None,
                "The commissioner's CAIP assessment: share achieved, 0 to 1",
            ),
        ),
        permission=Permission.RECORD_CONTRACT_INPUTS,
        # Its own page (the inputs beside their history), not a change form.
        route=Route(
            "contract-inputs",
            "record_contract_inputs",
            "Record a network's contract inputs (care home beds, IIF, CAIP)",
            "ContractInputsIn",
            description="Replace the current record from ``start``; an input "
            "left out is not known.\n\nOnly the overseeing commissioner may "
            "(``governance.record_contract_inputs``).",
        ),
    ),
)

#: The kinds with a change page, by the page's slug.
PAGES: dict[str, RecordKind] = {k.page.slug: k for k in KINDS if k.page is not None}
_BY_MODEL: dict[type[GovernanceRecord], RecordKind] = {k.model: k for k in KINDS}


def kind_of(model: type[GovernanceRecord]) -> RecordKind:
    """The kind whose records ``model`` holds."""
    return _BY_MODEL[model]


def by_name(name: str) -> RecordKind:
    """The kind the history and the API call ``name``."""
    return next(k for k in KINDS if k.name == name)


def page_of(name: str) -> Page:
    """The change page of the kind called ``name`` (it must have one)."""
    page = by_name(name).page
    if page is None:
        raise LookupError(f"the {name} kind has no change page")
    return page
