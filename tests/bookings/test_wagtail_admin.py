"""Coordinators manage counsellors, session types, workshops and closures in Wagtail."""

from http import HTTPStatus

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from bookings.models import StationClosure
from portal.demo import DEMO_TOTP_SECRET
from tests.factories import CoordinatorFactory, CounsellorFactory, FamilyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client):
    user = CoordinatorFactory()
    TOTP.activate(user, DEMO_TOTP_SECRET)
    client.force_login(user)
    return client


def test_coordinator_edits_a_counsellors_languages_and_modes(coordinator_client):
    counsellor = CounsellorFactory(languages=["zh-hans"], modes=["in_person"])
    url = f"/admin/snippets/bookings/counsellor/edit/{counsellor.pk}/"
    page = coordinator_client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert 'name="languages"' in page.content.decode()
    response = coordinator_client.post(url, {
        "display_name": counsellor.display_name, "slug": counsellor.slug,
        "user": counsellor.user_id, "is_active": "on", "title": "社工师",
        "credentials": "", "bio": "", "bio_en": "", "languages": ["zh-hans", "en"],
        "modes": ["online", "phone"],
    })
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    counsellor.refresh_from_db()
    assert counsellor.languages == ["zh-hans", "en"]
    assert counsellor.modes == ["online", "phone"]
    assert counsellor.title == "社工师"


def test_coordinator_adds_a_station_closure(coordinator_client):
    response = coordinator_client.post("/admin/snippets/bookings/stationclosure/add/", {
        "name": "国庆假期", "start_date": "2026-10-01", "end_date": "2026-10-07"})
    assert response.status_code == HTTPStatus.FOUND
    assert StationClosure.objects.get().name == "国庆假期"


@pytest.mark.parametrize("path", ["counsellor", "sessiontype", "groupsession",
                                  "stationclosure"])
def test_listings_open_for_coordinators(coordinator_client, path):
    CounsellorFactory()
    assert coordinator_client.get(f"/admin/snippets/bookings/{path}/").status_code == \
        HTTPStatus.OK


def test_families_cannot_reach_them(client):
    family = FamilyFactory()
    client.force_login(family)
    response = client.get("/admin/snippets/bookings/counsellor/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = client.post("/admin/snippets/bookings/stationclosure/add/", {
        "name": "x", "start_date": "2026-10-01", "end_date": "2026-10-07"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert StationClosure.objects.count() == 0
