"""`tierdesk mail fetch`: a Maildir's unseen emails go through receive() once each."""

import pytest

from tests.mail.conftest import corpus
from tierdesk.cli import main
from tierdesk.errors import Invalid
from tierdesk.mail.maildir import fetch
from tierdesk.mail.models import InboundEmail, Outcome
from tierdesk.tickets.models import Ticket


@pytest.fixture
def maildir(tmp_path):
    for sub in ("new", "cur", "tmp"):
        (tmp_path / "Maildir" / sub).mkdir(parents=True)
    return tmp_path / "Maildir"


def test_fetch_receives_unseen_mail_and_marks_it_seen(tiers, maildir):
    (maildir / "new" / "1772532000.M1P1.mx").write_bytes(corpus("gmail_new.eml"))
    (maildir / "cur" / "1772532001.M2P1.mx:2,").write_bytes(corpus("gmail_reply.eml"))
    (maildir / "cur" / "1772531000.M0P1.mx:2,S").write_bytes(corpus("latin1.eml"))
    assert fetch(maildir) == {Outcome.CREATED: 1, Outcome.THREADED: 1}
    assert sorted(p.name for p in (maildir / "cur").iterdir()) == [
        "1772531000.M0P1.mx:2,S",
        "1772532000.M1P1.mx:2,S",
        "1772532001.M2P1.mx:2,S",
    ]
    assert fetch(maildir) == {}
    assert Ticket.objects.count() == 1


def test_fetch_from_the_command_line(tiers, maildir, capsys):
    (maildir / "new" / "1772532000.M1P1.mx").write_bytes(corpus("auto_reply.eml"))
    main(["mail", "fetch", "--maildir", str(maildir)])
    assert capsys.readouterr().out == "1 ignored\n"
    assert InboundEmail.objects.get().outcome == Outcome.IGNORED


def test_a_folder_that_is_not_a_maildir_is_refused(tmp_path):
    with pytest.raises(Invalid, match="is not a Maildir"):
        fetch(tmp_path)
