"""Every permission in pcnhub, in one place (django-rules predicates).

Pages, API routes, exports and CLI actions all ask ``user.has_perm(name, obj)``
(or :func:`pcnhub.access.checks.require`) with a :class:`Permission` below. ``obj`` is
an organisation code (``str``) for register, contract, governance and audit
permissions, and an application for the workflow ones.

Who may do what is summarised in ``docs/access.md``; the route-walking test
(``tests/access/test_every_route.py``) holds every route to it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules
from pcnhub.access.roles import NETWORK_ROLES, Role
from pcnhub.access.scope import scope_of


class Permission(StrEnum):
    """A permission of pcnhub's own; the value is the name django-rules knows.

    Members are ``str``: stored, logged and shown exactly as the names were.
    Django's model permissions for the admin (``auth.view_user``,
    ``access.view_roleassignment`` …) are registered below by their codenames,
    not as members.
    """

    VIEW_ORGANISATION = "register.view_organisation"
    USE_REGISTER = "register.use"
    VIEW_ALL_ORGANISATIONS = "register.view_all"
    VIEW_NETWORK = "governance.view_network"
    CHANGE_NETWORK = "governance.change_network"
    VIEW_PERSONAL = "governance.view_personal"
    APPROVE_SMALL_POPULATION = "governance.approve_small_population"
    VIEW_DOCUMENTS = "governance.view_documents"
    RECORD_CONTRACT_INPUTS = "governance.record_contract_inputs"
    START_APPLICATION = "workflow.start_application"
    VIEW_APPLICATION = "workflow.view_application"
    CHANGE_APPLICATION = "workflow.change_application"
    CONFIRM_MEMBERSHIP = "workflow.confirm_membership"
    DECIDE_APPLICATION = "workflow.decide_application"
    ASSIGN_PRACTICE = "workflow.assign_practice"
    REVIEW_QUEUE = "workflow.review_queue"
    VIEW_TRAIL = "audit.view_trail"
    VIEW_WHOLE_TRAIL = "audit.view_whole_trail"
    MANAGE_USERS = "access.manage_users"
    VIEW_STAFF = "workforce.view_staff"
    VIEW_STAFF_NAMES = "workforce.view_staff_names"
    CHANGE_STAFF = "workforce.change_staff"
    VIEW_LOCAL_SCHEMES = "workforce.view_local_schemes"
    RECORD_LOCAL_SCHEMES = "workforce.record_local_schemes"


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
def commissions_organisation(user: Any, obj: Any) -> bool:
    """Holds a commissioner role whose area holds ``obj`` (not only a region's)."""
    return _code(obj) in scope_of(user).commissioned


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
rules.add_perm(Permission.VIEW_ORGANISATION, sees_organisation)
rules.add_perm(Permission.USE_REGISTER, has_any_role)
#: See every organisation in national lists (not just those in scope).
rules.add_perm(Permission.VIEW_ALL_ORGANISATIONS, is_country_wide)

#: Governance record of a network (agreement, data sharing, CD, payee, model).
#: A practice manager reads its network's page and payments, not its governance.
rules.add_perm(Permission.VIEW_NETWORK, sees_organisation_fully)
rules.add_perm(
    Permission.CHANGE_NETWORK,
    ~is_evaluator_only & (oversees_organisation | acts_for_network),
)
#: People's names (clinical directors, who did what) and uploaded documents.
rules.add_perm(Permission.VIEW_PERSONAL, has_any_role & ~is_evaluator_only)
#: The commissioner's approval of a network below the population minimum: a
#: decision, so overseers only and never administrators.
rules.add_perm(
    Permission.APPROVE_SMALL_POPULATION,
    ~is_evaluator_only & oversees_organisation & ~is_administrator,
)
rules.add_perm(Permission.VIEW_DOCUMENTS, ~is_evaluator_only & sees_organisation_fully)
#: Contract inputs (care home beds, IIF achievement, the CAIP assessment): they
#: set payments, so the overseeing commissioner records them, never the network
#: itself nor an administrator.
rules.add_perm(
    Permission.RECORD_CONTRACT_INPUTS,
    ~is_evaluator_only & oversees_organisation & ~is_administrator,
)

#: Applications (formation and change).
rules.add_perm(Permission.START_APPLICATION, may_apply)
rules.add_perm(
    Permission.VIEW_APPLICATION,
    ~is_evaluator_only & (is_applicant | oversees_application | named_practice_manager),
)
rules.add_perm(Permission.CHANGE_APPLICATION, is_applicant)
#: A named practice's manager confirms; the overseer may record a confirmation
#: received another way (the service asks for a note).
#: Administrators never decide, so they never confirm on a practice's behalf.
decides_application = oversees_application & ~is_applicant & ~is_administrator
rules.add_perm(
    Permission.CONFIRM_MEMBERSHIP, named_practice_manager | decides_application
)
rules.add_perm(Permission.DECIDE_APPLICATION, decides_application)
#: The commissioner's assignment of a practice in no network (obj: its code) is
#: decided at once, so it is a decision too.
rules.add_perm(Permission.ASSIGN_PRACTICE, oversees_organisation & ~is_administrator)
rules.add_perm(Permission.REVIEW_QUEUE, has_any_role & ~is_evaluator_only)

#: The audit trail: of an organisation (obj) or, without one, as a whole.
rules.add_perm(Permission.VIEW_TRAIL, ~is_evaluator_only & sees_organisation_fully)
rules.add_perm(
    Permission.VIEW_WHOLE_TRAIL,
    rules.is_superuser | is_admin | (is_country_wide & ~is_evaluator_only),
)

#: A network's staff records and ARRS claims (obj: the network's code), shown
#: by the person's pseudonymous key; their names only to the network's own
#: roles and its commissioner (issue 11), never to evaluators, national or
#: regional analysts. Only the network records its staff and generates claims.
rules.add_perm(Permission.VIEW_STAFF, sees_organisation_fully)
rules.add_perm(
    Permission.VIEW_STAFF_NAMES,
    ~is_evaluator_only & (acts_for_network | commissions_organisation),
)
rules.add_perm(Permission.CHANGE_STAFF, ~is_evaluator_only & acts_for_network)
#: A commissioner's local schemes (obj: the commissioner's code): seen by all who
#: see the commissioner; recorded by the commissioner (or its region, national),
#: never by an administrator.
rules.add_perm(Permission.VIEW_LOCAL_SCHEMES, sees_organisation_fully)
rules.add_perm(
    Permission.RECORD_LOCAL_SCHEMES,
    ~is_evaluator_only & oversees_organisation & ~is_administrator,
)

#: Users and their role assignments (Django admin).
rules.add_perm(Permission.MANAGE_USERS, is_admin)
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
        Permission.DECIDE_APPLICATION,
        Permission.CONFIRM_MEMBERSHIP,
        Permission.ASSIGN_PRACTICE,
        Permission.APPROVE_SMALL_POPULATION,
        Permission.RECORD_CONTRACT_INPUTS,
        Permission.VIEW_STAFF_NAMES,
        Permission.CHANGE_STAFF,
        Permission.RECORD_LOCAL_SCHEMES,
    }
)
