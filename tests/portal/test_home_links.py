"""The home page: five themes with their own entries, and no dead links.

One test, because it needs every app's demo content (seed_demo is slow)."""

import re
from http import HTTPStatus

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

THEMES_ZH = ("心理危机干预", "积极生命教育", "家庭关系调适", "情绪疏导", "孤独症（自闭症）咨询与科普")


def _internal_links(html: str) -> set[str]:
    return {h for h in re.findall(r'href="(/[^"#]*)', html) if not h.startswith("//")}


def test_home_has_the_five_themes_booking_entries_and_no_dead_links(client):
    call_command("seed_demo", verbosity=0)
    zh = client.get("/").content.decode()
    for theme in THEMES_ZH:
        assert theme in zh
    assert 'href="/bookings/"' in zh

    for home in ("/", "/en/"):
        links = _internal_links(client.get(home).content.decode())
        assert len(links) >= 10, links
        dead = {}
        for link in sorted(links):
            status = client.get(link).status_code
            if status not in (HTTPStatus.OK, HTTPStatus.FOUND):
                dead[link] = status
        assert dead == {}, home
