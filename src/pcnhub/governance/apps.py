from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "pcnhub.governance"
    label = "governance"
    verbose_name = "Network governance"
