"""What the application form asks for each kind of application: the kinds an
applicant can choose, the fields of each kind (:data:`KIND_FIELDS`) in the
page's order, the labels and hints that differ by kind, and what the named
practices do. Part of :mod:`pcnhub.workflow.forms`.
"""

from __future__ import annotations

from pcnhub.workflow.models import Change, Kind

#: The kinds an applicant can choose (assignment is the commissioner's own step).
APPLICANT_KINDS = [kind for kind in Kind if kind != Kind.ASSIGNMENT]

KIND_HINTS: dict[str, str] = {
    Kind.REGISTRATION: "Practices forming a new primary care network.",
    Kind.PRACTICE_JOIN: "A practice joins an existing network.",
    Kind.PRACTICE_LEAVE: "A practice leaves its network (notice is needed).",
    Kind.MERGER: "One network absorbs another; the absorbed network closes.",
    Kind.SPLIT: "Some practices leave a network to form a new one.",
    Kind.CLINICAL_DIRECTOR: "New clinical director or joint clinical directors.",
    Kind.NOMINATED_PAYEE: "The practice, provider or account paid for the network.",
    Kind.OPT_OUT: "A practice stops taking part in the Network Contract DES.",
    Kind.OPT_IN: "A practice in no network takes up the Network Contract DES.",
}

DIRECTOR_FIELDS = [
    f"cd{n}_{part}" for n in (1, 2) for part in ("name", "profession", "wte")
]
PAYEE_FIELDS = ["payee_code", "payee_name", "payee_kind"]
REGISTRATION_FIELDS = [
    "network_name",
    "commissioner",
    "effective_from",
    "practices",
    *DIRECTOR_FIELDS,
    *PAYEE_FIELDS,
    "agreement_status",
    "agreement_signed_on",
    "agreement_schedules_complete",
    "data_sharing_status",
    "data_sharing_signed_on",
    "operating_model",
    "contract_holder",
    "small_population_reason",
]
_PRACTICE_KIND = ["network", "commissioner", "practices", "effective_from"]

#: The fields each kind of application asks, in the order the page shows them.
KIND_FIELDS: dict[str, list[str]] = {
    Kind.REGISTRATION: REGISTRATION_FIELDS,
    Kind.PRACTICE_JOIN: [*_PRACTICE_KIND, "reason"],
    Kind.PRACTICE_LEAVE: [*_PRACTICE_KIND, "notice_given_on", "reason"],
    Kind.OPT_OUT: [*_PRACTICE_KIND, "notice_given_on", "reason"],
    Kind.OPT_IN: [*_PRACTICE_KIND, "reason"],
    Kind.MERGER: [
        "network",
        "absorbed_network",
        "commissioner",
        "effective_from",
        "reason",
    ],
    Kind.SPLIT: [
        "network",
        "commissioner",
        "new_network_name",
        "practices",
        "effective_from",
        "reason",
    ],
    Kind.CLINICAL_DIRECTOR: [
        "network",
        "commissioner",
        *DIRECTOR_FIELDS,
        "effective_from",
        "reason",
    ],
    Kind.NOMINATED_PAYEE: [
        "network",
        "commissioner",
        *PAYEE_FIELDS,
        "effective_from",
        "reason",
    ],
}

#: The order the form page shows the fields in (workflow/form.html).
PAGE_ORDER = [
    "network_name",
    "network",
    "absorbed_network",
    "new_network_name",
    "commissioner",
    "effective_from",
    "notice_given_on",
    "practices",
    *DIRECTOR_FIELDS,
    "payee_kind",
    "payee_code",
    "payee_name",
    "agreement_status",
    "agreement_signed_on",
    "agreement_schedules_complete",
    "data_sharing_status",
    "data_sharing_signed_on",
    "operating_model",
    "contract_holder",
    "small_population_reason",
    "reason",
    "version",
]

#: What the named practices do, by kind.
PRACTICE_CHANGE: dict[str, str] = {
    Kind.REGISTRATION: Change.JOINS,
    Kind.PRACTICE_JOIN: Change.JOINS,
    Kind.OPT_IN: Change.JOINS,
    Kind.PRACTICE_LEAVE: Change.LEAVES,
    Kind.OPT_OUT: Change.LEAVES,
    Kind.SPLIT: Change.MOVES,
}

PRACTICES_LABEL: dict[str, str] = {
    Kind.REGISTRATION: "Member practices",
    Kind.PRACTICE_JOIN: "Practices joining the network",
    Kind.OPT_IN: "Practices opting in",
    Kind.PRACTICE_LEAVE: "Practices leaving the network",
    Kind.OPT_OUT: "Practices opting out",
    Kind.SPLIT: "Practices that move to the new network",
}

NETWORK_LABEL: dict[str, str] = {
    Kind.MERGER: "Continuing network",
    Kind.SPLIT: "Network that splits",
    Kind.OPT_OUT: "The practice's network",
    Kind.PRACTICE_LEAVE: "Network the practice leaves",
    Kind.PRACTICE_JOIN: "Network the practice joins",
    Kind.OPT_IN: "Network the practice joins",
}

SMALL_POPULATION_HINT = (
    "Only if the network will have fewer than 30,000 registered patients. A "
    "network below the minimum needs the commissioner's approval: say why it "
    "makes sense, for example a natural community over a large rural or remote "
    "area. Without a reason the checks show a breach."
)
