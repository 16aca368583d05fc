"""Demo data for the service network: the hub, a children's home in each of
21 neighbourhoods, and three special sites, with weekly hours; the expert
pool at the sizes of the station's own description (43 growth experts, 23
growth specialists, 12 growth advisers, 5 partner social organisations, 6
pro-bono lawyers, 16 social workers) beside the six demo counsellors, and
the partner organisations they belong to.

Every name, road and number here is invented (roads and neighbourhoods that
read as Shanghai ones would; phone numbers in the 021-5555 demo range the
portal's demo uses). Idempotent: rows are found by slug and updated, weekly
hours rewritten. ``scale`` changes nothing: a subdistrict has one network.
Every expert is an invented person labelled （演示）, with contact details
in the demo ranges (021-5555-…, @demo.weiai.cn).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.db import transaction
from django.utils import timezone

from courses.models import Topic
from network.models import Expert, Neighbourhood, OpeningHours, Partner, ServicePoint

# (slug, 中文, English, invented road, road in English)
NEIGHBOURHOODS = [
    ("wutongli", "梧桐里", "Wutongli", "澄樾路", "Chengyue Road"),
    ("xiangzhangyuan", "香樟苑", "Xiangzhang Garden", "汀兰路", "Tinglan Road"),
    ("yulanfang", "玉兰坊", "Yulanfang", "絮梧路", "Xuwu Road"),
    ("yinxingli", "银杏里", "Yinxingli", "澄樾路", "Chengyue Road"),
    ("haitang", "海棠新村", "Haitang New Village", "鹭溪路", "Luxi Road"),
    ("ziteng", "紫藤苑", "Ziteng Garden", "栖樾北路", "North Qiyue Road"),
    ("fenglinli", "枫林里", "Fenglinli", "汀兰路", "Tinglan Road"),
    ("guihuafang", "桂花坊", "Guihuafang", "沁泽路", "Qinze Road"),
    ("yinghua", "樱花苑", "Yinghua Garden", "鹭溪路", "Luxi Road"),
    ("songbai", "松柏新村", "Songbai New Village", "絮梧路", "Xuwu Road"),
    ("cuizhuli", "翠竹里", "Cuizhuli", "沁泽路", "Qinze Road"),
    ("furong", "芙蓉苑", "Furong Garden", "澄樾路", "Chengyue Road"),
    ("dingxiangfang", "丁香坊", "Dingxiangfang", "栖樾北路", "North Qiyue Road"),
    ("shiliuli", "石榴里", "Shiliuli", "汀兰路", "Tinglan Road"),
    ("qingfeng", "青枫新村", "Qingfeng New Village", "鹭溪路", "Luxi Road"),
    ("yangliu", "杨柳苑", "Yangliu Garden", "沁泽路", "Qinze Road"),
    ("hehuanli", "合欢里", "Hehuanli", "絮梧路", "Xuwu Road"),
    ("mujinfang", "木槿坊", "Mujinfang", "栖樾北路", "North Qiyue Road"),
    ("moli", "茉莉苑", "Moli Garden", "澄樾路", "Chengyue Road"),
    ("meiyuan", "梅园新村", "Meiyuan New Village", "鹭溪路", "Luxi Road"),
    ("lanxinli", "兰馨里", "Lanxinli", "汀兰路", "Tinglan Road"),
]

WEEKDAY_AFTERNOONS = [(day, dt.time(15, 0), dt.time(19, 0)) for day in range(5)]
SATURDAY_MORNING = [(5, dt.time(9, 0), dt.time(12, 0))]
OFFICE_HOURS = [
    (day, opens, closes)
    for day in range(5)
    for opens, closes in (
        (dt.time(9, 0), dt.time(12, 0)),
        (dt.time(13, 30), dt.time(17, 30)),
    )
]
EVERY_DAY = [(day, dt.time(0, 0), dt.time(23, 59)) for day in range(7)]
WEEKEND_READING = [
    (day, opens, closes)
    for day in (2, 4, 5, 6)
    for opens, closes in (
        (dt.time(9, 30), dt.time(11, 30)),
        (dt.time(14, 0), dt.time(17, 0)),
    )
]

STEP_FREE = "入口无台阶，有无障碍卫生间；可提前来电预留停车位。"
STEP_FREE_EN = "Step-free entrance and an accessible toilet; call ahead to reserve a parking space."


def _map(address: str) -> str:
    # A plain search link on a mainland map service: nothing is loaded by the site.
    return f"https://uri.amap.com/search?keyword={quote(address)}"


def _hub() -> dict:
    return {
        "slug": "station-hub",
        "kind": ServicePoint.Kind.HUB,
        "name": "未保站总部（社区服务中心）",
        "name_en": "Station hub (community service centre)",
        "neighbourhood": None,
        "address": "上海市澄樾路 268 号 社区服务中心 3 楼",
        "address_en": "3F, Community Service Centre, 268 Chengyue Road, Shanghai",
        "directions": "地铁站 2 号口出，沿澄樾路向东步行约 5 分钟；服务中心大门进去乘电梯到 3 楼，左手第一间。",
        "directions_en": (
            "From exit 2 of the metro station, walk east along Chengyue Road for about "
            "five minutes; take the lift in the service centre to the 3rd floor, first "
            "door on the left."
        ),
        "accessibility": "大门有坡道，电梯可达 3 楼；有无障碍卫生间和母婴室。",
        "accessibility_en": (
            "Ramp at the main door, lift to the 3rd floor; accessible toilet and a "
            "baby-care room."
        ),
        "phone": "021-5555-0100",
        "hours": OFFICE_HOURS + SATURDAY_MORNING,
    }


def _homes() -> list[dict]:
    homes = []
    for number, (slug, name, name_en, road, road_en) in enumerate(NEIGHBOURHOODS, 1):
        lane = 100 + number * 37
        homes.append(
            {
                "slug": f"home-{slug}",
                "kind": ServicePoint.Kind.HOME,
                "name": f"{name}社区儿童之家",
                "name_en": f"{name_en} Children's Home",
                "neighbourhood": slug,
                "address": f"上海市{road} {lane} 弄 {name}居委会 1 楼",
                "address_en": (
                    f"1F, {name_en} Residents' Committee, Lane {lane}, {road_en}, Shanghai"
                ),
                "directions": f"从{road}进{lane}弄，居委会在小区门口右手边，门口有“儿童之家”牌子。",
                "directions_en": (
                    f"Enter Lane {lane} from {road_en}; the residents' committee is on the "
                    "right just inside the gate, with a \u201cChildren's Home\u201d sign."
                ),
                "accessibility": STEP_FREE
                if number % 3
                else "入口有三级台阶，无坡道；工作人员可协助。",
                "accessibility_en": (
                    STEP_FREE_EN
                    if number % 3
                    else "Three steps at the entrance, no ramp; staff will help."
                ),
                "phone": f"021-5555-02{number:02d}",
                "hours": WEEKDAY_AFTERNOONS + SATURDAY_MORNING,
            }
        )
    return homes


def _special_sites() -> list[dict]:
    return [
        {
            "slug": "tongxin-care-point",
            "kind": ServicePoint.Kind.SPECIAL,
            "name": "童心驿站（困境儿童临时照护点）",
            "name_en": "Tongxin Stop (temporary care point for children in difficulty)",
            "neighbourhood": "haitang",
            "address": "上海市鹭溪路 415 号",
            "address_en": "415 Luxi Road, Shanghai",
            "directions": "鹭溪路与沁泽路路口向北 100 米，蓝色门头。夜间请按门铃。",
            "directions_en": (
                "100 metres north of the Luxi Road and Qinze Road crossing, blue shop "
                "front. At night, ring the bell."
            ),
            "accessibility": STEP_FREE,
            "accessibility_en": STEP_FREE_EN,
            "phone": "021-5555-0301",
            "hours": EVERY_DAY,
        },
        {
            "slug": "reading-base",
            "kind": ServicePoint.Kind.SPECIAL,
            "name": "亲子阅读基地",
            "name_en": "Parent–child reading base",
            "neighbourhood": "guihuafang",
            "address": "上海市沁泽路 88 号 社区文化活动中心 2 楼",
            "address_en": "2F, Community Cultural Centre, 88 Qinze Road, Shanghai",
            "directions": "文化活动中心正门进入，楼梯或电梯到 2 楼，图书室旁。",
            "directions_en": (
                "Main door of the cultural centre, stairs or lift to the 2nd floor, next "
                "to the library."
            ),
            "accessibility": "电梯可达；阅读区有低矮书架和轮椅通道。",
            "accessibility_en": "Lift access; low shelves and wheelchair space in the reading area.",
            "phone": "021-5555-0302",
            "hours": WEEKEND_READING,
        },
        {
            "slug": "minors-emergency-centre",
            "kind": ServicePoint.Kind.SPECIAL,
            "name": "未成年人应急处置中心",
            "name_en": "Emergency response centre for minors",
            "neighbourhood": None,
            "address": "上海市栖樾北路 52 号",
            "address_en": "52 North Qiyue Road, Shanghai",
            "directions": "栖樾北路派出所东侧院内，门卫处登记后进入。紧急情况请直接拨打 110。",
            "directions_en": (
                "In the courtyard east of the North Qiyue Road police station; sign in "
                "at the gate. In an emergency, call 110 at once."
            ),
            "accessibility": STEP_FREE,
            "accessibility_en": STEP_FREE_EN,
            "phone": "021-5555-0303",
            "hours": EVERY_DAY,
        },
    ]


# --- the expert pool ------------------------------------------------------------------

# The pool's sizes by role (the station's own figures; counsellors come from
# the bookings demo, one expert record each).
POOL_SIZES = {
    Expert.Role.GROWTH_EXPERT: 43,
    Expert.Role.GROWTH_SPECIALIST: 23,
    Expert.Role.GROWTH_ADVISER: 12,
    Expert.Role.SOCIAL_ORGANISATION: 5,
    Expert.Role.LAWYER: 6,
    Expert.Role.SOCIAL_WORKER: 16,
}

# (中文, pinyin): invented combinations, labelled （演示）.
SURNAMES = [
    ("林", "Lin"),
    ("陈", "Chen"),
    ("王", "Wang"),
    ("赵", "Zhao"),
    ("周", "Zhou"),
    ("许", "Xu"),
    ("沈", "Shen"),
    ("顾", "Gu"),
    ("陆", "Lu"),
    ("吴", "Wu"),
    ("朱", "Zhu"),
    ("蒋", "Jiang"),
    ("钱", "Qian"),
    ("孙", "Sun"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("胡", "Hu"),
    ("郑", "Zheng"),
    ("何", "He"),
    ("宋", "Song"),
]
GIVEN_NAMES = [
    ("语桐", "Yutong"),
    ("思源", "Siyuan"),
    ("亦舟", "Yizhou"),
    ("若溪", "Ruoxi"),
    ("景行", "Jingxing"),
    ("知秋", "Zhiqiu"),
    ("安然", "Anran"),
    ("晨曦", "Chenxi"),
    ("一帆", "Yifan"),
    ("书瑶", "Shuyao"),
    ("明远", "Mingyuan"),
    ("欣怡", "Xinyi"),
    ("子墨", "Zimo"),
    ("嘉禾", "Jiahe"),
    ("清和", "Qinghe"),
    ("以宁", "Yining"),
    ("牧之", "Muzhi"),
    ("星澜", "Xinglan"),
    ("沐晴", "Muqing"),
    ("怀瑾", "Huaijin"),
]

# (name, English, kind): invented organisations.
PARTNERS = [
    (
        "澄樾区人民检察院未成年人检察科（演示）",
        "Chengyue District Procuratorate, juvenile section (demo)",
        Partner.Kind.PROCURATORATE,
    ),
    (
        "澄樾路第一小学（演示）",
        "Chengyue Road No. 1 Primary School (demo)",
        Partner.Kind.SCHOOL,
    ),
    ("汀兰中学（演示）", "Tinglan Middle School (demo)", Partner.Kind.SCHOOL),
    (
        "鹭溪社区卫生服务中心（演示）",
        "Luxi Community Health Centre (demo)",
        Partner.Kind.CLINIC,
    ),
    (
        "沁泽儿童心理门诊（演示）",
        "Qinze Children's Psychology Clinic (demo)",
        Partner.Kind.CLINIC,
    ),
    ("絮梧律师事务所（演示）", "Xuwu Law Firm (demo)", Partner.Kind.LAW_FIRM),
    ("栖樾律师事务所（演示）", "Qiyue Law Firm (demo)", Partner.Kind.LAW_FIRM),
    (
        "梧桐里居民委员会（演示）",
        "Wutongli Residents' Committee (demo)",
        Partner.Kind.COMMUNITY_COMMITTEE,
    ),
    (
        "向阳青少年社工服务社（演示）",
        "Xiangyang Youth Social Work Agency (demo)",
        Partner.Kind.SOCIAL_ORGANISATION,
    ),
    (
        "伴行家庭支持中心（演示）",
        "Banxing Family Support Centre (demo)",
        Partner.Kind.SOCIAL_ORGANISATION,
    ),
    (
        "星语自闭症家庭互助会（演示）",
        "Xingyu Autism Family Mutual Aid (demo)",
        Partner.Kind.SOCIAL_ORGANISATION,
    ),
    (
        "晴空心理援助社（演示）",
        "Qingkong Psychological Aid Society (demo)",
        Partner.Kind.SOCIAL_ORGANISATION,
    ),
    (
        "绿芽生命教育促进会（演示）",
        "Lüya Life Education Association (demo)",
        Partner.Kind.SOCIAL_ORGANISATION,
    ),
]
SOCIAL_ORGANISATIONS = [p for p in PARTNERS if p[2] == Partner.Kind.SOCIAL_ORGANISATION]
LAW_FIRMS = [p for p in PARTNERS if p[2] == Partner.Kind.LAW_FIRM]
# Where the other roles come from, in turn.
HOME_ORGANISATIONS = {
    Expert.Role.GROWTH_EXPERT: [
        PARTNERS[1],
        PARTNERS[2],
        PARTNERS[3],
        PARTNERS[4],
        None,
    ],
    Expert.Role.GROWTH_SPECIALIST: [PARTNERS[7], None],
    Expert.Role.GROWTH_ADVISER: [PARTNERS[0], PARTNERS[1], None],
    Expert.Role.SOCIAL_WORKER: SOCIAL_ORGANISATIONS,
}

CREDENTIALS = {
    Expert.Role.GROWTH_EXPERT: (
        "家庭教育指导师证书",
        "Family education instructor certificate",
    ),
    Expert.Role.GROWTH_SPECIALIST: (
        "未成年人保护专员培训合格证",
        "Minor-protection officer training certificate",
    ),
    Expert.Role.GROWTH_ADVISER: (
        "心理健康教育教师资格",
        "Mental-health education teacher qualification",
    ),
    Expert.Role.SOCIAL_ORGANISATION: (
        "社会组织登记证书",
        "Social organisation registration certificate",
    ),
    Expert.Role.LAWYER: ("律师执业证", "Lawyer's practising licence"),
    Expert.Role.SOCIAL_WORKER: (
        "中级社会工作者职业资格",
        "Intermediate social worker qualification",
    ),
    Expert.Role.COUNSELLOR: (
        "心理咨询从业培训合格证",
        "Counselling practice training certificate",
    ),
}

TOPIC_SLUGS = [
    "crisis-intervention",
    "positive-life-education",
    "family-relationships",
    "emotional-guidance",
    "autism",
]
LANGUAGE_SETS = [
    ["zh-hans"],
    ["zh-hans", "wuu"],
    ["zh-hans", "en"],
    ["zh-hans"],
    ["zh-hans", "wuu"],
    ["zh-hans", "yue"],
    ["zh-hans", "csl"],
]
# Every n-th expert of the pool holds a lapsed credential (the directory
# says so; such experts cannot be assigned).
EXPIRED_EVERY = 17

# The bookings demo's counsellors (slug, name, English name), one expert each.
DEMO_COUNSELLORS = [
    ("demo-lin-xiao", "林晓（演示咨询师）", "Lin Xiao (demo counsellor)"),
    ("demo-chen-an", "陈安（演示）", "Chen An (demo)"),
    ("demo-wang-muyang", "王沐阳（演示）", "Wang Muyang (demo)"),
    ("demo-zhao-yihe", "赵一禾（演示）", "Zhao Yihe (demo)"),
    ("demo-zhou-ke", "周可（演示）", "Zhou Ke (demo)"),
    ("demo-xu-jing", "许静（演示）", "Xu Jing (demo)"),
]


def _person(index: int) -> tuple[str, str]:
    # Distinct for the first 400 indices: the given name moves on by one
    # for each round of surnames.
    surname, surname_en = SURNAMES[index % len(SURNAMES)]
    given, given_en = GIVEN_NAMES[(index + index // len(SURNAMES)) % len(GIVEN_NAMES)]
    return f"{surname}{given}（演示）", f"{surname_en} {given_en} (demo)"


def _pool_specs() -> list[dict]:
    specs = []
    index = 0
    for role, size in POOL_SIZES.items():
        for number in range(size):
            if role == Expert.Role.SOCIAL_ORGANISATION:
                name, name_en, _kind = SOCIAL_ORGANISATIONS[number]
                organisation = name
            else:
                name, name_en = _person(index)
                if role == Expert.Role.LAWYER:
                    home = LAW_FIRMS[number % len(LAW_FIRMS)]
                else:
                    homes = HOME_ORGANISATIONS[role]
                    home = homes[number % len(homes)]
                organisation = home[0] if home else None
            specs.append(
                {
                    "slug": f"demo-{role.replace('_', '-')}-{number + 1:02d}",
                    "role": role,
                    "name": name,
                    "name_en": name_en,
                    "organisation": organisation,
                    "index": index,
                }
            )
            index += 1
    for number, (slug, name, name_en) in enumerate(DEMO_COUNSELLORS):
        specs.append(
            {
                "slug": f"expert-{slug}",
                "role": Expert.Role.COUNSELLOR,
                "name": name,
                "name_en": name_en,
                "organisation": None,
                "index": index + number,
                "counsellor": slug,
            }
        )
    return specs


def _seed_partners(today: dt.date) -> dict[str, Partner]:
    partners = {}
    for number, (name, name_en, kind) in enumerate(PARTNERS):
        partners[name], _ = Partner.objects.update_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "kind": kind,
                "contact": f"联络人（演示） 021-5555-04{number:02d}",
                # One agreement lapsed last month, the rest run two years.
                "agreement_ends": today
                + dt.timedelta(days=-30 if number == 6 else 730),
            },
        )
    return partners


def _seed_pool(points: list[ServicePoint]) -> int:
    today = timezone.localdate()
    partners = _seed_partners(today)
    topics = {
        t.slug: t
        for t in Topic.objects.filter(
            locale__language_code="zh-hans", slug__in=TOPIC_SLUGS
        )
    }
    hub = next(p for p in points if p.kind == ServicePoint.Kind.HUB)
    specs = _pool_specs()
    for spec in specs:
        index = spec.pop("index")
        counsellor = spec.pop("counsellor", None)
        role = spec["role"]
        credential, credential_en = CREDENTIALS[role]
        expired = counsellor is None and index % EXPIRED_EVERY == EXPIRED_EVERY - 1
        organisation = spec.pop("organisation")
        expert, _ = Expert.objects.update_or_create(
            slug=spec.pop("slug"),
            defaults={
                **spec,
                "organisation": partners[organisation] if organisation else None,
                "languages": LANGUAGE_SETS[index % len(LANGUAGE_SETS)],
                "credential": credential,
                "credential_en": credential_en,
                "credential_expires": today
                + dt.timedelta(days=-20 - index if expired else 365 + 10 * index),
                "phone": f"021-5555-{1000 + index:04d}",
                "email": f"expert{index + 1}@demo.weiai.cn",
                "is_active": True,
            },
        )
        expert.topics.set(
            [
                topics[slug]
                for slug in (
                    TOPIC_SLUGS[index % 5],
                    TOPIC_SLUGS[(index * 3 + 1) % 5],
                )
                if slug in topics
            ]
        )
        # Each serves one point in turn; every third also the hub.
        served = {points[index % len(points)]}
        if index % 3 == 0:
            served.add(hub)
        expert.points.set(served)
    link_demo_counsellors()
    return len(specs)


def link_demo_counsellors() -> int:
    """Link the demo counsellors' expert records to the bookings demo's
    counsellors, where those exist (the bookings demo runs after this one:
    it may call this at its end). Returns the number linked."""
    # The counsellor model through the expert's own relation: this app names
    # no bookings module.
    counsellors = Expert.counsellor.field.related_model.objects.filter(
        slug__in=[slug for slug, _name, _en in DEMO_COUNSELLORS]
    )
    linked = 0
    for counsellor in counsellors:
        linked += Expert.objects.filter(slug=f"expert-{counsellor.slug}").update(
            counsellor=counsellor
        )
    return linked


def seed(*, scale: int = 1, stdout=None) -> None:
    with transaction.atomic():
        neighbourhoods = {}
        for slug, name, name_en, _road, _road_en in NEIGHBOURHOODS:
            neighbourhoods[slug], _ = Neighbourhood.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en}
            )
        points = [_hub(), *_homes(), *_special_sites()]
        saved = []
        for spec in points:
            spec = dict(spec)
            hours = spec.pop("hours")
            slug = spec.pop("slug")
            where = spec.pop("neighbourhood")
            spec["neighbourhood"] = neighbourhoods[where] if where else None
            spec["map_url"] = _map(spec["address"])
            spec["is_active"] = True
            point, _ = ServicePoint.objects.update_or_create(slug=slug, defaults=spec)
            point.full_clean()
            point.hours.all().delete()
            for weekday, opens, closes in hours:
                OpeningHours.objects.create(
                    point=point, weekday=weekday, opens=opens, closes=closes
                )
            saved.append(point)
        experts = _seed_pool(saved)
    if stdout:
        stdout.write(
            f"network: {len(neighbourhoods)} neighbourhoods, {len(points)} service "
            f"points, {experts} experts"
        )
