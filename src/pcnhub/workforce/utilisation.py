"""ARRS utilisation per network and contract year: ``pcnhub arrs``.

For each network, three figures side by side:

* **arrs_sum**: what the network may claim in the year, its ARRS sum (and GP
  ARRS sum where there is one) from its entitlements: one national run of
  :func:`pcnhub.contract.services.run_entitlement_totals` for every network;
* **claimed**: what pcnhub's monthly claims of the year claim, adjustments
  included (:func:`pcnhub.workforce.claiming.claimed_by_network`);
* **paid**: what NHS Payments to General Practice says was paid as ``PCN
  Workforce``, summed over the practice rows naming the network, from the
  year's latest ``arrs-payments`` import (blank when none covers the year, or
  the file names no practice of the network).

**spent** is paid where there is a paid figure, else claimed; **headroom** is
arrs_sum − spent (negative when over the sum); **utilisation** is spent ÷
arrs_sum as a percentage to 1 decimal place (half up). Both are blank when
arrs_sum is blank (the register gives the network no entitlements that year),
and utilisation also when arrs_sum is 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pcnhub.contract.services import EntitlementTotals, run_entitlement_totals
from pcnhub.rules.money import ZERO
from pcnhub.rules.periods import ContractYear
from pcnhub.workforce.claiming import ARRS_ITEMS, claimed_by_network
from pcnhub.workforce.models import ArrsPayment
from pcnhub.workforce.payments import latest_file

COLUMNS = ["pcn_code", "arrs_sum", "claimed", "paid", "headroom", "utilisation"]
PERCENT = Decimal("0.1")

Say = Callable[[str], None]


@dataclass(frozen=True)
class ArrsRow:
    pcn_code: str
    arrs_sum: Decimal | None
    claimed: Decimal
    paid: Decimal | None

    @property
    def spent(self) -> Decimal:
        return self.paid if self.paid is not None else self.claimed

    @property
    def headroom(self) -> Decimal | None:
        return None if self.arrs_sum is None else self.arrs_sum - self.spent

    @property
    def utilisation(self) -> Decimal | None:
        if not self.arrs_sum:  # blank, or a sum of 0: no share to give
            return None
        share = self.spent * 100 / self.arrs_sum
        return share.quantize(PERCENT, rounding=ROUND_HALF_UP)

    def as_record(self) -> dict[str, str | None]:
        """The row with money to the penny as text, exact in JSON too."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "pcn_code": self.pcn_code,
            "arrs_sum": text(self.arrs_sum),
            "claimed": text(self.claimed),
            "paid": text(self.paid),
            "headroom": text(self.headroom),
            "utilisation": text(self.utilisation),
        }


@dataclass
class Utilisation:
    year: ContractYear
    rows: list[ArrsRow]
    #: Where the figures come from, and what is missing (for stderr).
    notes: list[str] = field(default_factory=list)


def _quiet(_: str) -> None:
    pass


def arrs_utilisation(
    year: ContractYear,
    commissioner: str | None = None,
    pcn: str | None = None,
    say: Say = _quiet,
) -> Utilisation:
    """Every network open in the register in ``year`` (within ``commissioner``
    or ``pcn``), and every network the year's payments file names there."""
    notes: list[str] = []
    say(f"working out the {year} entitlements")
    sums = _arrs_sums(year, commissioner, pcn, notes)
    say(f"{len(sums)} networks in the register; reading claims and payments")
    paid = _paid(year, commissioner, pcn, notes)
    codes = set(sums) | set(paid) | ({pcn} if pcn else set())
    narrowed = bool(commissioner or pcn)
    claimed = claimed_by_network(str(year), codes if narrowed else None)
    if not narrowed:  # a network only pcnhub's claims name is shown too
        codes |= set(claimed)
    rows = [
        ArrsRow(
            code,
            sums.get(code),
            claimed.get(code, ZERO),
            paid.get(code),
        )
        for code in sorted(codes)
    ]
    return Utilisation(year, rows, notes)


def _arrs_sums(
    year: ContractYear, commissioner: str | None, pcn: str | None, notes: list[str]
) -> dict[str, Decimal]:
    """Network → its ARRS sum (with the GP ARRS sum), from one run for all."""
    try:
        totals = run_entitlement_totals(year, pcn=pcn, commissioner=commissioner)
    except LookupError as exc:  # the register does not know the network/area
        notes.append(f"no ARRS sums: {exc}")
        return {}
    if not totals.networks:
        notes.append(f"no ARRS sums: the register holds no networks in {year}")
    return _sums_of(totals)


def _sums_of(totals: EntitlementTotals) -> dict[str, Decimal]:
    sums = {network.code: ZERO for network in totals.networks}
    for (code, item), value in totals.totals.items():
        if item in ARRS_ITEMS and code in sums:
            sums[code] += value
    return sums


def _paid(
    year: ContractYear, commissioner: str | None, pcn: str | None, notes: list[str]
) -> dict[str, Decimal]:
    """Network → what the year's latest payments file says was paid."""
    payments_file = latest_file(str(year))
    if payments_file is None:
        notes.append(
            f"paid is blank: no NHS Payments to General Practice file for {year} "
            "has been imported (pcnhub import arrs-payments PATH)"
        )
        return {}
    notes.append(
        f"paid from {payments_file.file_name} ({payments_file.imported_at:%Y-%m-%d})"
    )
    found = ArrsPayment.objects.filter(payments_file=payments_file)
    if pcn:
        found = found.filter(pcn_code=pcn)
    paid: dict[str, Decimal] = {}
    elsewhere = [ZERO, 0]
    for payment in found:
        if commissioner and commissioner not in payment.commissioners:
            continue
        if not payment.is_network:
            elsewhere[0] += payment.paid
            elsewhere[1] += payment.practices
            continue
        paid[payment.pcn_code] = payment.paid
    if elsewhere[1] and not (commissioner or pcn):  # a national figure only
        notes.append(
            f"not shown: £{elsewhere[0]} booked to {elsewhere[1]} practice rows "
            "whose PCN Code is not a network code (e.g. 'Unknown or no PCN')"
        )
    return paid
