"""Roles, the staff MFA gate, admin logins that only go through allauth, idle timeout."""

import time
from http import HTTPStatus
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from portal.management.commands.demo_totp import current_code
from portal.middleware import in_staff_area
from portal.models import User
from portal.roles import ensure_groups
from tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    CounsellorUserFactory,
    EditorFactory,
    FamilyFactory,
)

pytestmark = pytest.mark.django_db

TOTP_ACTIVATE = "/accounts/2fa/totp/activate/"


def with_totp(user):
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _session_user_id(client):
    return client.session.get("_auth_user_id")


# --- roles --------------------------------------------------------------------


def test_role_groups_exist_after_migrate_with_admin_access_for_editors_and_coordinators():
    # No seeding: post_migrate created them on the test database.
    groups = {g.name: g for g in Group.objects.all()}
    assert set(groups) >= {"family", "counsellor", "coordinator", "editor"}

    def perms(name):
        return {f"{p.content_type.app_label}.{p.codename}"
                for p in groups[name].permissions.select_related("content_type")}

    assert "wagtailadmin.access_admin" in perms("editor")
    assert "wagtailadmin.access_admin" in perms("coordinator")
    assert "wagtailadmin.access_admin" not in perms("counsellor")
    assert perms("family") == set()
    assert not any(p.split(".")[1].startswith("delete_") for p in perms("coordinator"))
    assert "portal.change_sitesettings" in perms("coordinator")


def test_ensure_groups_is_idempotent():
    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    ensure_groups()
    ensure_groups()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before


@pytest.mark.parametrize(
    ("factory", "is_staff_member"),
    [(FamilyFactory, False), (CounsellorUserFactory, True), (CoordinatorFactory, True),
     (EditorFactory, True)],
)
def test_station_staff_are_exactly_counsellors_coordinators_and_editors(
    factory, is_staff_member
):
    assert factory().is_station_staff is is_staff_member


# --- the MFA gate -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/admin/", True), ("/django-admin/portal/user/", True),
     ("/bookings/counsellor/week/", True), ("/en/bookings/coordinator/", True),
     ("/account/privacy/access-log/", True),
     ("/bookings/", False), ("/account/", False), ("/en/", False), ("/administer/", False)],
)
def test_staff_area_prefixes(path, expected):
    assert in_staff_area(path) is expected


@pytest.mark.parametrize(
    "path", ["/admin/", "/bookings/coordinator/", "/en/bookings/counsellor/week/"]
)
def test_staff_without_totp_are_sent_to_set_it_up(client, path):
    client.force_login(CoordinatorFactory())
    response = client.get(path)
    assert response.status_code == HTTPStatus.FOUND
    prefix = "/en" if path.startswith("/en/") else ""
    assert response["Location"] == f"{prefix}{TOTP_ACTIVATE}?next={path.replace('/', '%2F')}"


def test_totp_activation_page_is_in_chinese_and_explains_why(client, site_shell):
    client.force_login(EditorFactory())
    response = client.get("/admin/", follow=True)
    html = response.content.decode()
    assert "工作人员需要先设置两步验证（身份验证器应用），才能进入工作区域。" in html


def test_staff_without_totp_still_reach_non_staff_pages(client, site_shell):
    client.force_login(CounsellorUserFactory())
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK


def test_editor_and_coordinator_with_totp_reach_the_wagtail_admin(client):
    for user in (with_totp(EditorFactory()), with_totp(CoordinatorFactory())):
        client.force_login(user)
        assert client.get("/admin/").status_code == HTTPStatus.OK


@pytest.mark.parametrize("factory", [CounsellorUserFactory, FamilyFactory])
def test_counsellors_and_families_get_403_from_the_wagtail_admin(client, factory):
    client.force_login(with_totp(factory()))
    assert client.get("/admin/").status_code == HTTPStatus.FORBIDDEN


def test_django_admin_needs_an_active_superuser(client):
    client.force_login(with_totp(CounsellorUserFactory()))
    assert client.get("/django-admin/").status_code == HTTPStatus.FORBIDDEN
    # Coordinators manage bookings through the services' pages, not the admin.
    client.force_login(with_totp(CoordinatorFactory()))
    assert client.get("/django-admin/").status_code == HTTPStatus.FORBIDDEN
    client.force_login(with_totp(User.objects.create_superuser("su@example.cn", PASSWORD)))
    assert client.get("/django-admin/").status_code == HTTPStatus.OK


def test_superuser_without_totp_is_gated_too(client):
    admin = User.objects.create_superuser("root@example.cn", PASSWORD)
    client.force_login(admin)
    assert client.get("/django-admin/")["Location"].startswith(TOTP_ACTIVATE)


def test_families_are_never_sent_to_totp_setup(client):
    client.force_login(FamilyFactory())
    response = client.get("/bookings/coordinator/")
    assert not response.get("Location", "").startswith(TOTP_ACTIVATE)


def test_staff_login_with_totp_asks_for_the_code(client, site_shell):
    user = with_totp(EditorFactory(email="ed@example.cn"))
    response = client.post(reverse("account_login"),
                           {"login": "ed@example.cn", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert _session_user_id(client) is None

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == HTTPStatus.OK
    assert _session_user_id(client) is None

    client.post(reverse("mfa_authenticate"), {"code": current_code(DEMO_TOTP_SECRET)})
    assert _session_user_id(client) == str(user.pk)
    assert client.get("/admin/").status_code == HTTPStatus.OK


# --- demo staff and demo_totp -------------------------------------------------


def test_demo_staff_have_the_documented_totp_and_demo_totp_prints_a_valid_code(
    site_shell, client
):
    for email in ("counsellor@demo.weiai.cn", "coordinator@demo.weiai.cn",
                  "editor@demo.weiai.cn"):
        assert Authenticator.objects.filter(user__email=email,
                                            type=Authenticator.Type.TOTP).count() == 1
    assert not Authenticator.objects.filter(user__email="family@demo.weiai.cn").exists()

    out = StringIO()
    call_command("demo_totp", "coordinator@demo.weiai.cn", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()

    client.post(reverse("account_login"),
                {"login": "coordinator@demo.weiai.cn", "password": DEMO_PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_demo_totp_refuses_accounts_without_the_demo_secret(site_shell):
    with pytest.raises(CommandError, match="has no TOTP"):
        call_command("demo_totp", "family@demo.weiai.cn")
    user = EditorFactory(email="real@example.cn")
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    with pytest.raises(CommandError, match="refusing"):
        call_command("demo_totp", "real@example.cn")


def test_seeding_twice_keeps_one_authenticator_each(site_shell):
    from portal import demo

    demo.seed()
    assert Authenticator.objects.filter(user__email="editor@demo.weiai.cn").count() == 1


# --- admin logins go through allauth only ------------------------------------


@pytest.mark.parametrize("login_path", ["/admin/login/", "/django-admin/login/"])
def test_admin_login_pages_redirect_to_allauth(client, login_path):
    response = client.get(f"{login_path}?next=/admin/pages/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


@pytest.mark.parametrize("login_path", ["/admin/login/", "/django-admin/login/"])
@pytest.mark.parametrize("field", ["username", "email", "login"])
def test_no_post_to_an_admin_login_logs_in(client, login_path, field):
    user = with_totp(EditorFactory(email="ed@example.cn"))
    user.is_superuser = True
    user.save()
    response = client.post(login_path, {field: "ed@example.cn", "password": PASSWORD,
                                        "next": "/admin/"})
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.METHOD_NOT_ALLOWED)
    assert _session_user_id(client) is None
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")


def test_wagtail_login_form_is_unreachable(client):
    # reverse() of Wagtail's own login name lands on the redirect, never its form.
    assert reverse("wagtailadmin_login") == "/admin/login/"
    response = client.get("/admin/login/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    html = response.content.decode()
    assert 'name="username"' not in html
    assert 'name="login"' in html
    # Wagtail's own password reset is switched off (allauth's is the only one).
    assert client.get("/admin/password_reset/").status_code == HTTPStatus.NOT_FOUND
    assert client.post("/admin/password_reset/",
                       {"email": "ed@example.cn"}).status_code == HTTPStatus.NOT_FOUND
    # Anonymous visits to the admin go to allauth too.
    assert client.get("/admin/pages/")["Location"].startswith("/accounts/login/")
    assert client.get("/django-admin/")["Location"].startswith("/django-admin/login/")


# --- staff idle timeout -----------------------------------------------------------


def _age_session(client, *, idle: float, started: float | None = None):
    session = client.session
    now = time.time()
    session["_last_seen"] = now - idle
    session["_auth_started"] = now - (started if started is not None else idle)
    session.save()


def test_staff_session_ends_after_30_idle_minutes(client, site_shell):
    client.force_login(with_totp(CounsellorUserFactory()))
    _age_session(client, idle=29 * 60)
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK
    _age_session(client, idle=31 * 60)
    response = client.get(reverse("portal:account"))
    assert response["Location"].startswith(reverse("account_login"))
    assert _session_user_id(client) is None
    # The sign-in page says why.
    login_page = client.get(response["Location"])
    assert "长时间未操作后已自动退出" in login_page.content.decode()


def test_family_session_survives_an_idle_hour(client, site_shell):
    client.force_login(FamilyFactory())
    _age_session(client, idle=60 * 60)
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK


def test_every_session_ends_after_the_absolute_limit(client, site_shell):
    client.force_login(FamilyFactory())
    _age_session(client, idle=10, started=13 * 60 * 60)
    response = client.get(reverse("portal:account"))
    assert response.status_code == HTTPStatus.FOUND
    assert "登录已超过有效时长" in client.get(response["Location"]).content.decode()


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=60)
def test_idle_limit_comes_from_settings(client, site_shell):
    client.force_login(with_totp(EditorFactory()))
    _age_session(client, idle=90)
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.FOUND


def test_active_staff_keep_their_session(client, site_shell):
    client.force_login(with_totp(EditorFactory()))
    _age_session(client, idle=5 * 60, started=5 * 60)
    assert client.get(reverse("portal:account")).status_code == HTTPStatus.OK
    # The visit refreshed the idle clock.
    assert time.time() - client.session["_last_seen"] < 5


# --- content translation (simple_translation) ----------------------------------------


def test_editors_can_translate_pages_and_counsellors_cannot(client, site_shell):
    from portal.models import StandardPage

    page = StandardPage.objects.get(slug="terms", locale__language_code="zh-hans")
    url = reverse("simple_translation:submit_page_translation", args=[page.pk])
    editor = with_totp(EditorFactory())
    assert editor.has_perm("simple_translation.submit_translation")
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    client.force_login(with_totp(CounsellorUserFactory()))
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_demo_content_exists_in_both_locales_as_translations(site_shell):
    from portal.models import HomePage, StandardPage

    for slug in ("about", "privacy", "terms"):
        zh = StandardPage.objects.get(slug=slug, locale__language_code="zh-hans")
        en = zh.get_translation(zh.locale.__class__.objects.get(language_code="en"))
        assert en.live and en.url_path.endswith(f"/{slug}/")
    home = HomePage.objects.get(locale__language_code="zh-hans")
    assert home.get_translations().get().locale.language_code == "en"


# --- staff powers outside the staff areas (issue 10) ---------------------------------
# A booking page opened by anyone but its family is opened with staff powers
# (its counsellor, a workshop leader, a coordinator): the .ics, the detail page
# with intake and notes, cancel and reschedule for the family, attendance and
# notes. Without TOTP each sends the staff member to set it up, as the staff
# areas do; with TOTP it opens.


def _staffed_booking():
    from tests.factories import BookingFactory, CounsellorFactory

    counsellor = CounsellorFactory()
    return BookingFactory(counsellor=counsellor, concern="Concern-Marker-1010")


def _staff(kind: str, booking):
    return booking.counsellor.user if kind == "counsellor" else CoordinatorFactory()


def _sent_to_totp_setup(response, next_path: str | None):
    assert response.status_code == HTTPStatus.FOUND, response.status_code
    expected = TOTP_ACTIVATE
    if next_path is not None:
        expected += "?next=" + next_path.replace("/", "%2F")
    assert response["Location"] == expected


STAFF_BOOKING_PAGES = [
    ("counsellor", "bookings:calendar_ics"),
    ("coordinator", "bookings:calendar_ics"),
    ("counsellor", "bookings:detail"),
    ("coordinator", "bookings:detail"),
    ("coordinator", "bookings:cancel"),
    ("coordinator", "bookings:reschedule"),
]


@pytest.mark.parametrize(("kind", "name"), STAFF_BOOKING_PAGES)
def test_staff_without_totp_are_sent_to_set_it_up_from_booking_pages(
    client, site_shell, kind, name
):
    from portal.models import AccessLog

    booking = _staffed_booking()
    client.force_login(_staff(kind, booking))
    url = reverse(name, args=[booking.pk])
    response = client.get(url)
    _sent_to_totp_setup(response, url)
    assert b"Concern-Marker-1010" not in response.content
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize(("kind", "name"), STAFF_BOOKING_PAGES)
def test_staff_with_totp_open_booking_pages(client, site_shell, kind, name):
    booking = _staffed_booking()
    client.force_login(with_totp(_staff(kind, booking)))
    response = client.get(reverse(name, args=[booking.pk]))
    assert response.status_code == HTTPStatus.OK


def test_the_booking_ics_for_staff_with_totp_is_the_booking(client, site_shell):
    booking = _staffed_booking()
    client.force_login(with_totp(CoordinatorFactory()))
    response = client.get(reverse("bookings:calendar_ics", args=[booking.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert booking.calendar_uid in response.content.decode()


def test_families_download_their_own_ics_without_totp(client, site_shell):
    booking = _staffed_booking()
    client.force_login(booking.family)
    response = client.get(reverse("bookings:calendar_ics", args=[booking.pk]))
    assert response.status_code == HTTPStatus.OK
    assert booking.calendar_uid in response.content.decode()


@pytest.mark.parametrize(("kind", "name", "data"), [
    ("coordinator", "bookings:cancel", {"reason": "x"}),
    ("counsellor", "bookings:attendance", {"attended": "1"}),
    ("counsellor", "bookings:note_add", {"body": "Note-Marker-1010"}),
    ("coordinator", "bookings:note_add", {"body": "Note-Marker-1010"}),
])
def test_staff_writes_on_a_booking_without_totp_change_nothing(
    client, site_shell, kind, name, data
):
    from bookings.models import Booking

    booking = _staffed_booking()
    client.force_login(_staff(kind, booking))
    response = client.post(reverse(name, args=[booking.pk]), data)
    # A POST has no page to come back to: the setup page says what to do next.
    _sent_to_totp_setup(response, None)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.notes.count() == 0


def test_a_coordinators_own_booking_has_no_staff_actions_with_or_without_totp(
        client, site_shell):
    """A coordinator who booked for their own family is the family there: the
    staff doors answer 404 before and after the TOTP step, and write nothing."""
    from tests.factories import BookingFactory

    coordinator = CoordinatorFactory()
    booking = BookingFactory(family=coordinator)
    client.force_login(coordinator)
    url = reverse("bookings:note_add", args=[booking.pk])
    without = client.post(url, {"body": "Note-Marker-1010"})
    with_totp(coordinator)
    verified = client.post(url, {"body": "Note-Marker-1010"})
    assert (without.status_code, verified.status_code) == (HTTPStatus.NOT_FOUND,) * 2
    assert booking.notes.count() == 0


def test_counsellor_feed_needs_totp(client, site_shell):
    from bookings.models import CalendarFeed
    from tests.factories import CounsellorFactory

    counsellor = CounsellorFactory()
    client.force_login(counsellor.user)
    response = client.post(reverse("calendar:feed_create"), {"kind": "counsellor"})
    _sent_to_totp_setup(response, None)
    assert not CalendarFeed.objects.filter(user=counsellor.user).exists()
    with_totp(counsellor.user)
    response = client.post(reverse("calendar:feed_create"), {"kind": "counsellor"})
    assert response.status_code == HTTPStatus.FOUND
    assert CalendarFeed.objects.filter(user=counsellor.user, kind="counsellor",
                                       revoked_at__isnull=True).count() == 1
