"""The parser on the hand-written corpus: charsets, quoting, HTML, files and automatic mail."""

import pytest

from tests.mail.conftest import corpus
from tierdesk.mail.parser import html_to_text, parse, reply_text, ticket_in_address


def test_gmail_multipart_alternative_keeps_the_plain_text_and_sanitized_html():
    email = parse(corpus("gmail_new.eml"))
    assert email.message_id == "<CAHk7x9QnP3mWq1=gmail-new-0001@mail.gmail.com>"
    assert (email.sender_email, email.sender_name) == ("dana.fischer@gmail.com", "Dana Fischer")
    assert email.text.startswith("Hello,\n\nI reset my password this morning")
    assert "“account locked”" in email.text
    assert email.html.startswith("<div><div>Hello,</div>")
    assert email.automatic == "" and email.files == ()


def test_gmail_reply_loses_its_quote_and_signature():
    email = parse(corpus("gmail_reply.eml"))
    assert email.thread_ids == ("<CAHk7x9QnP3mWq1=gmail-new-0001@mail.gmail.com>",)
    assert reply_text(email.text) == (
        "It works again, thank you! One more thing: the invoice still shows my old\naddress."
    )


def test_outlook_reply_loses_the_from_sent_block_and_signature():
    email = parse(corpus("outlook_reply.eml"))
    assert reply_text(email.text) == (
        "Still broken after the update to 5.2, the drops are now every 20 minutes."
    )


def test_iso_8859_1_decodes_as_windows_1252_like_browsers_do():
    email = parse(corpus("latin1.eml"))
    assert email.subject == "Problème de facturation à régler"
    assert email.sender_name == "Marie Lefèvre"
    assert "indique 450 € au lieu de 405 €" in email.text


def test_shift_jis_subject_sender_and_body():
    email = parse(corpus("shift_jis.eml"))
    assert email.subject == "請求書の宛先について"
    assert email.sender_name == "山田 太郎"
    assert email.text == "お世話になっております。\n請求書の宛先を変更してください。\n\n山田太郎"


def test_html_only_email_is_sanitized_and_turned_into_text():
    email = parse(corpus("html_only.eml"))
    for unsafe in (
        "<script",
        "onload",
        "onclick",
        "javascript:",
        "<img",
        "tracker.example",
        "<style",
    ):
        assert unsafe not in email.html
    assert '<a href="https://status.initech.example/jobs/42"' in email.html
    assert email.text == (
        "Our nightly export job fails with ERR_QUOTA since 2 March.\n\n"
        "Details: job 42\nand this link.\n\nRegion: eu-west\nSince: 02:00 UTC"
    )


def test_inline_image_is_a_file_and_not_part_of_the_text():
    email = parse(corpus("inline_image.eml"))
    assert [(f.filename, f.content_type, f.inline) for f in email.files] == [
        ("screenshot.png", "image/png", True)
    ]
    assert email.files[0].data.startswith(b"\x89PNG\r\n\x1a\n")
    assert email.text.startswith("The export shows this dialog")


def test_attachments_keep_their_names_and_bytes():
    email = parse(corpus("oversized_attachment.eml"))
    assert [(f.filename, len(f.data)) for f in email.files] == [
        ("device-logs.bin", 40_000),
        ("config.txt", 20),
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bounce_dsn.eml", "Auto-Submitted: auto-replied"),
        ("auto_reply.eml", "Auto-Submitted: auto-replied"),
    ],
)
def test_bounces_and_auto_replies_are_recognized(name, reason):
    assert parse(corpus(name)).automatic == reason


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Precedence: bulk", "Precedence: bulk"),
        ("Precedence: auto_reply", "Precedence: auto_reply"),
        ("X-Autoreply: yes", "X-Autoreply header"),
        ("Return-Path: <>", "null return path (a bounce)"),
        ("Auto-Submitted: auto-generated", "Auto-Submitted: auto-generated"),
    ],
)
def test_automatic_mail_headers(header, reason):
    raw = header.encode() + b"\r\n" + corpus("outlook_new.eml")
    assert parse(raw).automatic == reason


def test_auto_submitted_no_is_a_person():
    assert parse(b"Auto-Submitted: no\r\n" + corpus("outlook_new.eml")).automatic == ""


def test_a_dsn_without_auto_submitted_is_still_a_bounce():
    raw = corpus("bounce_dsn.eml").replace(b"Auto-Submitted: auto-replied\n", b"")
    raw = raw.replace(b"Return-Path: <>\n", b"")
    assert parse(raw).automatic == "delivery report (delivery-status)"


def test_email_without_message_id_gets_a_stable_one_from_its_bytes():
    raw = corpus("latin1.eml").replace(b"Message-ID: <5f1c2a9e-latin1-0001@example.fr>\n", b"")
    assert parse(raw).message_id == parse(raw).message_id
    assert parse(raw).message_id.endswith("@no-message-id.invalid>")


def test_a_reply_that_is_all_quotes_keeps_its_text():
    assert reply_text("> only a quote\n> nothing else") == "> only a quote\n> nothing else"


def test_ticket_reference_in_subject_and_plus_address():
    raw = corpus("outlook_new.eml").replace(b"Subject: VPN", b"Subject: Re: [#482] VPN")
    assert parse(raw).ticket_in_subject == 482
    assert ticket_in_address("Support+t77@Desk.Example", "support@desk.example") == 77
    assert ticket_in_address("other+t77@desk.example", "support@desk.example") is None


def test_html_to_text_breaks_blocks():
    assert html_to_text("<p>a &amp; b</p><div>c<br>d</div>") == "a & b\nc\nd\n"
