from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "pcnhub.services"
    label = "services"
    verbose_name = "Services: what each network delivers, and access hours"
