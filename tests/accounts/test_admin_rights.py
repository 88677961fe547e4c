"""Django admin rights follow the role: granted to admins only, taken away on demotion."""

import pytest
from django.test import Client

from tierdesk.accounts.models import Role, User
from tierdesk.accounts.services import create_user


@pytest.mark.django_db
def test_a_demoted_admin_loses_the_django_admin_in_the_same_write():
    boss = create_user(username="boss", email="b@x.test", password="pw-long-enough-1", role="admin")
    assert (boss.is_staff, boss.is_superuser) == (True, True)
    client = Client()
    client.force_login(boss)
    assert client.get("/admin/").status_code == 200

    boss.role = Role.AGENT
    boss.save(update_fields=["role"])
    stored = User.objects.get(pk=boss.pk)
    assert (stored.is_staff, stored.is_superuser) == (False, False)
    assert client.get("/admin/").status_code == 302  # sent to the admin's sign-in
    assert client.get(f"/admin/accounts/user/{boss.pk}/change/").status_code == 302


@pytest.mark.django_db
def test_staff_flags_cannot_be_granted_without_the_admin_role():
    agent = create_user(username="ann", email="a@x.test", password="pw-long-enough-1")
    agent.is_superuser = agent.is_staff = True
    agent.save()
    agent.refresh_from_db()
    assert (agent.is_staff, agent.is_superuser) == (False, False)


@pytest.mark.django_db
def test_an_admin_demotes_another_through_the_admin_form():
    boss = create_user(username="boss", email="b@x.test", password="pw-long-enough-1", role="admin")
    other = create_user(
        username="eve2", email="e@x.test", password="pw-long-enough-1", role="admin"
    )
    client = Client()
    client.force_login(boss)
    page = client.get(f"/admin/accounts/user/{other.pk}/change/")
    assert page.status_code == 200
    assert b'name="is_superuser"' not in page.content
    response = client.post(
        f"/admin/accounts/user/{other.pk}/change/",
        {
            "username": "eve2",
            "first_name": "",
            "last_name": "",
            "email": "e@x.test",
            "time_zone": "UTC",
            "role": "agent",
            "seniority": "2",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    other.refresh_from_db()
    assert (other.role, other.is_staff, other.is_superuser) == ("agent", False, False)


@pytest.mark.django_db
def test_createsuperuser_makes_an_admin():
    root = User.objects.create_superuser("root", "r@x.test", "pw-long-enough-1")
    assert (root.role, root.is_staff, root.is_superuser) == ("admin", True, True)
