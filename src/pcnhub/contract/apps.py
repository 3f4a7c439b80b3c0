from django.apps import AppConfig


class ContractConfig(AppConfig):
    name = "pcnhub.contract"
    label = "contract"
    verbose_name = "Network Contract DES: checks, entitlements and distribution"

    def ready(self) -> None:
        # The local variation agreements (PCNHUB_LOCAL_PARAMETERS) are read once,
        # here: a wrong file stops start-up, naming the file and the key. With
        # none set there is nothing to read, and the rules are not imported at
        # start-up (a fifth of a data command's start-up).
        from django.conf import settings

        if getattr(settings, "PCNHUB_LOCAL_PARAMETERS", ""):
            from pcnhub.contract.services import local_variations

            local_variations()
