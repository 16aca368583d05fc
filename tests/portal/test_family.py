"""The family profile and children on the account page, with guardian consent."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal import services
from portal.models import Child, Consent
from tests.factories import ChildFactory, CounsellorUserFactory, FamilyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def this_year() -> int:
    """The station's year when the test runs (not when the module was imported:
    a run through New Year's midnight moved the form's bounds under the test)."""
    return timezone.localdate().year


CONSENT_ERROR = "为不满十四周岁的孩子登记信息，需要监护人同意。"


@pytest.fixture
def family(client, site_shell):
    user = FamilyFactory(email="mum@example.cn")
    client.force_login(user)
    return user


def _child_data(**overrides):
    data = {"nickname": "小雨", "birth_year": str(this_year() - 9), "school_stage": "primary",
            "needs": "最近不太愿意上学"}
    data.update(overrides)
    return data


# --- services -------------------------------------------------------------------


def test_child_under_14_needs_guardian_consent_and_records_it(db):
    user = FamilyFactory()
    with pytest.raises(ValidationError) as exc:
        services.child_add(user=user, nickname="小雨", birth_year=this_year() - 9,
                           school_stage="primary")
    assert exc.value.message_dict == {"guardian_consent": [CONSENT_ERROR]}
    assert not Child.objects.exists()

    before = timezone.now()
    child = services.child_add(user=user, nickname="小雨", birth_year=this_year() - 9,
                               school_stage="primary", guardian_consent=True)
    consent = Consent.objects.get(child=child)
    assert consent.user == user
    assert consent.kind == Consent.Kind.GUARDIAN_UNDER_14
    assert consent.notice_version == settings.PRIVACY_NOTICE_VERSION
    assert before <= consent.given_at <= timezone.now()


def test_child_of_14_or_more_needs_no_guardian_consent(db):
    user = FamilyFactory()
    child = services.child_add(user=user, nickname="阿杰", birth_year=this_year() - 14,
                               school_stage="junior")
    assert child.pk and not Consent.objects.filter(child=child).exists()


def test_changing_birth_year_to_under_14_asks_for_consent_once(db):
    user = FamilyFactory()
    child = services.child_add(user=user, nickname="阿杰", birth_year=this_year() - 15,
                               school_stage="senior")
    kwargs = {"user": user, "child": child, "nickname": "阿杰",
              "birth_year": this_year() - 12, "school_stage": "junior"}
    with pytest.raises(ValidationError):
        services.child_update(**kwargs)
    services.child_update(**kwargs, guardian_consent=True)
    services.child_update(**{**kwargs, "nickname": "杰杰"})  # consent on file now
    assert Consent.objects.filter(child=child).count() == 1
    child.refresh_from_db()
    assert child.nickname == "杰杰"


def test_child_remove_keeps_the_consent_record_withdrawn(db):
    user = FamilyFactory()
    child = services.child_add(user=user, nickname="小雨", birth_year=this_year() - 9,
                               school_stage="primary", guardian_consent=True)
    services.child_remove(user=user, child=child)
    assert not Child.objects.exists()
    consent = Consent.objects.get(user=user, kind=Consent.Kind.GUARDIAN_UNDER_14)
    assert consent.child is None and consent.withdrawn_at is not None


def test_services_refuse_another_familys_child(db):
    child = ChildFactory()
    other = FamilyFactory()
    with pytest.raises(ValidationError):
        services.child_remove(user=other, child=child)
    with pytest.raises(ValidationError):
        services.child_update(user=other, child=child, nickname="x",
                              birth_year=child.birth_year, school_stage="primary")


# --- views ----------------------------------------------------------------------


def test_account_page_shows_profile_and_children(client, family):
    services.child_add(user=family, nickname="小雨", birth_year=this_year() - 9,
                       school_stage="primary", guardian_consent=True)
    html = client.get(reverse("portal:account")).content.decode()
    assert "家庭资料" in html
    assert "<strong>小雨</strong>" in html
    assert f"{this_year() - 9} 年出生" in html
    assert "已记录监护人同意。" in html
    assert reverse("portal:child_add") in html


def test_adding_an_under_14_child_without_consent_shows_a_clear_error(client, family):
    response = client.post(reverse("portal:child_add"), _child_data())
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert CONSENT_ERROR in html
    assert 'aria-invalid="true"' in html
    assert 'value="小雨"' in html  # what was typed is kept
    assert not Child.objects.exists()


def test_adding_a_child_with_consent(client, family):
    response = client.post(reverse("portal:child_add"),
                           _child_data(guardian_consent="on"))
    assert response["Location"] == reverse("portal:account") + "#family"
    child = Child.objects.get()
    assert (child.nickname, child.birth_year, child.school_stage, child.needs) == (
        "小雨", this_year() - 9, "primary", "最近不太愿意上学")
    assert Consent.objects.filter(child=child, kind="guardian_under_14").count() == 1
    assert "已添加 小雨。" in client.get(reverse("portal:account")).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"nickname": ""}, "请填写孩子的昵称。"),
     ({"birth_year": "二〇一五"}, "请用四位数字填写出生年份，例如 2015。"),
     ({"birth_year": "1980"}, "出生年份应在 {low} 到 {year} 之间。"),
     ({"birth_year": "{next}"}, "出生年份应在 {low} 到 {year} 之间。"),
     ({"school_stage": "phd"}, "选择一个有效的选项"),
     ({"needs": "很" * 301}, "300")],
)
def test_bad_child_input_gets_a_message_not_a_500(client, family, overrides, message):
    year = this_year()
    years = {"low": year - 24, "year": year, "next": year + 1}
    overrides = {k: v.format(**years) for k, v in overrides.items()}
    message = message.format(**years)
    response = client.post(reverse("portal:child_add"),
                           _child_data(guardian_consent="on", **overrides))
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not Child.objects.exists()


def test_editing_a_child(client, family):
    child = services.child_add(user=family, nickname="小雨", birth_year=this_year() - 9,
                               school_stage="primary", guardian_consent=True)
    form = client.get(reverse("portal:child_edit", args=[child.pk])).content.decode()
    assert 'value="小雨"' in form
    assert 'name="guardian_consent"' not in form  # consent already on file
    response = client.post(reverse("portal:child_edit", args=[child.pk]),
                           _child_data(nickname="雨雨", school_stage="junior", needs=""))
    assert response.status_code == HTTPStatus.FOUND
    child.refresh_from_db()
    assert (child.nickname, child.school_stage, child.needs) == ("雨雨", "junior", "")


def test_removing_a_child_asks_first_then_deletes_on_post(client, family):
    child = services.child_add(user=family, nickname="小雨", birth_year=this_year() - 16,
                               school_stage="senior")
    url = reverse("portal:child_remove", args=[child.pk])
    assert "删除 小雨 的资料？" in client.get(url).content.decode()
    assert Child.objects.filter(pk=child.pk).exists()
    assert client.post(url).status_code == HTTPStatus.FOUND
    assert not Child.objects.filter(pk=child.pk).exists()


@pytest.mark.parametrize("name", ["portal:child_edit", "portal:child_remove"])
def test_another_familys_child_is_404(client, family, name):
    other_child = ChildFactory()
    assert client.get(reverse(name, args=[other_child.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.post(reverse(name, args=[other_child.pk]),
                       _child_data()).status_code == HTTPStatus.NOT_FOUND
    assert Child.objects.filter(pk=other_child.pk).exists()


def test_guardian_profile_edit(client, family):
    response = client.post(reverse("portal:profile_edit"),
                           {"guardian_name": "王女士", "relationship": "mother",
                            "phone": "138 0000 0000"})
    assert response.status_code == HTTPStatus.FOUND
    family.family_profile.refresh_from_db()
    assert (family.family_profile.guardian_name, family.family_profile.relationship,
            family.family_profile.phone) == ("王女士", "mother", "138 0000 0000")

    bad = client.post(reverse("portal:profile_edit"),
                      {"guardian_name": "王女士", "phone": "call me"})
    assert "请填写有效的电话号码，只包含数字、空格或短横线。" in bad.content.decode()


def test_staff_cannot_use_the_family_forms(client, site_shell):
    client.force_login(CounsellorUserFactory())
    assert client.get(reverse("portal:child_add")).status_code == HTTPStatus.FORBIDDEN
    assert "家庭资料" not in client.get(reverse("portal:account")).content.decode()


def test_anonymous_visitors_are_sent_to_login(client, site_shell):
    response = client.get(reverse("portal:child_add"))
    assert response["Location"].startswith(reverse("account_login"))


def test_account_page_queries_do_not_grow_with_children(client, family,
                                                        django_assert_max_num_queries):
    services.child_add(user=family, nickname="一", birth_year=this_year() - 15,
                       school_stage="senior")
    with django_assert_max_num_queries(60) as small:
        client.get(reverse("portal:account"))
    for i in range(5):
        services.child_add(user=family, nickname=f"孩{i}", birth_year=this_year() - 15,
                           school_stage="senior")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("portal:account"))


def test_api_tokens_are_an_advanced_section_closed_until_a_family_has_one(client):
    from portal.models import ApiToken

    family = FamilyFactory()
    client.force_login(family)
    html = client.get(reverse("portal:account")).content.decode()
    opening = html[:html.index('data-testid="api-tokens"')].rsplit("<", 1)[1]
    assert opening.startswith("details")
    assert 'data-testid="api-tokens" open' not in html
    assert "高级：API 访问令牌" in html
    ApiToken.issue(user=family, name="我的手机")
    html = client.get(reverse("portal:account")).content.decode()
    assert 'data-testid="api-tokens" open' in html
