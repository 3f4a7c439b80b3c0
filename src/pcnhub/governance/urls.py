"""Pages of pcnhub.governance (included by pcnhub.urls)."""

from django.urls import path

from pcnhub.governance import views

urlpatterns = [
    path("org/<str:code>/governance/", views.governance, name="governance"),
    # Before the general pattern below, which would otherwise take "documents".
    path(
        "org/<str:code>/governance/documents/new/",
        views.document_new,
        name="governance_document_new",
    ),
    path(
        "org/<str:code>/governance/documents/<int:pk>/",
        views.document,
        name="governance_document",
    ),
    path(
        "org/<str:code>/governance/contract-inputs/",
        views.inputs,
        name="governance_contract_inputs",
    ),
    path(
        "org/<str:code>/governance/contract-inputs/record/",
        views.inputs_record,
        name="governance_contract_inputs_record",
    ),
    path(
        "org/<str:code>/governance/clinical-director/<int:pk>/end/",
        views.end_director,
        name="governance_cd_end",
    ),
    path(
        "org/<str:code>/governance/<slug:kind>/new/",
        views.change,
        name="governance_change",
    ),
]
