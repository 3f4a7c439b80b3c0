from django.contrib import admin
from django.urls import include, path

from pcnhub.api import api
from pcnhub.core.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("pcnhub.workflow.urls")),
    path("", include("pcnhub.governance.urls")),
    path("", include("pcnhub.workforce.urls")),
    path("", include("pcnhub.services.urls")),
    path("", include("pcnhub.schemes.urls")),
    path("", include("pcnhub.oversight.urls")),
    path("", include("pcnhub.geography.urls")),
    path("", include("pcnhub.dashboard.urls")),
    path("", include("pcnhub.jobs.urls")),
    path("", include("pcnhub.tokens.urls")),
    path("", include("pcnhub.trail.urls")),
    path("", include("pcnhub.contract.urls")),
    path("", include("pcnhub.web.urls")),
]

handler403 = "pcnhub.web.views.permission_denied"
