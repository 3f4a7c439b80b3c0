from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "pcnhub.access"
    label = "access"
    verbose_name = "Access: roles and scope"

    def ready(self) -> None:
        # Registers every permission with django-rules (one place for all of them).
        from pcnhub.access import permissions  # noqa: F401
