from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "pcnhub.schemes"
    label = "schemes"
    verbose_name = "Local schemes: local services and roles, and their overlaps"
