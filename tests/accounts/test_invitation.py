"""A municipal admin invites a new member by e-mail; the link lets them choose a password."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.models import Role

pytestmark = pytest.mark.django_db


def test_invitation_mail_carries_a_working_set_password_link(client, municipality, member_of):
    admin = member_of(municipality, Role.MUNICIPAL_ADMIN)
    client.force_login(admin)
    response = client.post(
        "/app/administration/members/add/",
        {
            "username": "e.neu",
            "email": "e.neu@example.org",
            "roles": ["member"],
            "send_invitation": "on",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["e.neu@example.org"]
    assert "Musterstadt" in message.subject
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)

    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_url, {"new_password1": "Neu-Passwort-42", "new_password2": "Neu-Passwort-42"}
    )
    assert done.status_code == 302
    assert get_user_model().objects.get(username="e.neu").check_password("Neu-Passwort-42")


def test_invitation_without_email_is_refused_and_creates_nobody(client, municipality, member_of):
    admin = member_of(municipality, Role.MUNICIPAL_ADMIN)
    client.force_login(admin)
    response = client.post(
        "/app/administration/members/add/",
        {"username": "ohne.mail", "roles": ["member"], "send_invitation": "on"},
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="ohne.mail").exists()
    assert mail.outbox == []
