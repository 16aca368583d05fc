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
