"""The application pages. Thin: read the form, ask permission, call
:mod:`pcnhub.workflow.services`, render (NHS.UK error-summary pattern on errors).
One module per page family:

- :mod:`.base`: the page frame, finding the application, the posted version
- :mod:`.listing`: the applications page (review queue, applicant's list, CSV)
- :mod:`.new`: starting an application, and changing one
- :mod:`.detail`: one application, and submitting, withdrawing, confirming it
- :mod:`.decide`: deciding it, appealing, deciding the appeal
- :mod:`.assign`: the commissioner assigns a practice in no network

This package re-exports every name of the single module ``views.py`` that
other modules use (:mod:`pcnhub.workflow.urls`, :mod:`pcnhub.workflow.api`).
"""

from pcnhub.workflow.views.assign import assign_practice
from pcnhub.workflow.views.base import (
    DECIDING,
    DECIDING_APPEAL,
    GET_POST,
    validation_text,
)
from pcnhub.workflow.views.decide import (
    application_appeal,
    application_appeal_decide,
    application_decide,
)
from pcnhub.workflow.views.detail import (
    application,
    application_confirm,
    application_submit,
    application_withdraw,
)
from pcnhub.workflow.views.listing import applications
from pcnhub.workflow.views.new import (
    application_change,
    application_new,
    application_new_kind,
)

__all__ = [
    "DECIDING",
    "DECIDING_APPEAL",
    "GET_POST",
    "application",
    "application_appeal",
    "application_appeal_decide",
    "application_change",
    "application_confirm",
    "application_decide",
    "application_new",
    "application_new_kind",
    "application_submit",
    "application_withdraw",
    "applications",
    "assign_practice",
    "validation_text",
]
