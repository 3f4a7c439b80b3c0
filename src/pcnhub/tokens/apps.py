from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "pcnhub.tokens"
    label = "tokens"
    verbose_name = "Tokens"
