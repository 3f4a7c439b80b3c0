from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pcnhub.audit"
    label = "audit"
    verbose_name = "Audit trail"
