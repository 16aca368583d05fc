"""Demo data for the service network: the hub, a children's home in each of
21 neighbourhoods, and three special sites, with weekly hours.

Every name, road and number here is invented (roads and neighbourhoods that
read as Shanghai ones would; phone numbers in the 021-5555 demo range the
portal's demo uses). Idempotent: rows are found by slug and updated, weekly
hours rewritten. ``scale`` changes nothing: a subdistrict has one network.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.db import transaction

from network.models import Neighbourhood, OpeningHours, ServicePoint

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


def seed(*, scale: int = 1, stdout=None) -> None:
    with transaction.atomic():
        neighbourhoods = {}
        for slug, name, name_en, _road, _road_en in NEIGHBOURHOODS:
            neighbourhoods[slug], _ = Neighbourhood.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en}
            )
        points = [_hub(), *_homes(), *_special_sites()]
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
    if stdout:
        stdout.write(
            f"network: {len(neighbourhoods)} neighbourhoods, {len(points)} service points"
        )
