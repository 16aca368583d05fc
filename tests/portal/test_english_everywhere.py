"""Issue 12: every English page a role reaches reads in English.

The demo is seeded once for the module (inside a transaction rolled back at the
end); each page is then fetched under /en/ as the role that reaches it. Visible
text, and the attributes a screen reader speaks, carry no Han character and no
full-width punctuation, except inside an element marked ``lang="zh-Hans"``
(Chinese shown where no English exists, or the switcher's 中文).
"""

import re
from html.parser import HTMLParser
from http import HTTPStatus
from pprint import pformat

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from bookings.models import Booking, Counsellor, GroupSession, SessionType
from courses.models import LessonPage, ModulePage
from portal.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

HAN = re.compile(r"[\u3400-\u9fff]")
FULL_WIDTH = re.compile(r"[：，。（）]")
FOUND = re.compile(r"[\u3400-\u9fff：，。（）]")
SKIPPED = {"script", "style", "template", "title"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
SPOKEN = ("alt", "aria-label", "placeholder", "title", "aria-description")


class EnglishText(HTMLParser):
    """Collects the text (and spoken attributes) an English reader meets
    outside Chinese-marked elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, chinese here)
        self.found: list[str] = []

    def _chinese(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def _skipped(self) -> bool:
        return any(tag in SKIPPED for tag, _ in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        chinese = lang.lower().startswith("zh") if lang is not None else self._chinese()
        hidden = tag == "input" and (attrs.get("type") or "").lower() == "hidden"
        if not chinese and not hidden and not self._skipped():
            for name in SPOKEN:
                if attrs.get(name):
                    self._check(f"[{tag} {name}] {attrs[name]}")
            if tag == "input" and (attrs.get("type") or "").lower() in (
                "submit",
                "button",
            ):
                self._check(f"[{tag} value] {attrs.get('value') or ''}")
        if tag not in VOID:
            self.stack.append((tag, chinese))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        # Close up to the matching open tag (html.parser does not repair markup).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self._chinese() and not self._skipped():
            self._check(data)

    def _check(self, text: str) -> None:
        if FOUND.search(text):
            self.found.append(" ".join(text.split())[:120])


def chinese_outside_marks(html: str) -> list[str]:
    parser = EnglishText()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_sees_unmarked_chinese_and_full_width_punctuation():
    html = (
        '<p>Hello <span lang="zh-Hans">你好（演示）</span></p><div lang="zh-Hans">'
        "<p>长文</p><br><em>着重</em></div><p>Name：Lin</p><p>林晓</p>"
        '<input type="hidden" name="next" value="/中文/"><img alt="图片">'
        '<script>var s = "脚本";</script><p lang="en">Back <b>回</b></p>'
    )
    assert chinese_outside_marks(html) == ["Name：Lin", "林晓", "[img alt] 图片", "回"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, once for this module; rolled back afterwards so other
    modules meet the database as the migrations left it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def _first(queryset):
    found = queryset.first()
    assert found is not None, queryset.model.__name__
    return found


def _paths(role: str) -> list[str]:
    """The English pages a role reaches, on the seeded demo."""
    module = _first(ModulePage.objects.live().filter(locale__language_code="en"))
    lesson = _first(LessonPage.objects.live().descendant_of(module))
    counsellor = _first(Counsellor.objects.filter(slug="demo-lin-xiao"))
    chen = _first(Counsellor.objects.filter(slug="demo-chen-an"))
    workshop = _first(GroupSession.objects.order_by("start"))
    individual = _first(SessionType.objects.filter(slug="individual-consultation"))
    public = [
        "/en/",
        module.url,
        lesson.url,
        "/en/search/?q=anxiety",
        "/en/search/?q=情绪",
        "/en/bookings/",
        "/en/bookings/counsellors/",
        f"/en/bookings/counsellors/{counsellor.slug}/",
        f"/en/bookings/counsellors/{chen.slug}/",
        "/en/bookings/workshops/",
        f"/en/bookings/workshops/{workshop.pk}/",
        "/en/privacy/",
        "/en/about/",
    ]
    if role == "anonymous":
        return [
            *public,
            "/en/accounts/login/",
            "/en/accounts/signup/",
            "/en/no-such-page/",
        ]
    family = User.objects.get(email="family@demo.weiai.cn")
    booking = _first(
        Booking.objects.filter(
            family=family,
            group_session__isnull=True,
            status=Booking.Status.CONFIRMED,
            start__gt=timezone.now(),
        )
    )
    if role == "family":
        return [
            *public,
            _booking_form(counsellor, individual),
            "/en/bookings/mine/",
            f"/en/bookings/{booking.pk}/",
            f"/en/bookings/{booking.pk}/reschedule/",
            f"/en/bookings/{booking.pk}/cancel/",
            "/en/account/",
            "/en/account/privacy/",
            "/en/account/family/",
            "/en/courses/certificates/",
            "/en/bookings/coordinator/",  # 403
            "/en/no-such-page/",
        ]
    if role == "counsellor":
        mine = _first(Booking.objects.filter(counsellor=counsellor))
        return [
            "/en/bookings/counsellor/week/",
            "/en/bookings/counsellor/hours/",
            f"/en/bookings/{mine.pk}/",
            "/en/account/",
            "/en/bookings/workshops/",
        ]
    if role == "coordinator":
        urgent = _first(Booking.objects.filter(is_urgent=True))
        return [
            "/en/bookings/coordinator/",
            "/en/bookings/coordinator/urgent/",
            "/en/bookings/coordinator/closures/",
            f"/en/bookings/{urgent.pk}/",
            "/en/account/",
        ]
    assert role == "editor"
    return ["/en/", module.url, lesson.url, "/en/account/"]


def _booking_form(counsellor, session_type) -> str:
    """The booking form for the counsellor's first free time, as the
    counsellor's page links to it."""
    html = (
        Client()
        .get(f"/en/bookings/counsellors/{counsellor.slug}/?type={session_type.slug}")
        .content
    )
    found = re.search(
        rf'href="(/en/bookings/book/{counsellor.slug}/[^"]+)"', html.decode()
    )
    assert found, "no free time on the counsellor's page"
    return found.group(1).replace("&amp;", "&")


EMAILS = {
    "family": "family@demo.weiai.cn",
    "counsellor": "counsellor@demo.weiai.cn",
    "coordinator": "coordinator@demo.weiai.cn",
    "editor": "editor@demo.weiai.cn",
}
EXPECTED_STATUS = {
    "/en/no-such-page/": HTTPStatus.NOT_FOUND,
    "/en/bookings/coordinator/": None,
}  # 403 for families, 200 for staff


@pytest.mark.parametrize(
    "role", ["anonymous", "family", "counsellor", "coordinator", "editor"]
)
def test_english_pages_show_no_unmarked_chinese(demo, role):
    client = Client()
    if role != "anonymous":
        client.force_login(User.objects.get(email=EMAILS[role]))
    problems = {}
    for path in _paths(role):
        response = client.get(path)
        wanted = EXPECTED_STATUS.get(path, HTTPStatus.OK)
        if path == "/en/bookings/coordinator/":
            wanted = HTTPStatus.FORBIDDEN if role == "family" else HTTPStatus.OK
        assert response.status_code == wanted, (path, response.status_code)
        found = chinese_outside_marks(response.content.decode())
        if found:
            problems[path] = found
    assert not problems, pformat(problems, width=100)


def test_brand_and_switcher_are_english_or_marked(demo):
    html = Client().get("/en/").content.decode()
    assert "<span>Weiai Cottage</span>" in html
    assert re.search(
        r'<a class="lang-link" href="/"[^>]* lang="zh-Hans">简体中文</a>', html
    )


def test_coordinator_reports_show_no_unmarked_chinese(demo):
    client = Client()
    client.force_login(User.objects.get(email=EMAILS["coordinator"]))
    response = client.get("/en/bookings/coordinator/reports/")
    assert response.status_code == HTTPStatus.OK
    assert chinese_outside_marks(response.content.decode()) == []


def test_chinese_pages_mark_nothing(demo):
    client = Client()
    client.force_login(User.objects.get(email=EMAILS["coordinator"]))
    html = client.get("/bookings/coordinator/").content.decode()
    main = html.split("<main", 1)[1]
    assert "林晓（演示咨询师）" in main
    assert 'lang="zh-Hans"' not in main
