"""Demo data for bookings: counsellors, hours, session types, workshops, history.

Every person here is fictional and labelled （演示）. Idempotent: counsellors,
session types and workshops are found by slug or title and updated; weekly
hours and time off are rewritten; past and upcoming demo bookings are keyed by
a fixed calendar UID and created only when missing. ``scale`` multiplies
counsellors, workshops and bookings (benchmarks use ``--scale 20``).

Runs after ``portal.demo`` (accounts) and ``courses.demo`` (topics); a missing
topic is created by slug.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Site

from bookings import caching, intake, selectors
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
    Counsellor,
    GroupSession,
    Mode,
    SessionNote,
    SessionType,
    StationClosure,
    TimeOff,
)
from courses.models import Topic
from network.demo import link_demo_counsellors
from network.models import ServicePoint
from portal.cache import bump
from portal.models import FamilyProfile, Role
from portal.roles import add_role
from portal.timezones import STATION_TZ

TOPIC_NAMES = {
    "crisis-intervention": "心理危机干预",
    "positive-life-education": "积极生命教育",
    "family-relationships": "家庭关系调适",
    "emotional-guidance": "情绪疏导",
    "autism": "孤独症（自闭症）咨询与科普",
}

SESSION_TYPES = [
    {
        "slug": "individual-consultation", "name": "个体咨询", "name_en":
        "Individual consultation", "kind": SessionType.Kind.INDIVIDUAL,
        "duration_minutes": 50, "capacity": 1, "buffer_after_minutes": 10,
        "modes": [Mode.IN_PERSON, Mode.ONLINE],
        "location": "未愛小屋 咨询室（街道未保站二楼）",
        "location_en": "Weiai Cottage counselling room (2nd floor, subdistrict minor-protection "
                       "station)",
        "description": "与一位咨询师一对一交谈 50 分钟，可以是家长单独来，也可以和孩子一起来。"
                       "这是支持和陪伴，不是诊断。",
    },
    {
        "slug": "parent-workshop", "name": "家长工作坊", "name_en": "Parent workshop",
        "kind": SessionType.Kind.GROUP, "duration_minutes": 90, "capacity": 12,
        "buffer_after_minutes": 15, "modes": [Mode.IN_PERSON],
        "location": "未愛小屋 活动室（街道未保站一楼）",
        "location_en": "Weiai Cottage activity room (ground floor, subdistrict minor-protection "
                       "station)",
        "description": "90 分钟的小组活动，最多 12 个家庭，在练习和交流中学习可以马上用上的方法。",
    },
    {
        "slug": "phone-check-in", "name": "电话关怀回访", "name_en": "Phone check-in",
        "kind": SessionType.Kind.INDIVIDUAL, "duration_minutes": 30, "capacity": 1,
        "buffer_after_minutes": 5, "modes": [Mode.PHONE],
        "description": "30 分钟的电话交谈，适合咨询之后的跟进，或者先简单聊聊再决定下一步。",
    },
]

T = dt.time
# (slug, name, title, bio, specialties, languages, modes, session types,
#  weekly hours [(weekday, start, end)], time off [(days from today, length in days)])
COUNSELLORS = [
    ("demo-lin-xiao", "林晓（演示咨询师）", "社工师",
     "做了十年青少年社会工作，擅长在孩子情绪很糟的时候陪家长一起想办法。说话慢，愿意先听。",
     ["crisis-intervention", "emotional-guidance"], ["zh-hans", "en"],
     [Mode.IN_PERSON, Mode.ONLINE, Mode.PHONE],
     ["individual-consultation", "phone-check-in"],
     [(0, T(9), T(12)), (0, T(14), T(17)), (2, T(9), T(12)), (2, T(14), T(17)),
      (4, T(9), T(12))], [(12, 2)]),
    ("demo-chen-an", "陈安（演示）", "心理咨询师",
     "关注孤独症（自闭症）谱系的孩子和他们的家庭，相信每个孩子都有自己的节奏。",
     ["autism", "family-relationships"], ["zh-hans"], [Mode.IN_PERSON, Mode.ONLINE],
     ["individual-consultation"],
     [(1, T(9, 30), T(12)), (1, T(13, 30), T(18)), (3, T(9, 30), T(12)),
      (3, T(13, 30), T(18)), (5, T(9), T(12))], [(20, 5)]),
    ("demo-wang-muyang", "王沐阳（演示）", "家庭教育指导师",
     "晚上的时段留给上班的家长。常和家长一起练习怎样和青春期的孩子好好说话。",
     ["family-relationships", "positive-life-education"], ["zh-hans", "en"],
     [Mode.ONLINE, Mode.PHONE], ["individual-consultation", "phone-check-in"],
     [(d, T(18), T(21)) for d in range(5)], []),
    ("demo-zhao-yihe", "赵一禾（演示）", "学校社工",
     "在中小学做过多年驻校社工，熟悉学业压力、同伴关系和校园适应。",
     ["positive-life-education", "emotional-guidance"], ["zh-hans"], [Mode.IN_PERSON],
     ["individual-consultation"],
     [(d, T(13), T(17)) for d in range(4)], [(3, 1)]),
    ("demo-zhou-ke", "周可（演示）", "特殊教育教师",
     "特殊教育背景，帮助家长理解孩子的感官需求，把日常安排得更可预期。",
     ["autism"], ["zh-hans"], [Mode.IN_PERSON, Mode.ONLINE],
     ["individual-consultation"],
     [(2, T(9), T(16)), (5, T(9), T(16))], [(7, 7)]),
    ("demo-xu-jing", "许静（演示）", "危机干预社工",
     "长期接听心理援助热线，擅长在紧急情况下帮助家庭稳定下来、找到下一步的支持。",
     ["crisis-intervention", "family-relationships"], ["zh-hans", "en"],
     [Mode.PHONE, Mode.ONLINE], ["phone-check-in", "individual-consultation"],
     [(d, T(10), T(16)) for d in range(5)], [(9, 2)]),
]

# The English side of each demo counsellor, by slug: name, role, bio.
COUNSELLORS_EN = {
    "demo-lin-xiao": (
        "Lin Xiao (demo counsellor)", "Social worker",
        "Ten years of social work with young people. Good at thinking things through "
        "with parents when a child's feelings are at their worst. Speaks slowly and "
        "listens first."),
    "demo-chen-an": (
        "Chen An (demo)", "Psychological counsellor",
        "Works with autistic children and their families, and believes every child "
        "grows at their own pace."),
    "demo-wang-muyang": (
        "Wang Muyang (demo)", "Family education adviser",
        "Keeps the evening hours for working parents. Often practises with parents how "
        "to talk well with a teenager."),
    "demo-zhao-yihe": (
        "Zhao Yihe (demo)", "School social worker",
        "Many years as a social worker based in primary and secondary schools; knows "
        "study pressure, friendships and settling in at school."),
    "demo-zhou-ke": (
        "Zhou Ke (demo)", "Special education teacher",
        "A special education background; helps parents understand a child's sensory "
        "needs and make the day more predictable."),
    "demo-xu-jing": (
        "Xu Jing (demo)", "Crisis intervention social worker",
        "Has answered a psychological support helpline for years; helps families steady "
        "themselves in an emergency and find the next source of support."),
}
CREDENTIALS = ("演示资料，非真实资质", "Demo profile, not real qualifications")

WORKSHOPS = {
    "crisis-intervention": ("当孩子说“不想活了”：家长能做的第一步",
                            "When a child says they don't want to live: the first steps",
                            "学习识别危险信号、如何开口询问、怎样陪伴和求助。"
                            "活动中会反复练习，也会介绍身边可以求助的热线和机构。"),
    "positive-life-education": ("发现孩子的闪光点：优势视角亲子工作坊",
                                "Spotting your child's strengths",
                                "用优势视角重新看待孩子，在游戏和分享中练习具体的肯定和鼓励。"),
    "family-relationships": ("好好说话：青春期亲子沟通练习",
                             "Talking with teenagers",
                             "从一次争吵复盘开始，练习倾听、表达感受和一起商量规则。"),
    "emotional-guidance": ("情绪小怪兽：帮孩子认识和安放情绪",
                           "Naming big feelings",
                           "用绘本和小练习帮助孩子说出情绪，家长学习接住情绪的回应方式。"),
    "autism": ("孤独症（自闭症）谱系家庭支持小组",
               "Autistic children and their families: a support group",
               "了解孤独症谱系的基本知识，交流在家里用得上的视觉提示和日程安排方法，"
               "也留出时间让家长们互相支持。"),
}

WORKSHOP_DESCRIPTIONS_EN = {
    "crisis-intervention": "Learn to recognise warning signs, how to ask directly, and how "
                           "to stay with your child and get help. There is plenty of "
                           "practice, and an introduction to the helplines and services "
                           "nearby.",
    "positive-life-education": "Look at your child again through their strengths, and "
                               "practise specific praise and encouragement through games "
                               "and sharing.",
    "family-relationships": "Starting from looking back at one argument, practise "
                            "listening, saying how you feel and agreeing rules together.",
    "emotional-guidance": "Picture books and small exercises help children put feelings "
                          "into words; parents learn ways to respond that hold those "
                          "feelings.",
    "autism": "The basics of the autism spectrum, visual cues and daily schedules that "
              "work at home, and time for parents to support one another.",
}

# Earlier demo titles, renamed in place on a re-seed so the old wording disappears
# (workshops are found by title). "读懂星星的孩子" romanticises autism.
RENAMED_WORKSHOPS = {"读懂星星的孩子：孤独症家庭支持小组": "autism"}

CONCERNS = [
    "孩子最近晚上睡不好，早上不愿意去上学，想听听专业的建议。",
    "和上初中的孩子一说话就吵起来，不知道怎么开口。",
    "孩子被诊断为孤独症谱系障碍，想了解在家里能怎样帮助他。",
    "老人带孩子，我们和老人的教育方式不一样，家里气氛很紧张。",
    "孩子考试前特别焦虑，会肚子疼、哭。",
]

NOTES = [
    "第一次见面，家长很愿意尝试。约定两周内每天固定十分钟陪伴时间，下次回顾。",
    "孩子能说出“紧张”和“生气”的区别了。建议继续使用情绪温度计。",
]


def _d(value: dt.datetime) -> dt.datetime:
    return value.astimezone(STATION_TZ)


# Where the demo takes place: `network.demo` (seeded first, INSTALLED_APPS
# order) creates these points; without them the places stay the texts.
HUB = "station-hub"
READING_BASE = "reading-base"
TYPE_POINTS = {"individual-consultation": HUB, "parent-workshop": HUB}


def _points() -> dict[str, ServicePoint]:
    return {p.slug: p for p in ServicePoint.objects.filter(slug__in=[HUB, READING_BASE])}


def seed(*, scale: int = 1, stdout=None) -> None:
    scale = max(1, int(scale))
    with transaction.atomic():
        _policy()
        points = _points()
        topics = _topics()
        types = _session_types(points)
        counsellors = _counsellors(topics, types, scale, points)
        # The expert pool (seeded before this app) names the demo counsellors.
        link_demo_counsellors()
        _closures(points)
        workshops = _workshops(topics, types["parent-workshop"], counsellors, scale,
                               points)
        families = _families(scale)
        past = _past_bookings(families, counsellors, types, topics, scale)
        upcoming = _upcoming_bookings(families, counsellors, types, topics, workshops, scale)
        # bulk_create and update() send no signals: retire cached slots and feeds.
        bump(caching.STATION)
        bump(caching.FEEDS)
    if stdout:
        stdout.write(
            f"bookings: {len(counsellors)} counsellors, {len(types)} session types, "
            f"{len(workshops)} workshops, {past} past and {upcoming} upcoming demo bookings"
        )


def _policy() -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        BookingPolicy.objects.get_or_create(site=site)


def _topics() -> dict[str, Topic]:
    locale, _ = Locale.objects.get_or_create(language_code="zh-hans")
    topics = {}
    for slug, name in TOPIC_NAMES.items():
        topic = Topic.objects.filter(slug=slug, locale=locale).first()
        if topic is None:
            topic = Topic.objects.create(slug=slug, name=name, locale=locale)
        topics[slug] = topic
    return topics


def _session_types(points) -> dict[str, SessionType]:
    types = {}
    for spec in SESSION_TYPES:
        spec = dict(spec)
        slug = spec.pop("slug")
        spec["point"] = points.get(TYPE_POINTS.get(slug, ""))
        types[slug], _ = SessionType.objects.update_or_create(slug=slug, defaults=spec)
    return types


def _counsellor_user(index: int, copy: int, name: str):
    User = get_user_model()
    if index == 0 and copy == 0:
        email = "counsellor@demo.weiai.cn"
    else:
        email = f"counsellor{index + 1}{'-' + str(copy) if copy else ''}@demo.weiai.cn"
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    if created:
        # Only the first demo counsellor signs in (README); the others are profiles.
        user.set_unusable_password()
        user.save(update_fields=["password"])
    add_role(user, Role.COUNSELLOR)
    return user


def _counsellors(topics, types, scale, points) -> list[Counsellor]:
    result = []
    today = timezone.localdate()
    for copy in range(scale):
        for index, spec in enumerate(COUNSELLORS):
            slug, name, title, bio, specialties, languages, modes, offers, hours, off = spec
            name_en, title_en, bio_en = COUNSELLORS_EN[slug]
            if copy:
                slug = f"{slug}-{copy}"
                name = name.replace("（演示", f" {copy + 1}号（演示")
                name_en = name_en.replace(" (demo", f" {copy + 1} (demo")
            user = _counsellor_user(index, copy, name)
            counsellor, _ = Counsellor.objects.update_or_create(
                slug=slug,
                defaults={"user": user, "display_name": name, "display_name_en": name_en,
                          "title": title, "title_en": title_en, "bio": bio,
                          "bio_en": bio_en, "languages": languages, "modes": modes,
                          "is_active": True, "credentials": CREDENTIALS[0],
                          "credentials_en": CREDENTIALS[1]},
            )
            counsellor.specialties.set([topics[s] for s in specialties])
            for offer in offers:
                types[offer].counsellors.add(counsellor)
            if any(t.slug == "crisis-intervention" for t in counsellor.specialties.all()) or \
                    index in (1, 2, 4):
                types["parent-workshop"].counsellors.add(counsellor)
            AvailabilityRule.objects.filter(counsellor=counsellor).delete()
            AvailabilityRule.objects.bulk_create([
                # Counsellors receive at the hub (online sessions need no place).
                AvailabilityRule(counsellor=counsellor, weekday=w, start_time=s, end_time=e,
                                 point=points.get(HUB))
                for w, s, e in hours
            ])
            TimeOff.objects.filter(counsellor=counsellor).delete()
            TimeOff.objects.bulk_create([
                TimeOff(counsellor=counsellor,
                        start=dt.datetime.combine(today + dt.timedelta(days=start),
                                                  T(0), tzinfo=STATION_TZ),
                        end=dt.datetime.combine(today + dt.timedelta(days=start + length),
                                                T(0), tzinfo=STATION_TZ),
                        reason="年假（演示）")
                for start, length in off
            ])
            AvailabilityException.objects.filter(counsellor=counsellor).delete()
            if index == 0:
                saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 + 7)
                AvailabilityException.objects.create(counsellor=counsellor, date=saturday,
                                                     start_time=T(9), end_time=T(12))
            result.append(counsellor)
    return result


def _closures(points) -> None:
    today = timezone.localdate()
    day = today + dt.timedelta(days=10)
    # The hub's equipment: closed there only; the public holiday closes all.
    StationClosure.objects.update_or_create(
        name="站点设备检修（演示）",
        defaults={"start_date": day, "end_date": day, "point": points.get(HUB)})
    new_year = dt.date(today.year + 1, 1, 1)
    StationClosure.objects.update_or_create(
        name="元旦假期（演示）",
        defaults={"start_date": new_year, "end_date": new_year + dt.timedelta(days=2)})


def _rename_old_workshops() -> None:
    for old, slug in RENAMED_WORKSHOPS.items():
        new = WORKSHOPS[slug][0]
        for workshop in GroupSession.objects.filter(title__startswith=old):
            title = new + workshop.title[len(old):]
            # A session already carrying the new title keeps it; never two alike.
            if not GroupSession.objects.filter(title=title).exists():
                workshop.title = title
                workshop.save(update_fields=["title"])


def _workshops(topics, workshop_type, counsellors, scale, points) -> list[GroupSession]:
    """Two upcoming workshops per theme (times ``scale``), Saturday and weekday
    evenings: the afternoon ones at the hub, the evening ones at the reading
    base (each at the session type's place when the points are missing)."""
    _rename_old_workshops()
    today = timezone.localdate()
    leaders = {slug: [c for c in counsellors
                      if any(t.slug == slug for t in c.specialties.all())]
               for slug in topics}
    result = []
    number = 0
    for copy in range(scale):
        for t_index, (slug, (title, title_en, description)) in enumerate(WORKSHOPS.items()):
            for k in range(2):
                number += 1
                day = today + dt.timedelta(days=3 + (t_index * 3 + k * 11 + copy) % 27)
                start = dt.datetime.combine(day, T(19) if k else T(14, 30),
                                            tzinfo=STATION_TZ)
                suffix = f" · 第{copy * 2 + k + 1}期"
                candidates = leaders[slug] or counsellors
                leader = candidates[(copy + k) % len(candidates)]
                times = {"start": start, "end": start + dt.timedelta(
                    minutes=workshop_type.duration_minutes)}
                fields = {
                    "session_type": workshop_type, "topic": topics[slug],
                    "title_en": title_en + f" · session {copy * 2 + k + 1}",
                    "description": description,
                    "description_en": WORKSHOP_DESCRIPTIONS_EN[slug],
                    "capacity": 12 if (number % 5) else 3, "mode": Mode.IN_PERSON,
                    "point": points.get(READING_BASE if k else HUB),
                    "location": workshop_type.location,
                    "location_en": workshop_type.location_en,
                    "status": GroupSession.Status.SCHEDULED,
                }
                workshop, created = GroupSession.objects.update_or_create(
                    title=title + suffix, defaults=fields,
                    create_defaults={**fields, **times},
                )
                # A rerun weeks later brings past, empty demo workshops forward;
                # workshops with seats keep their time (seats copy it).
                if (not created and workshop.start < timezone.now()
                        and not workshop.seats.exists()):
                    GroupSession.objects.filter(pk=workshop.pk).update(**times)
                workshop.counsellors.set([leader])
                result.append(workshop)
    return result


def _families(scale) -> list:
    User = get_user_model()
    families = list(User.objects.filter(
        email__in=["family@demo.weiai.cn", "family2@demo.weiai.cn"]).order_by("email"))
    for i in range(3, 3 + 4 * (scale - 1)):
        user, created = User.objects.get_or_create(
            email=f"family{i}@demo.weiai.cn", defaults={"display_name": f"演示家庭{i}"})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            add_role(user, Role.FAMILY)
            FamilyProfile.objects.get_or_create(user=user)
        families.append(user)
    return families


def _uid(kind: str, n: int) -> str:
    return f"demo-{kind}-{n}@{settings.CALENDAR_UID_DOMAIN}"


def _past_bookings(families, counsellors, types, topics, scale) -> int:
    """History for the reports: attended, no-show, late and ordinary cancels."""
    if not families:
        return 0
    existing = set(Booking.objects.filter(calendar_uid__startswith="demo-past-")
                   .values_list("calendar_uid", flat=True))
    today = timezone.localdate()
    statuses = [Booking.Status.ATTENDED] * 6 + [
        Booking.Status.NO_SHOW, Booking.Status.LATE_CANCELLED, Booking.Status.CANCELLED]
    topic_list = list(topics.values())
    individual = [types["individual-consultation"], types["phone-check-in"]]
    # One past session per counsellor per day, never on a day already used, so
    # reruns at another scale or on another day cannot overlap (PostgreSQL's
    # exclusion constraint would refuse it).
    used = {
        (cid, start.astimezone(STATION_TZ).date())
        for cid, start in Booking.objects.filter(
            counsellor__in=counsellors, start__lt=timezone.now(),
            group_session__isnull=True,
        ).values_list("counsellor_id", "start")
    }
    hours: dict[int, dict[int, dt.time]] = {}
    for cid, weekday, start_time in AvailabilityRule.objects.filter(
            counsellor__in=counsellors).order_by("-start_time").values_list(
            "counsellor_id", "weekday", "start_time"):
        hours.setdefault(cid, {})[weekday] = start_time  # the day's first opening
    new = []
    total = 24 * scale
    for n in range(total):
        uid = _uid("past", n)
        if uid in existing:
            continue
        counsellor = counsellors[n % len(counsellors)]
        session_type = individual[n % 2] if Mode.PHONE in counsellor.modes else individual[0]
        # On a day and at an hour the counsellor works.
        opening = hours.get(counsellor.pk) or {d: T(10) for d in range(7)}
        day = today - dt.timedelta(days=3 + n // len(counsellors))
        while (counsellor.pk, day) in used or day.weekday() not in opening:
            day -= dt.timedelta(days=1)
        used.add((counsellor.pk, day))
        start = dt.datetime.combine(day, opening[day.weekday()], tzinfo=STATION_TZ)
        end = start + dt.timedelta(minutes=session_type.duration_minutes)
        status = statuses[n % len(statuses)]
        new.append(Booking(
            family=families[n % len(families)], counsellor=counsellor,
            session_type=session_type, topic=topic_list[n % len(topic_list)],
            start=start, end=end,
            blocks_until=end + dt.timedelta(minutes=session_type.buffer_after_minutes),
            mode=session_type.modes[0], status=status,
            concern=CONCERNS[n % len(CONCERNS)], intake_answers={"risk": {}},
            calendar_uid=uid, reminder_sent_at=start - dt.timedelta(hours=24),
            cancelled_at=(start - dt.timedelta(hours=3 if status == "late_cancelled" else 72)
                          if status in ("cancelled", "late_cancelled") else None),
            is_late_change=status == Booking.Status.LATE_CANCELLED,
        ))
    created = Booking.objects.bulk_create(new)
    # Backdate creation so lead times in the reports look like real ones.
    for booking in created:
        Booking.objects.filter(pk=booking.pk).update(
            created_at=booking.start - dt.timedelta(days=2 + booking.pk % 12))
    notes = [
        SessionNote(booking=b, author=b.counsellor.user, body=NOTES[i % len(NOTES)])
        for i, b in enumerate(created[:6]) if b.status == Booking.Status.ATTENDED
    ]
    SessionNote.objects.bulk_create(notes)
    return Booking.objects.filter(calendar_uid__startswith="demo-past-").count()


def _demo_screen(urgent: bool) -> dict:
    """The current risk screen: all "no", or a guardian unsure about one item."""
    answers = dict.fromkeys(intake.RISK_KEYS, intake.NO)
    if urgent:
        answers["child_wish_dead"] = intake.UNSURE
    return {"screen": intake.SCREEN_VERSION, "risk": answers}


def _upcoming_bookings(families, counsellors, types, topics, workshops, scale) -> int:
    """Some confirmed sessions ahead (one urgent for the coordinators' queue)
    and a few workshop seats, placed on real free slots."""
    if not families:
        return 0
    existing = set(Booking.objects.filter(calendar_uid__startswith="demo-next-")
                   .values_list("calendar_uid", flat=True))
    individual = types["individual-consultation"]
    today = timezone.localdate()
    # Few enough that the demo families can still book (policy: three active).
    wanted = 2 * scale
    topic_list = list(topics.values())
    offering = [c for c in counsellors if c in individual.counsellors.all()]
    slots = selectors.free_slots_for_counsellors(
        counsellors=offering, session_type=individual,
        start_date=today + dt.timedelta(days=2), end_date=today + dt.timedelta(days=16))
    created = 0
    for n in range(wanted):
        uid = _uid("next", n)
        if uid in existing:
            continue
        counsellor = offering[n % len(offering)]
        free = slots.get(counsellor.pk) or []
        if not free:
            continue
        slot = free.pop(len(free) // 2)
        # Keep the slot's hold clear of the next candidate on later iterations.
        slots[counsellor.pk] = [
            s for s in free
            if s.start >= slot.end + dt.timedelta(minutes=individual.buffer_after_minutes)
            or s.end + dt.timedelta(minutes=individual.buffer_after_minutes) <= slot.start
        ]
        urgent = n == 1
        Booking.objects.create(
            family=families[n % len(families)], counsellor=counsellor,
            session_type=individual, topic=topic_list[n % len(topic_list)],
            start=slot.start, end=slot.end,
            blocks_until=slot.end + dt.timedelta(minutes=individual.buffer_after_minutes),
            mode=counsellor.modes[0] if counsellor.modes[0] in individual.modes
            else individual.modes[0],
            concern=CONCERNS[n % len(CONCERNS)],
            intake_answers=_demo_screen(urgent), is_urgent=urgent, calendar_uid=uid,
        )
        created += 1
    # The demo family holds a seat in the first workshop.
    first = families[0]
    if workshops and not workshops[0].seats.filter(family=first).exists():
        workshop = workshops[0]
        Booking.objects.create(
            family=first, counsellor=workshop.counsellors.first(),
            session_type=workshop.session_type, group_session=workshop,
            topic=workshop.topic, start=workshop.start, end=workshop.end,
            blocks_until=workshop.end, mode=workshop.mode,
        )
    return Booking.objects.filter(calendar_uid__startswith="demo-next-").count()
