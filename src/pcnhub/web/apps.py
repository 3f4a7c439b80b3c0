from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pcnhub.web"
    label = "web"
