from django.apps import AppConfig


class ContractConfig(AppConfig):
    name = "pcnhub.contract"
    label = "contract"
    verbose_name = "Network Contract DES: checks, entitlements and distribution"
