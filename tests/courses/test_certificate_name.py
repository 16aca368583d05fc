"""The holder of a certificate chooses the name printed on it, for their session only."""

from http import HTTPStatus

import pytest
from django.test import Client

from courses import services
from courses.forms import HOLDER_NAME_TOO_LONG
from courses.models import Certificate
from tests.factories import ChildFactory, FamilyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(make_module):
    module = make_module(lessons=2, title="识别孩子的危机信号", slug="crisis-signs")
    family = FamilyFactory(display_name="")
    for lesson in module.get_children().live().specific():
        services.lesson_complete(user=family, lesson=lesson)
    return Certificate.objects.get(user=family, module=module)


def _holder_client(certificate) -> Client:
    client = Client()
    client.force_login(certificate.user)
    return client


def test_the_typed_name_is_printed_on_the_holders_certificate(certificate):
    client = _holder_client(certificate)
    url = certificate.get_absolute_url()
    response = client.post(url, {"holder": "typed", "name": "  王 小明 "})
    assert response.status_code == HTTPStatus.FOUND
    html = client.get(url).content.decode()
    assert "王 小明 已完成学习模块《识别孩子的危机信号》的全部课时。" in html
    assert client.get(url)["Cache-Control"].count("private") == 1


def test_a_childs_nickname_can_be_chosen(certificate):
    child = ChildFactory(family=certificate.user.family_profile, nickname="豆豆")
    client = _holder_client(certificate)
    url = certificate.get_absolute_url()
    assert "豆豆" in client.get(url).content.decode()  # offered as a choice
    client.post(url, {"holder": f"child-{child.pk}"})
    assert "豆豆 已完成学习模块" in client.get(url).content.decode()


def test_no_one_else_sees_the_chosen_name(certificate):
    client = _holder_client(certificate)
    url = certificate.get_absolute_url()
    client.post(url, {"holder": "typed", "name": "王小明"})
    other = Client()
    other.force_login(FamilyFactory())
    for visitor in (other, Client()):
        response = visitor.get(url)
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert "王小明" not in html
        assert "学员 已完成学习模块" in html
        assert 'data-testid="certificate-name-form"' not in html
    assert other.post(url, {"holder": "typed", "name": "冒名"}).status_code == \
        HTTPStatus.FORBIDDEN


def test_a_200_character_name_is_refused_with_a_message(certificate):
    client = _holder_client(certificate)
    url = certificate.get_absolute_url()
    response = client.post(url, {"holder": "typed", "name": "名" * 200})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert str(HOLDER_NAME_TOO_LONG) in html
    assert "名" * 41 not in html.split('name="name"')[0]  # never printed above the form
    assert "学员 已完成学习模块" in client.get(url).content.decode()
