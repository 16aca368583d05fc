"""Coordinators and editors keep the points in the Wagtail admin, which says
which points families cannot see."""

from http import HTTPStatus

import pytest

from portal.roles import ensure_groups
from tests.bookings.web_setup import with_totp
from tests.factories import CoordinatorFactory, EditorFactory, FamilyFactory
from tests.network.factories import ServicePointFactory, open_point

pytestmark = pytest.mark.django_db

LIST = "/admin/snippets/network/servicepoint/"


@pytest.fixture(autouse=True)
def _groups():
    ensure_groups()


@pytest.mark.parametrize("factory", [CoordinatorFactory, EditorFactory])
def test_staff_see_which_points_families_cannot_see(client, factory):
    open_point(name="梧桐里社区儿童之家")
    ServicePointFactory(name="香樟苑社区儿童之家")
    client.force_login(with_totp(factory()))
    response = client.get(LIST)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.count("没有开放时间，家庭看不到") == 1
    assert "家庭是否可见" in html  # the column
    assert html.count("家庭可见") == 1


def test_the_edit_form_says_points_without_hours_are_hidden(client):
    point = ServicePointFactory()
    client.force_login(with_totp(CoordinatorFactory()))
    response = client.get(f"{LIST}edit/{point.pk}/")
    assert response.status_code == HTTPStatus.OK
    assert "没有开放时间的服务点不会向家庭显示。" in response.content.decode()


def test_families_do_not_reach_the_points_admin(client):
    client.force_login(FamilyFactory())
    response = client.get(LIST)
    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}
    assert "香樟苑" not in response.content.decode()
