from django.apps import AppConfig


class ContractConfig(AppConfig):
    name = "pcnhub.contract"
    label = "contract"
    verbose_name = "Network Contract DES: checks, entitlements and distribution"

    def ready(self) -> None:
        # The local variation agreements (PCNHUB_LOCAL_PARAMETERS) are read once,
        # here: a wrong file stops start-up, naming the file and the key.
        from pcnhub.contract.services import local_variations

        local_variations()
