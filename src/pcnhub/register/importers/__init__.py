"""Importers for the NHS files, by the name the ``pcnhub import`` command uses."""

from pcnhub.register.importers.base import Importer
from pcnhub.register.importers.epcn import EpcnImporter
from pcnhub.register.importers.epraccur import EpraccurImporter
from pcnhub.register.importers.geography import PostcodeDistrictsImporter
from pcnhub.register.importers.lists import (
    PaymentsImporter,
    RegistrationsImporter,
    WeightedListsImporter,
)
from pcnhub.register.importers.mapping import QofMappingImporter

IMPORTERS: dict[str, Importer] = {
    importer.kind: importer
    for importer in (
        EpraccurImporter(),
        EpcnImporter(),
        RegistrationsImporter(),
        QofMappingImporter(),
        PaymentsImporter(),
        WeightedListsImporter(),
        PostcodeDistrictsImporter(),
    )
}
