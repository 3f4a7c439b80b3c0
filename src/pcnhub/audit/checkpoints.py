"""Checkpoints of the audit trail: its head hash and its number of entries.

The chain shows an entry changed or removed from its middle, but not entries
removed from its end, nor the whole trail emptied: the shorter chain is still a
chain. A checkpoint kept outside the database (a log, a ticket, monitoring)
anchors it: a later trail must still hold that head at that position.

``HEAD:COUNT`` is what ``pcnhub audit verify`` prints and the log gets on every
append; ``HEAD:COUNT:SIGNATURE`` (``pcnhub audit checkpoint``) is signed with the
installation's ``SECRET_KEY``, so that one kept beside the database cannot be
forged by someone who can write to the database but not read the settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core import signing

SALT = "pcnhub.audit.checkpoint"
_PLAIN = re.compile(r"([0-9a-fA-F]{64}):([0-9]+)")


class BadCheckpoint(ValueError):
    """A checkpoint that cannot be read, or whose signature does not match."""


@dataclass(frozen=True)
class Checkpoint:
    head: str
    count: int

    def __str__(self) -> str:
        return f"{self.head}:{self.count}"

    def signed(self) -> str:
        return signing.Signer(salt=SALT).sign(str(self))


def parse(text: str) -> Checkpoint:
    """The checkpoint ``text`` gives, plain or signed; ``BadCheckpoint`` if neither."""
    given = text.strip()
    plain = given
    if given.count(":") == 2:
        try:
            plain = signing.Signer(salt=SALT).unsign(given)
        except signing.BadSignature:
            raise BadCheckpoint(
                f"the signature of checkpoint {given!r} does not match: it was not "
                "made by 'pcnhub audit checkpoint' with this installation's "
                "SECRET_KEY, or it was changed since"
            ) from None
    found = _PLAIN.fullmatch(plain)
    if found is None:
        raise BadCheckpoint(
            "the checkpoint must look like HEAD:COUNT (the head's 64 hex digits, a "
            "colon, the number of entries) as 'pcnhub audit verify' prints it, or "
            "HEAD:COUNT:SIGNATURE as 'pcnhub audit checkpoint' prints it; "
            f"got {given!r}"
        )
    return Checkpoint(found.group(1).lower(), int(found.group(2)))
