from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pcnhub.core"
    label = "core"
