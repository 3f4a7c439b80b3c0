from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "pcnhub.workforce"
    label = "workforce"
    verbose_name = "Workforce: the PCN workforce census"
