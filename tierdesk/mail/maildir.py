"""The Maildir poller: every unseen email in a Maildir goes through ``services.receive``.

An email is marked seen (moved to ``cur/`` with the S flag, as the Maildir format says)
only after it was recorded, so a crash re-reads it, and the Message-ID makes the second
reading a logged duplicate. An IMAP mailbox is brought to a Maildir by a fetcher beside
tierdesk (fetchmail, getmail, mbsync). Format: https://cr.yp.to/proto/maildir.html
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.utils import timezone

from tierdesk.errors import Invalid
from tierdesk.mail.services import receive


def _unseen(root: Path) -> Iterator[Path]:
    yield from sorted(p for p in (root / "new").iterdir() if not p.name.startswith("."))
    for path in sorted((root / "cur").iterdir()):
        _, _, flags = path.name.partition(":2,")
        if "S" not in flags and not path.name.startswith("."):
            yield path


def _mark_seen(path: Path, root: Path) -> None:
    name, _, flags = path.name.partition(":2,")
    path.rename(root / "cur" / f"{name}:2,{''.join(sorted({*flags, 'S'}))}")


def fetch(root: Path) -> dict[str, int]:
    """Receive every unseen email; returns how many ended in each outcome."""
    if not (root / "new").is_dir() or not (root / "cur").is_dir():
        raise Invalid(f"{root} is not a Maildir (it needs new/ and cur/).", fields={"maildir": ""})
    counts: dict[str, int] = {}
    for path in list(_unseen(root)):
        outcome = str(receive(path.read_bytes(), at=timezone.now()).outcome)
        counts[outcome] = counts.get(outcome, 0) + 1
        _mark_seen(path, root)
    return counts
