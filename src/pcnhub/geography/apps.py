from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "pcnhub.geography"
    label = "geography"
    verbose_name = "Geography"
