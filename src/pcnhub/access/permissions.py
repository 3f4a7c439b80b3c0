"""Every permission in pcnhub, in one place (django-rules predicates).

Pages, API routes, exports and CLI actions all ask ``user.has_perm(name, obj)``
(or :func:`pcnhub.access.checks.require`) with one of the names below. ``obj`` is
an organisation code (``str``) for register, contract, governance and audit
permissions, and an application for the workflow ones.

Who may do what is summarised in ``docs/access.md``; the route-walking test
(``tests/access/test_every_route.py``) holds every route to it.
"""

from __future__ import annotations

from typing import Any

import rules
from pcnhub.access.roles import NETWORK_ROLES, Role
from pcnhub.access.scope import scope_of


def _code(obj: Any) -> str | None:
    if obj is None:
        return None
    return obj if isinstance(obj, str) else getattr(obj, "code", None) or str(obj)


# --- predicates ----------------------------------------------------------------


@rules.predicate
def has_any_role(user: Any) -> bool:
    return bool(scope_of(user).held)


@rules.predicate
def is_country_wide(user: Any) -> bool:
    return scope_of(user).country_wide


@rules.predicate
def is_admin(user: Any) -> bool:
    return scope_of(user).has(Role.ADMIN)


@rules.predicate
def is_administrator(user: Any) -> bool:
    """Holds the admin role today, or is a Django superuser: who gives out roles.

    Such a person never decides, whatever other roles they hold, so that nobody
    can both grant powers and use them.
    """
    return bool(getattr(user, "is_superuser", False)) or scope_of(user).has(Role.ADMIN)


@rules.predicate
def is_evaluator_only(user: Any) -> bool:
    """Evaluators see no personal data; another role held alongside lifts that."""
    return scope_of(user).roles == {Role.EVALUATOR}


@rules.predicate
def sees_organisation(user: Any, obj: Any) -> bool:
    return scope_of(user).sees(_code(obj))


@rules.predicate
def sees_organisation_fully(user: Any, obj: Any) -> bool:
    """Sees it, and not only as the network of the user's practice."""
    return scope_of(user).sees_fully(_code(obj))


@rules.predicate
def oversees_organisation(user: Any, obj: Any) -> bool:
    return scope_of(user).oversees(_code(obj))


@rules.predicate
def acts_for_network(user: Any, obj: Any) -> bool:
    return _code(obj) in scope_of(user).acts_for_networks


@rules.predicate
def may_apply(user: Any) -> bool:
    """People who form and change networks: network roles and practice managers."""
    return scope_of(user).has(*NETWORK_ROLES, Role.PRACTICE_MANAGER)


@rules.predicate
def oversees_application(user: Any, application: Any) -> bool:
    return application is not None and scope_of(user).oversees(
        application.commissioner_id
    )


@rules.predicate
def is_applicant(user: Any, application: Any) -> bool:
    """The submitter, or someone acting for the network the application changes."""
    if application is None:
        return False
    if application.submitted_by_id == getattr(user, "pk", None):
        return True
    return application.network_id in scope_of(user).acts_for_networks


@rules.predicate
def named_practice_manager(user: Any, application: Any) -> bool:
    if application is None:
        return False
    mine = scope_of(user).held_for(Role.PRACTICE_MANAGER)
    return bool(mine & set(application.practice_codes()))


# --- permissions ---------------------------------------------------------------

#: See the register and contract figures (organisation pages, lists, checks,
#: payments) of an organisation; without an object: use the register at all.
rules.add_perm("register.view_organisation", sees_organisation)
rules.add_perm("register.use", has_any_role)
#: See every organisation in national lists (not just those in scope).
rules.add_perm("register.view_all", is_country_wide)

#: Governance record of a network (agreement, data sharing, CD, payee, model).
#: A practice manager reads its network's page and payments, not its governance.
rules.add_perm("governance.view_network", sees_organisation_fully)
rules.add_perm(
    "governance.change_network",
    ~is_evaluator_only & (oversees_organisation | acts_for_network),
)
#: People's names (clinical directors, who did what) and uploaded documents.
rules.add_perm("governance.view_personal", has_any_role & ~is_evaluator_only)
#: The commissioner's approval of a network below the population minimum: a
#: decision, so overseers only and never administrators.
rules.add_perm(
    "governance.approve_small_population",
    ~is_evaluator_only & oversees_organisation & ~is_administrator,
)
rules.add_perm(
    "governance.view_documents", ~is_evaluator_only & sees_organisation_fully
)
#: Contract inputs (care home beds, IIF achievement, the CAIP assessment): they
#: set payments, so the overseeing commissioner records them, never the network
#: itself nor an administrator.
rules.add_perm(
    "governance.record_contract_inputs",
    ~is_evaluator_only & oversees_organisation & ~is_administrator,
)

#: Applications (formation and change).
rules.add_perm("workflow.start_application", may_apply)
rules.add_perm(
    "workflow.view_application",
    ~is_evaluator_only & (is_applicant | oversees_application | named_practice_manager),
)
rules.add_perm("workflow.change_application", is_applicant)
#: A named practice's manager confirms; the overseer may record a confirmation
#: received another way (the service asks for a note).
#: Administrators never decide, so they never confirm on a practice's behalf.
decides_application = oversees_application & ~is_applicant & ~is_administrator
rules.add_perm(
    "workflow.confirm_membership", named_practice_manager | decides_application
)
rules.add_perm("workflow.decide_application", decides_application)
#: The commissioner's assignment of a practice in no network (obj: its code) is
#: decided at once, so it is a decision too.
rules.add_perm("workflow.assign_practice", oversees_organisation & ~is_administrator)
rules.add_perm("workflow.review_queue", has_any_role & ~is_evaluator_only)

#: The audit trail: of an organisation (obj) or, without one, as a whole.
rules.add_perm("audit.view_trail", ~is_evaluator_only & sees_organisation_fully)
rules.add_perm(
    "audit.view_whole_trail",
    rules.is_superuser | is_admin | (is_country_wide & ~is_evaluator_only),
)

#: Users and their role assignments (Django admin).
rules.add_perm("access.manage_users", is_admin)
for _model in ("user",):
    for _action in ("view", "add", "change"):
        rules.add_perm(f"auth.{_action}_{_model}", is_admin)
for _action in ("view", "add", "change"):
    rules.add_perm(f"access.{_action}_roleassignment", is_admin)
rules.add_perm("audit.view_auditentry", is_admin)
for _action in ("view", "add", "change"):
    rules.add_perm(f"access.{_action}_roleproposal", is_admin)

#: Permissions a Django superuser does not get just for being one: the
#: superuser flag passes every ``has_perm``, so :func:`pcnhub.access.checks.require`
#: asks the predicates themselves for these.
NOT_FOR_SUPERUSERS = frozenset(
    {
        "workflow.decide_application",
        "workflow.confirm_membership",
        "workflow.assign_practice",
        "governance.approve_small_population",
        "governance.record_contract_inputs",
    }
)
