from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "pcnhub.oversight"
    label = "oversight"
    verbose_name = "Oversight"
