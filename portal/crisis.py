"""Crisis resources: the lines every page and email must carry.

Every number is shown with its hours. Where a text says "call now" (the
banner, the email footers, the crisis panels) only 24-hour lines are listed
(`immediate_lines`), the emergency numbers 120 and 110 first; lines with
limited hours are listed apart, with their hours (`other_lines`).
"""

from dataclasses import dataclass

from django.core.cache import cache

from portal import cache as caching

CACHE_KEY = "portal:crisis-lines:v2"
# The generation that every change of the crisis lines or SiteSettings
# retires (portal.signals); both caches here are kept under it.
GENERATION = "portal:crisis:gen"
# The lines last read, kept apart for the hour the database may be away.
LAST_KNOWN_KEY = "portal:crisis-lines:last-known"
SECONDS = 60 * 60


def keyed(key: str, generation: int | None = None) -> str:
    """`key` under the current (or the given) generation."""
    generation = caching.read(GENERATION) if generation is None else generation
    return f"{key}:{generation}"

# Ambulance and police: first wherever a life may be in danger.
EMERGENCY_NUMBERS = ("120", "110")


@dataclass(frozen=True)
class Line:
    name: str
    name_en: str
    number: str
    hours: str
    hours_en: str
    is_24h: bool = False

    @property
    def is_emergency(self) -> bool:
        return self.number.strip() in EMERGENCY_NUMBERS

    @property
    def tel(self) -> str:
        return "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


# Used when the database is unreachable, and as the seed for SiteSettings.
DEFAULT_LINES = (
    Line("全国统一心理援助热线", "National unified psychological assistance line", "12356",
         "24小时", "24 hours", True),
    Line("上海市心理热线", "Shanghai mental-health hotline", "962525",
         "24小时", "24 hours", True),
    Line("青少年服务台", "Youth helpline", "12355", "工作日 9:00–17:00",
         "Weekdays 9:00–17:00", False),
    Line("报警", "Police", "110", "24小时", "24 hours", True),
    Line("急救", "Ambulance", "120", "24小时", "24 hours", True),
)


def fallback_crisis_lines() -> tuple[Line, ...]:
    """The last known lines from the cache, else the built-in defaults."""
    try:
        cached = cache.get(LAST_KNOWN_KEY)
    except Exception:  # noqa: BLE001 - the cache may be down with the database
        cached = None
    return tuple(cached) if cached else DEFAULT_LINES


def crisis_lines(site=None) -> tuple[Line, ...]:
    """The lines configured in SiteSettings, cached; defaults if none set."""
    key = keyed(CACHE_KEY)
    cached = cache.get(key)
    if cached:
        return tuple(cached)
    from wagtail.models import Site

    from portal.models import CrisisLine

    site = site or Site.objects.filter(is_default_site=True).first()
    lines = ()
    if site is not None:
        lines = tuple(
            Line(c.name, c.name_en, c.number, c.hours, c.hours_en, c.is_24h)
            for c in CrisisLine.objects.filter(setting__site=site).order_by("sort_order")
        )
    lines = lines or DEFAULT_LINES
    cache.set_many({key: list(lines), LAST_KNOWN_KEY: list(lines)}, SECONDS)
    return lines


def immediate_lines(lines=None) -> tuple[Line, ...]:
    """The 24-hour lines, 120 and 110 first (then in their configured order)."""
    lines = crisis_lines() if lines is None else lines
    emergency = sorted((ln for ln in lines if ln.is_24h and ln.is_emergency),
                       key=lambda ln: EMERGENCY_NUMBERS.index(ln.number.strip()))
    return (*emergency, *(ln for ln in lines if ln.is_24h and not ln.is_emergency))


def hotlines_24h(lines=None) -> tuple[Line, ...]:
    """The 24-hour lines other than 120 and 110 (listed after them)."""
    return tuple(ln for ln in immediate_lines(lines) if not ln.is_emergency)


def other_lines(lines=None) -> tuple[Line, ...]:
    """Lines with limited hours: never under "call now", always with their hours."""
    lines = crisis_lines() if lines is None else lines
    return tuple(ln for ln in lines if not ln.is_24h)


STATION_KEY = "portal:station-details:v2"
STATION_FIELDS = ("station_name", "station_name_en", "station_address",
                  "station_address_en", "opening_hours", "opening_hours_en",
                  "station_phone", "station_email")


def station_details() -> dict[str, str]:
    """The station's name and contact from SiteSettings, for the footer of every page.

    Cached beside the crisis lines under their generation (retired whenever
    SiteSettings is saved): the shell asks on every request.
    """
    key = keyed(STATION_KEY)
    cached = cache.get(key)
    if cached is not None:
        return cached
    from portal.models import SiteSettings

    row = (SiteSettings.objects.filter(site__is_default_site=True)
           .values(*STATION_FIELDS).first())
    details = row or dict.fromkeys(STATION_FIELDS, "")
    cache.set(key, details, SECONDS)
    return details


def as_text(lines=None, *, language: str = "zh-hans") -> str:
    """Plain-text block for emails and calendar descriptions."""
    lines = lines or crisis_lines()
    now, later = immediate_lines(lines), other_lines(lines)
    if language.startswith("en"):
        head = "If you or your child are in danger or thinking of self-harm, call now:"
        rows = [f"{ln.name_en or ln.name}: {ln.number} ({ln.hours_en or ln.hours})"
                for ln in now]
        if later:
            rows.append("Other support (not around the clock):")
            rows += [f"{ln.name_en or ln.name}: {ln.number} ({ln.hours_en or ln.hours})"
                     for ln in later]
    else:
        head = "如果你或孩子此刻有危险或想伤害自己，请立即拨打（24小时）："
        rows = [f"{ln.name}：{ln.number}（{ln.hours}）" for ln in now]
        if later:
            rows.append("其他求助渠道（非24小时）：")
            rows += [f"{ln.name}：{ln.number}（{ln.hours}）" for ln in later]
    return "\n".join([head, *rows])


def invalidate() -> None:
    """Retire the cached lines and contact (for writes that send no signal)."""
    caching.bump(GENERATION)
