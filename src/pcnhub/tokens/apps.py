from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "pcnhub.tokens"
    label = "tokens"
    verbose_name = "Tokens"

    def ready(self) -> None:
        # The admin site's permissions on tokens (administrators only).
        from pcnhub.tokens import permissions  # noqa: F401
