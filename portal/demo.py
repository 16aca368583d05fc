"""Demo content for the site shell: settings, pages and one account per role.

Idempotent: running it again updates in place and creates nothing twice.
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from wagtail.models import Locale, Page, Site

from portal.crisis import DEFAULT_LINES
from portal.crisis import invalidate as forget_crisis_lines
from portal.models import (
    STAFF_ROLES,
    CrisisLine,
    HomePage,
    Role,
    SiteSettings,
    StandardPage,
    User,
)
from portal.roles import add_role, ensure_groups

DEMO_PASSWORD = "weiai-demo-2026"  # noqa: S105 - documented demo credential
# Base32 TOTP secret shared by the demo staff accounts (documented in README):
# add it to an authenticator app, or run `manage.py demo_totp <email>`.
DEMO_TOTP_SECRET = "WEIAIXIAOWUDEMOTOTPSECRETKEYAAAA"  # noqa: S105

DEMO_ACCOUNTS = [
    # email, display name, role, is_staff
    ("family@demo.weiai.cn", "王女士", Role.FAMILY, False),
    ("family2@demo.weiai.cn", "李先生", Role.FAMILY, False),
    ("counsellor@demo.weiai.cn", "林晓（演示咨询师）", Role.COUNSELLOR, False),
    ("coordinator@demo.weiai.cn", "周敏（演示协调员）", Role.COORDINATOR, True),
    ("editor@demo.weiai.cn", "陈编辑（演示）", Role.EDITOR, True),
]

HOME = {
    "zh-hans": {
        "title": "未愛小屋 · 儿童心理关爱",
        "intro": "陪伴孩子和家庭，慢慢走过难的时候。",
        "purpose": (
            "<p>未愛小屋是街道未成年人保护工作站的儿童心理关爱项目。"
            "我们为家庭提供五个主题的学习课程，也可以预约社工、家庭教育指导师和心理咨询师，"
            "或参加小组工作坊。</p>"
            "<p>这里的内容用于学习和支持，不做诊断。遇到紧急情况，请立即拨打页面顶部的热线。</p>"
        ),
    },
    "en": {
        "title": "Weiai Cottage · Children's mental-health care",
        "intro": "Walking beside children and families through the hard times.",
        "purpose": (
            "<p>Weiai Cottage is the children's mental-health care programme of the "
            "subdistrict's minor-protection station. Families can learn through modules "
            "on five themes, book a social worker, family-education adviser or "
            "counsellor, or join a group workshop.</p>"
            "<p>Everything here is for learning and support, never a diagnosis. "
            "In an emergency, call one of the lines at the top of the page.</p>"
        ),
    },
}

STANDARD_PAGES = {
    "about": {
        "zh-hans": ("关于我们", "未愛小屋由街道未成年人保护工作站发起。",
                    "<p>我们的团队由社工、家庭教育指导师和心理咨询师组成，"
                    "在站点和线上为辖区内的孩子和家庭提供心理关爱服务，"
                    "包括心理危机干预、积极生命教育、家庭关系调适、情绪疏导，"
                    "以及孤独症（自闭症）谱系的咨询与科普。</p>"),
        "en": ("About us", "Weiai Cottage is run by the subdistrict's minor-protection station.",
               "<p>Our team of social workers, family-education advisers and counsellors "
               "supports local children and families at the station and online: crisis "
               "intervention, positive life education, family relationships, emotional "
               "guidance, and autism spectrum consultation and awareness.</p>"),
    },
    "privacy": {
        "zh-hans": ("隐私政策", "我们只收集提供服务所必需的信息。",
                    "<h2>我们收集什么</h2><p>账户邮箱、您愿意告诉我们的称呼和电话；"
                    "孩子的昵称、出生年份、学段和需要我们了解的情况；预约时您填写的登记信息。</p>"
                    "<h2>敏感个人信息</h2><p>孩子的信息和心理健康相关信息属于敏感个人信息。"
                    "为不满十四周岁的孩子登记信息需要监护人同意，我们会记录同意的时间和文本版本。</p>"
                    "<h2>谁能看到</h2><p>只有为您服务的咨询师和站点协调员可以查看登记信息，"
                    "每一次查看都会被记录。</p>"
                    "<h2>您的权利</h2><p>您可以在“我的账户”中导出全部数据、撤回同意或注销账户。</p>"),
        "en": ("Privacy notice", "We collect only what we need to help.",
               "<h2>What we collect</h2><p>Your account email, and the name and phone "
               "number you choose to give; a child's nickname, birth year, school stage "
               "and needs; the answers you give when booking.</p>"
               "<h2>Sensitive information</h2><p>Children's and mental-health information "
               "is sensitive personal information. A guardian consents for children under "
               "14; we record when, and which version of this notice.</p>"
               "<h2>Who can see it</h2><p>Only your counsellor and the station's "
               "coordinators; every read is logged.</p>"
               "<h2>Your rights</h2><p>From your account page you can export your data, "
               "withdraw consent or delete your account.</p>"),
    },
    "terms": {
        "zh-hans": ("服务条款", "使用未愛小屋前请了解以下约定。",
                    "<p>本站提供的课程和咨询服务用于心理健康科普与支持，不替代医疗诊断和治疗。"
                    "预约后如不能参加，请尽早取消，把时间留给其他家庭。</p>"),
        "en": ("Terms of service", "Please read these terms before using the site.",
               "<p>Our modules and sessions support mental-health learning and wellbeing; "
               "they do not replace medical diagnosis or treatment. If you cannot attend, "
               "please cancel early so another family can take the time.</p>"),
    },
}


@transaction.atomic
def seed(*, scale: int = 1, stdout=None) -> None:
    ensure_groups()
    zh, _ = Locale.objects.get_or_create(language_code="zh-hans")
    en, _ = Locale.objects.get_or_create(language_code="en")
    home = _home_page(zh)
    site = _site(home)
    _site_settings(site)
    zh_pages = {
        slug: _standard_page(home, slug, *langs["zh-hans"])
        for slug, langs in STANDARD_PAGES.items()
    }
    home_en = _translate_home(home, en)
    for slug, langs in STANDARD_PAGES.items():
        _standard_page(home_en, slug, *langs["en"], translation_of=zh_pages[slug])
    _accounts()
    if stdout:
        stdout.write("portal: site, settings, pages and demo accounts ready")


def _home_page(locale) -> HomePage:
    home = HomePage.objects.filter(locale=locale).first()
    content = HOME["zh-hans"]
    if home is None:
        root = Page.get_first_root_node()
        if root is None:  # a database built without Wagtail's migrations
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        # Wagtail's initial migration leaves a placeholder page at the site root.
        for stale in root.get_children().exclude(content_type__model="homepage"):
            if stale.slug == "home":
                Site.objects.filter(root_page=stale).delete()
                stale.delete()
        home = HomePage(title=content["title"], slug="home", locale=locale,
                        intro=content["intro"], purpose=content["purpose"])
        root.add_child(instance=home)
    else:
        home.title, home.intro, home.purpose = (
            content["title"], content["intro"], content["purpose"])
    home.save_revision().publish()
    return home


def _site(home) -> Site:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True)
    site.hostname, site.port, site.root_page = "localhost", 80, home
    site.site_name = "未愛小屋"
    site.save()
    return site


def _site_settings(site) -> None:
    settings_obj = SiteSettings.for_site(site)
    settings_obj.station_name_en = "Weiai Cottage · Subdistrict minor-protection station"
    settings_obj.station_address = "上海市某街道未成年人保护工作站（演示地址）"
    settings_obj.station_address_en = ("Minor-protection station, a subdistrict of "
                                       "Shanghai (demo address)")
    settings_obj.station_phone = "021-5555-0100"
    settings_obj.station_email = "station@demo.weiai.cn"
    settings_obj.opening_hours = "周一至周五 9:00–17:00，周六 9:00–12:00"
    settings_obj.opening_hours_en = "Mon–Fri 9:00–17:00, Sat 9:00–12:00"
    settings_obj.urgent_response_hours = 2
    settings_obj.urgent_response_out_of_hours = "下一个开放日上午 11:00 前"
    settings_obj.urgent_response_out_of_hours_en = "by 11:00 on the next opening day"
    settings_obj.nearest_emergency = "示例医院急诊科（演示地址，24小时）"
    settings_obj.nearest_emergency_en = (
        "Example Hospital emergency department (demo address, 24 hours)")
    settings_obj.safeguarding_lead_name = "示例安全保护负责人（演示）"
    settings_obj.safeguarding_lead_email = "safeguarding@demo.weiai.cn"
    settings_obj.safeguarding_lead_phone = "021-5555-0110"
    settings_obj.save()
    if not settings_obj.crisis_lines.exists():
        for i, line in enumerate(DEFAULT_LINES):
            CrisisLine.objects.create(
                setting=settings_obj, sort_order=i, name=line.name, name_en=line.name_en,
                number=line.number, hours=line.hours, hours_en=line.hours_en,
                is_24h=line.is_24h,
            )
    for line in DEFAULT_LINES:  # seeds from before the 24-hour flag
        settings_obj.crisis_lines.filter(number=line.number).update(is_24h=line.is_24h)
    # Seeds from before the official name of 12356 (全国统一心理援助热线).
    settings_obj.crisis_lines.filter(number="12356", name="全国心理援助热线").update(
        name="全国统一心理援助热线", name_en="National unified psychological assistance line")
    forget_crisis_lines()


def _standard_page(parent, slug, title, intro, body, translation_of=None) -> StandardPage:
    """A page under `parent`; with `translation_of`, linked to it as its
    translation (same translation_key), so the language switcher and hreflang
    find it whatever its slug."""
    page = StandardPage.objects.child_of(parent).filter(slug=slug).first()
    if page is None and translation_of is not None:
        page = translation_of.get_translation_or_none(parent.locale)
        if page is None:
            page = translation_of.copy_for_translation(parent.locale)
        page = page.specific
    elif (page is not None and translation_of is not None
          and page.translation_key != translation_of.translation_key):
        page.translation_key = translation_of.translation_key
        page.save(update_fields=["translation_key"])
    if page is None:
        page = StandardPage(slug=slug, title=title, intro=intro, body=body,
                            locale=parent.locale)
        parent.add_child(instance=page)
    else:
        page.title, page.intro, page.body = title, intro, body
    page.save_revision().publish()
    return page


def _translate_home(home, locale) -> HomePage:
    existing = home.get_translation_or_none(locale)
    content = HOME["en"]
    if existing is None:
        existing = home.copy_for_translation(locale, copy_parents=True)
    existing = existing.specific
    existing.title, existing.intro, existing.purpose = (
        content["title"], content["intro"], content["purpose"])
    existing.save_revision().publish()
    return existing


def _accounts() -> None:
    for email, name, role, is_staff in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": name, "is_staff": is_staff}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        add_role(user, role)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role in STAFF_ROLES:
            _demo_totp(user)
        if role == Role.FAMILY:
            from portal.models import Consent, FamilyProfile

            FamilyProfile.objects.get_or_create(user=user, defaults={"guardian_name": name})
            if not user.consents.filter(kind=Consent.Kind.PRIVACY_NOTICE).exists():
                from django.conf import settings

                Consent.objects.create(user=user, kind=Consent.Kind.PRIVACY_NOTICE,
                                       notice_version=settings.PRIVACY_NOTICE_VERSION)


def _demo_totp(user) -> None:
    """Demo staff have TOTP set up already, with the documented demo secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
