from django.apps import AppConfig


class TrailConfig(AppConfig):
    name = "pcnhub.trail"
    label = "trail"
    verbose_name = "Audit trail: pages, API and export"
