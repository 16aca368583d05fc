"""The expert pool: the staff directory (filters, expired credentials, contact
details for staff only), the credential rule bookings will use, the pool's
counts on the coordinator dashboard, and the demo pool."""

import datetime as dt
import zoneinfo
from http import HTTPStatus

import factory
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network import demo, selectors
from network.models import Expert, Partner, ServicePoint
from portal.roles import ensure_groups
from tests.bookings.web_setup import with_totp
from tests.factories import (
    CoordinatorFactory,
    CounsellorFactory,
    CounsellorUserFactory,
    EditorFactory,
    FamilyFactory,
    TopicFactory,
)
from tests.network.factories import ServicePointFactory

# Not marked `clock`: every test pins its own instant (the fixture below), so
# a moved clock (CI's `-m clock` runs) would only repeat the same run.
pytestmark = pytest.mark.django_db

STATION_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 3, 10, 9, 0, tzinfo=STATION_TZ)
TODAY = NOW.date()
DIRECTORY = "/points/staff/experts/"
DASHBOARD = "/bookings/coordinator/"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    kind = Partner.Kind.SOCIAL_ORGANISATION
    name = factory.Sequence(lambda n: f"测试社工服务社{n}")


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"专家{n:03d}")
    slug = factory.Sequence(lambda n: f"expert-{n}")
    role = Expert.Role.GROWTH_EXPERT
    languages = factory.LazyFunction(lambda: ["zh-hans"])
    credential = "家庭教育指导师证书"
    phone = factory.Sequence(lambda n: f"021-5555-{1000 + n:04d}")
    email = factory.Sequence(lambda n: f"expert{n}@example.cn")

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def points(self, create, extracted, **kwargs):
        if create and extracted:
            self.points.set(extracted)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coordinator(client, site_shell):
    ensure_groups()
    user = with_totp(CoordinatorFactory())
    client.force_login(user)
    return user


def _names(response) -> list[str]:
    html = response.content.decode()
    return sorted(
        name for name in Expert.objects.values_list("name", flat=True) if name in html
    )


# --- filters ------------------------------------------------------------------------


def test_the_directory_lists_active_experts_only(client, coordinator):
    ExpertFactory(name="在库甲")
    ExpertFactory(name="离库乙", is_active=False)
    response = client.get(DIRECTORY)
    assert response.status_code == HTTPStatus.OK
    assert _names(response) == ["在库甲"]


def test_filter_by_role(client, coordinator):
    ExpertFactory(name="律师甲", role=Expert.Role.LAWYER)
    ExpertFactory(name="社工乙", role=Expert.Role.SOCIAL_WORKER)
    response = client.get(DIRECTORY, {"role": "lawyer"})
    assert _names(response) == ["律师甲"]


def test_filter_by_topic(client, coordinator):
    autism = TopicFactory(slug="autism", name="自闭症咨询与科普")
    crisis = TopicFactory(slug="crisis-intervention", name="心理危机干预")
    ExpertFactory(name="专家甲", topics=[autism])
    ExpertFactory(name="专家乙", topics=[crisis])
    ExpertFactory(name="专家丙", topics=[autism, crisis])
    response = client.get(DIRECTORY, {"topic": "autism"})
    assert _names(response) == ["专家丙", "专家甲"]


def test_filter_by_point(client, coordinator):
    home = ServicePointFactory(slug="home-wutongli")
    other = ServicePointFactory()
    ExpertFactory(name="专家甲", points=[home])
    ExpertFactory(name="专家乙", points=[other])
    response = client.get(DIRECTORY, {"point": "home-wutongli"})
    assert _names(response) == ["专家甲"]


def test_filter_by_language(client, coordinator):
    ExpertFactory(name="专家甲", languages=["zh-hans", "wuu"])
    ExpertFactory(name="专家乙", languages=["zh-hans"])
    ExpertFactory(name="专家丙", languages=["en", "wuu"])
    response = client.get(DIRECTORY, {"language": "wuu"})
    assert _names(response) == ["专家丙", "专家甲"]
    assert "上海话" in response.content.decode()


@pytest.mark.parametrize(
    ("value", "expected"), [("valid", ["有效甲", "长期乙"]), ("expired", ["过期丙"])]
)
def test_filter_by_credential(client, coordinator, value, expected):
    ExpertFactory(name="有效甲", credential_expires=TODAY)
    ExpertFactory(name="长期乙", credential_expires=None)
    ExpertFactory(name="过期丙", credential_expires=TODAY - dt.timedelta(days=1))
    response = client.get(DIRECTORY, {"credential": value})
    assert _names(response) == expected


def test_filters_combine_and_an_unknown_value_is_a_form_error(client, coordinator):
    ExpertFactory(name="律师甲", role=Expert.Role.LAWYER, languages=["en"])
    ExpertFactory(name="律师乙", role=Expert.Role.LAWYER)
    response = client.get(DIRECTORY, {"role": "lawyer", "language": "en"})
    assert _names(response) == ["律师甲"]
    response = client.get(DIRECTORY, {"point": "no\x01slug"})
    assert response.status_code == HTTPStatus.OK
    assert "field-error" in response.content.decode()


def test_the_directory_pages_by_25(client, coordinator):
    for _ in range(26):
        ExpertFactory()
    first = client.get(DIRECTORY).content.decode()
    second = client.get(DIRECTORY, {"page": 2}).content.decode()
    assert first.count('data-testid="expert-row"') == 25
    assert second.count('data-testid="expert-row"') == 1
    assert "共 26 位" in first


# --- credentials ----------------------------------------------------------------------


def test_an_expired_credential_is_shown_and_not_valid(client, coordinator):
    expired = ExpertFactory(
        name="过期甲", credential_expires=TODAY - dt.timedelta(days=1)
    )
    current = ExpertFactory(name="有效乙", credential_expires=TODAY)
    html = client.get(DIRECTORY).content.decode()
    assert html.count('data-testid="credential-expired"') == 1
    row = next(r for r in html.split('data-testid="expert-row"') if "过期甲" in r)
    assert "资质已过期" in row
    assert selectors.credential_valid(expired, on=TODAY) is False
    assert selectors.credential_valid(current, on=TODAY) is True
    assert selectors.credential_valid(current, on=TODAY + dt.timedelta(days=1)) is False


def test_an_expired_credential_cannot_be_assigned():
    expert = ExpertFactory(name="过期甲", credential_expires=dt.date(2027, 3, 9))
    with pytest.raises(ValidationError) as caught:
        selectors.require_valid_credential(expert, on=TODAY)
    assert caught.value.messages == [
        "过期甲 的资质已于 2027-03-09 过期，不能安排服务或接受预约。"
    ]
    assert list(selectors.assignable_experts(on=TODAY)) == []
    selectors.require_valid_credential(expert, on=dt.date(2027, 3, 9))


def test_bookable_and_expired_counsellor_ids():
    valid = CounsellorFactory()
    lapsed = CounsellorFactory()
    left = CounsellorFactory()
    unlinked = CounsellorFactory()
    ExpertFactory(counsellor=valid, credential_expires=TODAY)
    ExpertFactory(counsellor=lapsed, credential_expires=TODAY - dt.timedelta(days=1))
    ExpertFactory(counsellor=left, is_active=False)
    ExpertFactory()  # in the pool, no counsellor profile
    assert list(selectors.bookable_counsellor_ids(on=TODAY)) == [valid.pk]
    assert sorted(selectors.expired_counsellor_ids(on=TODAY)) == sorted(
        [lapsed.pk, left.pk]
    )
    assert unlinked.pk not in set(selectors.expired_counsellor_ids(on=TODAY))


# --- who sees the directory -------------------------------------------------------------


def test_staff_see_contact_details_and_the_page_is_not_stored(client, coordinator):
    ExpertFactory(name="专家甲", phone="021-5555-1234", email="jia@example.cn")
    response = client.get(DIRECTORY)
    html = response.content.decode()
    assert 'href="tel:+862155551234"' in html
    assert "jia@example.cn" in html
    assert "no-store" in response["Cache-Control"]


def test_a_counsellor_with_totp_reads_the_directory(client, site_shell):
    ensure_groups()
    ExpertFactory(name="专家甲")
    client.force_login(with_totp(CounsellorUserFactory()))
    response = client.get(DIRECTORY)
    assert response.status_code == HTTPStatus.OK
    assert _names(response) == ["专家甲"]


@pytest.mark.parametrize("factory_class", [FamilyFactory, EditorFactory])
def test_families_and_editors_get_403_without_contact_details(
    client, site_shell, factory_class
):
    ensure_groups()
    ExpertFactory(name="专家甲", email="jia@example.cn")
    user = factory_class()
    if factory_class is EditorFactory:
        with_totp(user)
    client.force_login(user)
    response = client.get(DIRECTORY)
    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "jia@example.cn" not in html
    assert "专家甲" not in html


def test_anonymous_visitors_are_sent_to_sign_in(client, site_shell):
    ExpertFactory(email="jia@example.cn")
    response = client.get(DIRECTORY)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_a_coordinator_without_totp_is_sent_to_set_it_up(client, site_shell):
    ensure_groups()
    ExpertFactory(email="jia@example.cn")
    client.force_login(CoordinatorFactory())
    response = client.get(DIRECTORY)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/2fa/totp/activate")


def test_editors_hold_no_permission_on_the_pool():
    groups = ensure_groups()
    editor = set(groups["editor"].permissions.values_list("codename", flat=True))
    coordinator = set(
        groups["coordinator"].permissions.values_list("codename", flat=True)
    )
    assert {"change_servicepoint", "change_neighbourhood"} <= editor
    assert not {"view_expert", "change_expert", "view_partner"} & editor
    assert {"view_expert", "change_expert", "add_partner"} <= coordinator


# --- counts by role -----------------------------------------------------------------------


def test_the_coordinator_dashboard_shows_the_pool_by_role(client, coordinator):
    for _ in range(3):
        ExpertFactory(role=Expert.Role.LAWYER)
    ExpertFactory(role=Expert.Role.SOCIAL_WORKER)
    ExpertFactory(role=Expert.Role.SOCIAL_WORKER, is_active=False)
    assert ("lawyer", "公益律师", 3) in selectors.pool_counts()
    assert ("social_worker", "专业社工", 1) in selectors.pool_counts()
    assert ("growth_expert", "成长专家", 0) in selectors.pool_counts()
    response = client.get(DASHBOARD)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    block = html.split('data-testid="expert-pool-counts"')[1].split("</section>")[0]
    assert f'href="{DIRECTORY}?role=lawyer">公益律师</a> <strong>3</strong>' in block
    assert f'href="{DIRECTORY}?role=social_worker">专业社工</a> <strong>1</strong>' in (
        block
    )


# --- queries --------------------------------------------------------------------------------


def _directory_queries(client, count: int) -> int:
    topic = TopicFactory(slug="autism")
    point = ServicePointFactory()
    partner = PartnerFactory()
    for _ in range(count - Expert.objects.count()):
        ExpertFactory(topics=[topic], points=[point], organisation=partner)
    query = {"language": "zh-hans", "credential": "valid"}
    client.get(DIRECTORY, query)  # the site's per-process caches, filled once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DIRECTORY, query)
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count('data-testid="expert-row"') == min(count, 25)
    return len(queries)


def test_the_directory_asks_the_same_number_of_queries_for_10_or_100(
    client, coordinator
):
    assert _directory_queries(client, 10) == _directory_queries(client, 100)


# --- demo -------------------------------------------------------------------------------


def test_the_demo_pool_has_the_stations_sizes(site_shell):
    TopicFactory(slug="autism")
    demo.seed()
    demo.seed()  # idempotent
    counts = {role: n for role, _label, n in selectors.pool_counts()}
    assert counts == {
        "growth_expert": 43,
        "growth_specialist": 23,
        "growth_adviser": 12,
        "social_organisation": 5,
        "lawyer": 6,
        "social_worker": 16,
        "counsellor": 6,
    }
    expired = Expert.objects.exclude(
        pk__in=selectors.assignable_experts(on=TODAY).values("pk")
    )
    assert 3 <= expired.count() <= 10
    assert not expired.filter(role=Expert.Role.COUNSELLOR).exists()
    assert Expert.objects.values("name").distinct().count() == Expert.objects.count()
    assert all("演示" in name for name in Expert.objects.values_list("name", flat=True))
    assert Expert.objects.filter(points__isnull=True).count() == 0
    assert Expert.objects.filter(topics__slug="autism").count() > 10
    assert ServicePoint.objects.filter(experts__isnull=False).distinct().count() == 25


def test_the_demo_links_the_counsellors_experts_to_the_demo_counsellors(site_shell):
    for slug, _name, _en in demo.DEMO_COUNSELLORS:
        CounsellorFactory(slug=slug)
    CounsellorFactory(slug="someone-else")
    demo.seed()
    linked = Expert.objects.filter(counsellor__isnull=False)
    assert sorted(linked.values_list("counsellor__slug", flat=True)) == sorted(
        slug for slug, _name, _en in demo.DEMO_COUNSELLORS
    )
    assert set(linked.values_list("role", flat=True)) == {"counsellor"}


def test_the_directory_speaks_english_on_en(client, coordinator):
    ExpertFactory(
        name="过期甲",
        name_en="Jia (demo)",
        role=Expert.Role.LAWYER,
        credential_expires=TODAY - dt.timedelta(days=1),
    )
    html = client.get(f"/en{DIRECTORY}").content.decode()
    assert "Jia (demo)" in html
    assert "Pro-bono lawyer" in html
    assert "Credential expired" in html
    assert "1 entry" in html
