"""Bob, a customer of another organization, tries every ticket and CRM endpoint: always 404."""

import pytest

from tierdesk.tickets.models import Message, TicketEvent


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/tickets/{t}", None),
        ("get", "/tickets/{t}/events", None),
        ("get", "/tickets/{t}/attachments/1", None),
        ("post", "/tickets/{t}/reply", {"body": "hi"}),
        ("post", "/tickets/{t}/notes", {"body": "hi"}),
        ("patch", "/tickets/{t}", {"priority": "urgent"}),
        ("post", "/tickets/{t}/tags", {"add": ["x"]}),
        ("get", "/organizations/{o}", None),
        ("get", "/organizations/{o}/contacts", None),
        ("get", "/organizations/{o}/timeline", None),
        ("post", "/organizations/{o}/contacts", {"name": "Eve", "email": "eve@x.example"}),
        ("patch", "/organizations/{o}", {"tier_id": 1}),
    ],
)
def test_another_organizations_resources_are_404_and_untouched(
    api, bob, ticket, method, path, body
):
    events_before = TicketEvent.objects.count()
    url = path.format(t=ticket.pk, o=ticket.organization_id)
    client = api(bob)
    response = client.get(url) if method == "get" else getattr(client, method)(url, body)
    assert response.status_code == 404, response.content
    assert TicketEvent.objects.count() == events_before
    assert Message.objects.filter(ticket=ticket).count() == 1
