from http import HTTPStatus

import pytest


def test_healthz_answers_ok_without_touching_the_database(client):
    # No `db` fixture: any query here would raise "Database access not allowed".
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("path", ["/", "/about/", "/privacy/", "/terms/", "/en/", "/en/about/"])
def test_every_page_type_shows_the_crisis_lines_as_tel_links(client, site_shell, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for number in ("12356", "962525", "12355", "110", "120"):
        assert f'href="tel:{number}"' in html


def test_not_found_page_is_friendly_and_keeps_the_crisis_lines(client, site_shell):
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "找不到这个页面" in html
    assert 'href="tel:12356"' in html


def test_station_contact_read_before_the_change_commits_is_retired_once_it_does(
    site_shell, django_capture_on_commit_callbacks
):
    """A request that reads SiteSettings while a change is being saved caches the
    old contact; the retirement repeated at commit drops it (it would otherwise
    stay in every page's footer for the cache's hour)."""
    from django.db import transaction

    from portal import crisis
    from portal.models import SiteSettings

    settings_row = SiteSettings.objects.get(site=site_shell)
    old = crisis.station_details()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        settings_row.station_phone = "021-00000000"
        settings_row.save()
        # What a concurrent request caches from the rows it still sees.
        from django.core.cache import cache

        cache.set(crisis.keyed(crisis.STATION_KEY), old, 60 * 60)
    assert crisis.station_details()["station_phone"] == "021-00000000"
