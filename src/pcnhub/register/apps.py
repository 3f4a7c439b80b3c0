from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "pcnhub.register"
    label = "register"
    verbose_name = "Register of practices and networks"
