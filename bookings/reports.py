"""Programme reports for coordinators, their bar charts and CSV export.

Every report is a fixed number of queries whatever the data size: rows are
grouped and counted in the database, and the pages show one page of each
table (`*_rows` return QuerySets of `values()` rows that a Paginator pages;
`*_row` turns one of them into what the table and the CSV show).

Rows carry stored names in both languages (``topic``/``topic_en``,
``counsellor``/``counsellor_en``, ``title``/``title_en``) and months as dates;
the page, the charts and the CSV pick the language with `portal.languages`
and format months with the active language's ``YEAR_MONTH_FORMAT``.
"""

import csv
import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncMonth
from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models import Booking, Counsellor, GroupSession, WaitlistEntry
from courses.models import Topic
from portal import languages
from portal.timezones import STATION_TZ

# Cells starting with these are formulas to Excel, LibreOffice and Sheets
# (CSV injection, OWASP); tab and carriage return can smuggle one in too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

NO_TOPIC = _("未选主题")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def start_dt(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min,
                                   tzinfo=timezone.get_default_timezone())

    @property
    def end_dt(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min,
                                   tzinfo=timezone.get_default_timezone())


def default_period(today: dt.date | None = None) -> Period:
    """The last six calendar months up to the end of the current month."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _month in range(5):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return Period(first, next_month - dt.timedelta(days=1))


def _in_period(period: Period):
    return Booking.objects.filter(start__gte=period.start_dt, start__lt=period.end_dt)


def _english_topic_name(translation_key: str) -> Subquery:
    # A topic's English is its translation in the "en" locale, another row.
    return Subquery(
        Topic.objects.filter(locale__language_code="en",
                             translation_key=OuterRef(translation_key))
        .values("name")[:1],
        output_field=CharField())


def _with_topic_name(qs):
    """Both names of the booking's topic, or of its workshop's."""
    return qs.annotate(
        topic_name=Coalesce("topic__name", "group_session__topic__name"),
        topic_name_en=Coalesce(_english_topic_name("topic__translation_key"),
                               _english_topic_name("group_session__topic__translation_key")),
    )


def _local_month(value) -> dt.date:
    """A month from `TruncMonth`: a datetime on PostgreSQL, a date on SQLite."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, STATION_TZ).date()
    return value


def month_label(month: dt.date) -> str:
    """"2027年3月" on Chinese pages, "March 2027" on English ones."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def topic_label(row: dict, language: str | None = None) -> tuple[str, bool]:
    """`languages.pick` of a row's topic: (text, is Chinese on an English page);
    a booking with no topic reads 未选主题 in the language."""
    if not row["topic"]:
        return str(NO_TOPIC), False
    return languages.pick(row, "topic", language)


# Bookings with no topic last, on SQLite as on PostgreSQL (which differ on NULL).
_TOPIC_ORDER = F("topic_name").asc(nulls_last=True)
_BOOKED = Q(status__in=Booking.ACTIVE_STATUSES)
_CANCELLED = Q(status__in=[Booking.Status.CANCELLED, Booking.Status.LATE_CANCELLED])


def topic_month_rows(*, period: Period) -> QuerySet:
    """{month, topic_name, booked, cancelled} per month and topic, grouped in SQL."""
    return (
        _with_topic_name(_in_period(period))
        .annotate(month=TruncMonth("start", tzinfo=STATION_TZ))
        .values("month", "topic_name", "topic_name_en")
        .annotate(booked=Count("pk", filter=_BOOKED),
                  cancelled=Count("pk", filter=_CANCELLED))
        .order_by("month", _TOPIC_ORDER)
    )


def topic_month_row(row: dict) -> dict:
    return {
        "month": _local_month(row["month"]),
        "topic": row["topic_name"] or "",
        "topic_en": row["topic_name_en"] or "",
        "booked": row["booked"],
        "cancelled": row["cancelled"],
    }


def bookings_per_topic_month(*, period: Period) -> list[dict]:
    """Rows {month (a date), topic, topic_en, booked, cancelled} ordered by month
    then topic (1 query); `topic` is "" for bookings with no topic."""
    return [topic_month_row(row) for row in topic_month_rows(period=period)]


def booked_per_topic(*, period: Period) -> list[dict]:
    """{topic, topic_en, booked} over the whole period, for the chart (1 query)."""
    rows = (
        _with_topic_name(_in_period(period)).values("topic_name", "topic_name_en")
        .annotate(booked=Count("pk", filter=_BOOKED)).order_by(_TOPIC_ORDER)
    )
    return [{"topic": row["topic_name"] or "", "topic_en": row["topic_name_en"] or "",
             "booked": row["booked"]} for row in rows]


def _months(period: Period) -> list[dt.date]:
    """The first day of each calendar month the period touches, in order."""
    month, months = period.start.replace(day=1), []
    while month <= period.end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def booked_per_month(*, period: Period) -> list[tuple[dt.date, int]]:
    """(first day of the month, active bookings) for every month of the period,
    empty months as 0 (1 query). Months are the station's: a session at 23:30 on 31 December
    in Shanghai is December's, whatever the UTC date."""
    rows = (
        _in_period(period)
        .annotate(month=TruncMonth("start", tzinfo=STATION_TZ))
        .values("month")
        .annotate(booked=Count("pk", filter=_BOOKED))
        .order_by("month")
    )
    counts = {_local_month(row["month"]): row["booked"] for row in rows}
    return [(month, counts.get(month, 0)) for month in _months(period)]


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


_ATTENDANCE_STATUSES = {
    "attended": Booking.Status.ATTENDED,
    "no_show": Booking.Status.NO_SHOW,
    "late_cancelled": Booking.Status.LATE_CANCELLED,
    "unmarked": Booking.Status.CONFIRMED,
}


def _past_window(period: Period, now) -> tuple[dt.datetime, dt.datetime]:
    return period.start_dt, min(period.end_dt, now or timezone.now())


def attendance_rows(*, period: Period, now=None) -> QuerySet:
    """Counsellors with past sessions in the period and their counts by outcome."""
    start, end = _past_window(period, now)
    past = Q(bookings__start__gte=start, bookings__start__lt=end)
    counts = {
        name: Count("bookings", filter=past & Q(bookings__status=status))
        for name, status in _ATTENDANCE_STATUSES.items()
    }
    return (
        Counsellor.objects.annotate(**counts)
        .filter(Q(attended__gt=0) | Q(no_show__gt=0) | Q(late_cancelled__gt=0)
                | Q(unmarked__gt=0))
        .order_by("display_name", "pk")
        .values("display_name", "display_name_en", *counts)
    )


def _with_rates(counts: dict) -> dict:
    held = counts["attended"] + counts["no_show"]
    return {
        **counts,
        "attendance_rate": _rate(counts["attended"], held),
        "no_show_rate": _rate(counts["no_show"], held),
    }


def attendance_row(row: dict) -> dict:
    """Rates are over sessions that took place or should have (attended + no-show)."""
    counts = {name: row[name] for name in _ATTENDANCE_STATUSES}
    return {"counsellor": row["display_name"], "counsellor_en": row["display_name_en"],
            **_with_rates(counts)}


def attendance_by_counsellor(*, period: Period, now=None) -> list[dict]:
    """Past sessions per counsellor: attended, no-show, late cancellations (1 query)."""
    return [attendance_row(row) for row in attendance_rows(period=period, now=now)]


def attendance_totals(rows: list[dict]) -> dict:
    """Totals of rows already loaded (the CSV); pages use `attendance_summary`."""
    counts = {name: sum(r[name] for r in rows) for name in _ATTENDANCE_STATUSES}
    return _with_rates(counts)


def attendance_summary(*, period: Period, now=None) -> dict:
    """The totals row of the attendance table, counted in the database (1 query)."""
    start, end = _past_window(period, now)
    counts = Booking.objects.filter(start__gte=start, start__lt=end).aggregate(**{
        name: Count("pk", filter=Q(status=status))
        for name, status in _ATTENDANCE_STATUSES.items()
    })
    return _with_rates(counts)


def workshop_rows(*, period: Period) -> QuerySet:
    """Workshops in the period with seats taken and families waiting."""
    waiting = Q(waitlist__promoted_at__isnull=True, waitlist__left_at__isnull=True)
    return (
        GroupSession.objects.filter(start__gte=period.start_dt, start__lt=period.end_dt)
        .exclude(status=GroupSession.Status.CANCELLED)
        .annotate(
            taken=Count("seats", filter=Q(seats__status__in=Booking.ACTIVE_STATUSES),
                        distinct=True),
            waiting=Count("waitlist", filter=waiting, distinct=True),
        )
        .order_by("start", "pk")
        .values("pk", "title", "title_en", "start", "capacity", "taken", "waiting")
    )


def workshop_row(row: dict) -> dict:
    return {
        "pk": row["pk"],
        "title": row["title"],
        "title_en": row["title_en"],
        "date": timezone.localtime(row["start"], timezone.get_default_timezone()).date(),
        "capacity": row["capacity"],
        "taken": row["taken"],
        "waiting": row["waiting"],
        "fill_rate": _rate(row["taken"], row["capacity"]),
    }


def workshop_fill(*, period: Period) -> list[dict]:
    """Each workshop in the period: seats taken of capacity, people waiting (1 query)."""
    return [workshop_row(row) for row in workshop_rows(period=period)]


LEAD_TIME_BUCKETS = (
    (0, 1, _("不到1天")),
    (1, 3, _("1–2天")),
    (3, 7, _("3–6天")),
    (7, 14, _("7–13天")),
    (14, None, _("14天及以上")),
)

_ZERO = dt.timedelta(0)


def _days(value: dt.timedelta) -> float:
    return value.total_seconds() / 86400


def lead_time(*, period: Period) -> dict:
    """Days between booking and session, bucketed, with median and mean (1 query).

    A booking made after its start (entered afterwards) counts as 0 days. The
    database returns only the one or two middle rows: each carries the counts
    and the mean as window aggregates over all rows, and its own lead time for
    the median.
    """
    diff = ExpressionWrapper(F("start") - F("created_at"), output_field=DurationField())
    lead = Case(When(start__lt=F("created_at"), then=Value(_ZERO)), default=diff,
                output_field=DurationField())
    windows = {
        f"bucket_{index}": Window(Count("pk", filter=Q(
            lead__gte=dt.timedelta(days=low),
            **({"lead__lt": dt.timedelta(days=high)} if high is not None else {}),
        )))
        for index, (low, high, _label) in enumerate(LEAD_TIME_BUCKETS)
    }
    middle = (
        _in_period(period).filter(group_session__isnull=True)
        .annotate(lead=lead)
        .annotate(position=Window(RowNumber(), order_by=[F("lead").asc(), F("pk").asc()]),
                  total=Window(Count("pk")), mean=Window(Avg("lead")), **windows)
        # The middle row of an odd count, the middle two of an even one.
        .filter(Q(position=(F("total") + 1) / 2) | Q(position=F("total") / 2 + 1))
        .order_by("position")
        .values("lead", "total", "mean", *windows)
    )
    rows = list(middle)
    if not rows:
        return {"buckets": [{"label": str(label), "count": 0}
                            for _low, _high, label in LEAD_TIME_BUCKETS],
                "count": 0, "median_days": None, "mean_days": None}
    first = rows[0]
    median = sum(_days(row["lead"]) for row in rows) / len(rows)
    return {
        "buckets": [{"label": str(label), "count": first[f"bucket_{index}"]}
                    for index, (_low, _high, label) in enumerate(LEAD_TIME_BUCKETS)],
        "count": first["total"],
        "median_days": round(median, 1),
        "mean_days": round(_days(first["mean"]), 1),
    }


def waitlist_open_count() -> int:
    return WaitlistEntry.objects.filter(promoted_at__isnull=True,
                                        left_at__isnull=True).count()


# --- Charts ----------------------------------------------------------------------

CHART_SUMMARY = _("%(title)s：%(figures)s")
CHART_FIGURE_SEPARATOR = _("；")


def bar_chart(items: list[tuple[str | tuple[str, bool], float | int | None]], *,
              unit: str = "", max_value: float | None = None, title: str = "") -> dict:
    """Geometry for a horizontal SVG bar chart, rendered by a template (no JS).

    A label is text, or a `languages.pick` pair (text, is Chinese on an
    English page) whose bar is then marked ``lang="zh-Hans"``. The viewBox is
    100 units wide: labels in 0–34, bars from 35 up to 50 units long, the value
    after the bar. Each row is 10 units tall.
    """
    values = [v or 0 for _label, v in items]
    top = max_value if max_value is not None else max(values, default=0)
    bars = []
    for index, (label, value) in enumerate(items):
        text, chinese = label if isinstance(label, tuple) else (str(label), False)
        fraction = min((value or 0) / top, 1) if top else 0
        width = round(fraction * 50, 2)
        bars.append({
            "label": text,
            "lang": languages.CHINESE_TAG if chinese else "",
            "value": value if value is not None else "–",
            "width": width,
            "y": index * 10 + 2,
            "text_y": index * 10 + 6.5,
            "value_x": round(36 + width, 2),
        })
    # What the bars say, in words: the chart's accessible name.
    figures = str(CHART_FIGURE_SEPARATOR).join(
        f"{bar['label']} {bar['value']}{unit if bar['value'] != '–' else ''}"
        for bar in bars)
    summary = (str(CHART_SUMMARY) % {"title": title, "figures": figures}
               if figures else str(title))
    return {"bars": bars, "height": max(len(bars) * 10, 10), "unit": unit,
            "title": title, "summary": summary}


# --- CSV ------------------------------------------------------------------------


def neutralise(value) -> object:
    """Make a cell inert in spreadsheets: text starting a formula gets a `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_response(*, filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # BOM: Excel opens UTF-8 Chinese correctly
    writer = csv.writer(response)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return response


def report_csv(name: str, *, period: Period, language: str | None = None
               ) -> HttpResponse | None:
    """The CSV export of one report by name in ``language`` (the active one by
    default), header row included, or None for an unknown name."""
    with translation.override(language or translation.get_language()):
        found = _report_table(name, period=period)
    if found is None:
        return None
    header, rows = found
    filename = f"weiai-{name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    return csv_response(filename=filename, header=header, rows=rows)


def _report_table(name: str, *, period: Period) -> tuple[list[str], list[list]] | None:
    """Header and rows of a report in the active language. Months stay ISO
    (2027-03) in every language: a spreadsheet sorts them."""
    if name == "topics":
        data = bookings_per_topic_month(period=period)
        header = [_("月份"), _("主题"), _("有效预约"), pgettext_lazy("报表", "取消")]
        rows = [[f"{r['month']:%Y-%m}", topic_label(r)[0], r["booked"], r["cancelled"]]
                for r in data]
    elif name == "attendance":
        data = attendance_by_counsellor(period=period)
        header = [_("咨询师"), _("到场"), _("未到场"), _("迟取消"), _("未标记"),
                  _("到场率%"), _("未到场率%")]
        rows = [[languages.text(r, "counsellor"), r["attended"], r["no_show"],
                 r["late_cancelled"], r["unmarked"], r["attendance_rate"],
                 r["no_show_rate"]] for r in data]
    elif name == "workshops":
        data = workshop_fill(period=period)
        header = [_("工作坊"), _("日期"), _("名额"), _("已报名"), _("候补"), _("满员率%")]
        rows = [[languages.text(r, "title"), r["date"].isoformat(), r["capacity"],
                 r["taken"], r["waiting"], r["fill_rate"]] for r in data]
    elif name == "lead-time":
        data = lead_time(period=period)
        header = [_("提前预约"), _("预约数")]
        rows = [[b["label"], b["count"]] for b in data["buckets"]]
    else:
        return None
    return [str(h) for h in header], rows


__all__ = [
    "Period",
    "attendance_by_counsellor",
    "attendance_totals",
    "bar_chart",
    "booked_per_month",
    "bookings_per_topic_month",
    "csv_response",
    "default_period",
    "topic_label",
    "lead_time",
    "month_label",
    "neutralise",
    "report_csv",
    "workshop_fill",
]
