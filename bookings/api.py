"""The JSON API at /api/v1/ (django-ninja); schema at /api/v1/openapi.json.

Authentication: a personal bearer token (``Authorization: Bearer <secret>``,
created on the account page; only its SHA-256 is stored) or the browser
session, in which case unsafe methods need the CSRF token in ``X-CSRFToken``.

Status codes: 201 for a new booking or seat, 404 for anything that is not the
caller's (or does not exist, unknown routes included), 409 when the slot or
seat state refuses the action (``SLOT_TAKEN``, not cancellable, already
joined, limit reached), 422 with field errors for bad input (a request body
that is not a JSON object, slot dates outside yesterday ... the day after the
booking horizon), 503 with ``Retry-After`` while the database is out of reach.
Every answer is JSON (``{"detail": ...}`` for errors), with
``Cache-Control: no-store``.

Language: ``Accept-Language`` (or the site's language cookie) chooses the
answer's language, Chinese (``zh-Hans``, the default) or English (``en``); the
chosen one is in ``Content-Language``. Messages follow it, and so do stored
texts (counsellors' names, titles, bios and credentials; services' names and
places; workshops' titles, descriptions and places; topic names): the English
version where an editor wrote one, else the Chinese. Each such field ``x`` has
a ``x_lang`` beside it saying which language ``x`` is in (``en`` or
``zh-Hans``), so a client can mark Chinese shown on an English screen
(``lang="zh-Hans"``). The ``*_en`` fields are the stored English as it is
("" when none).

A booking needs ``consent: true``: the separate consent to keep its sensitive
details (concern, risk answers), recorded with the booking. ``risk_answers``
takes the current screen's keys (``bookings.intake``; unknown keys or values,
or a mix with the earlier screen, are 422 with a message); the earlier
screen's three boolean keys still work on their own, so an older client keeps
flagging risk instead of failing a family's booking. A positive answer
on the current screen needs ``contact_phone``, a number the coordinators
can call back at once (422 ``phone_required`` without it; 422
``phone_invalid`` for a number that is not one). Times are ISO
8601 with their offset; a time without an offset is read in the caller's
display zone, and a local time that does not exist or happens twice there is
refused (422).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from http import HTTPStatus
from typing import Annotated, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import got_request_exception
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.log import log_response
from django.utils.translation import gettext, gettext_noop
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from pydantic import field_validator

from bookings import caching, intake, permissions, selectors, services
from bookings.models import Booking, Counsellor, GroupSession, Mode, SessionType
from bookings.services import BookingError
from courses.models import Topic
from portal import languages
from portal.cache import local_get, local_set
from portal.errors import NotFound
from portal.middleware import database_unavailable_response, is_connection_error
from portal.models import ApiToken, Child
from portal.timezones import display_zone_name

BODY_NOT_JSON = gettext_noop("请求内容不是有效的 JSON。")
BODY_NOT_AN_OBJECT = gettext_noop("请求内容必须是一个 JSON 对象，例如 {}。")
COUNSELLOR_OR_TOPIC = gettext_noop("请指定咨询师（counsellor），或只写主题（topic）由系统安排下一位有空的咨询师。")
UNKNOWN_TOPIC = gettext_noop("没有这个主题。")
SLOT_DATES_OUT_OF_RANGE = gettext_noop(
    "只能查询 %(first)s 至 %(last)s 之间的日期（可预约范围）。")

MAX_ID = caching.MAX_ID
MAX_SLOT_DAYS = caching.MAX_SLOT_DAYS
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Slug = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")]


class BearerToken(HttpBearer):
    """A personal API token; revoked tokens and erased accounts are refused."""

    def authenticate(self, request: HttpRequest, token: str):
        if not token or len(token) > 200:
            return None
        token_hash = ApiToken.hash_secret(token)
        # Read before the row is: a state must never outlive a change it missed.
        generation = caching.token_generation()
        row = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=token_hash, revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active or row.user.erased_at is not None:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        caching.remember_token(token_hash=token_hash, generation=generation,
                                 user_id=row.user_id)
        request.user = row.user
        return row.user


class MalformedBody(ValueError):
    """A request body that is not a JSON object (``.msgid`` says which way)."""

    def __init__(self, msgid: str, code: str):
        super().__init__(msgid)
        self.msgid, self.code = msgid, code


class JSONObjectParser(Parser):
    """A request body, when there is one, is a JSON object.

    ninja's own parser hands any JSON value to the schema, and a schema whose
    fields all have defaults reads an array, a string or a number as "no
    fields given": ``[]`` took a workshop seat. Refused here instead (422,
    ``body_not_json`` / ``body_not_an_object``), on every POST, the optional
    bodies of cancel and join included; leaving out a body that is optional
    is still fine.
    """

    def parse_body(self, request: HttpRequest) -> dict:
        try:
            data = json.loads(request.body)
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
            raise MalformedBody(BODY_NOT_JSON, "body_not_json") from exc
        if not isinstance(data, dict):
            raise MalformedBody(BODY_NOT_AN_OBJECT, "body_not_an_object")
        return data


class StationAPI(NinjaAPI):
    """The NinjaAPI whose every answer, whichever part of ninja or Django made
    it, is JSON, in the caller's language, and kept by no cache.

    * language: ``Accept-Language`` (or the language cookie), else Chinese;
      paths outside `i18n_patterns` are otherwise always answered in the
      default language;
    * ``Cache-Control: no-store``: most answers are personal (bookings,
      seats, intake); one rule for every answer is simpler to keep right
      than a list, and what the slot search's fast path replays
      (`bookings.caching`) is the full path's headers, this one included;
    * JSON errors: a method a route does not offer (ninja answers a plain
      405) and the root's 404 are rewritten; unknown routes reach
      `not_found` below, crashes `server_error`.
    """

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        return [_answer_as_api(p) for p in patterns], app_name, namespace


def _answer_as_api(pattern):
    if not isinstance(pattern, URLPattern):
        return pattern
    view = pattern.callback

    @functools.wraps(view)
    def api_view(request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        with translation.override(language):
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                response = _error(HTTPStatus.NOT_FOUND)
            if response.status_code >= 400 and not response.get(
                    "Content-Type", "").startswith("application/json"):
                allow = response.get("Allow")
                response = _error(HTTPStatus(response.status_code))
                if allow:
                    response["Allow"] = allow
        response.headers.setdefault("Content-Language", language)
        patch_cache_control(response, no_store=True)
        return response

    return URLPattern(pattern.pattern, api_view, pattern.default_args, pattern.name)


def _error(status: HTTPStatus) -> JsonResponse:
    detail = "Method not allowed" if status == HTTPStatus.METHOD_NOT_ALLOWED \
        else status.phrase
    return JsonResponse({"detail": detail}, status=status, content_type=caching.JSON)


api = StationAPI(
    title="未愛小屋 API",
    version="1.0.0",
    description=__doc__,
    urls_namespace="api",
    docs_url=None,
    parser=JSONObjectParser(),
    # The session auth checks CSRF (X-CSRFToken) on unsafe methods.
    auth=[BearerToken(), SessionAuth(csrf=True)],
)

# Which refusals are a conflict with the current state (409) and which are bad
# input, and for which field (422).
CONFLICTS = {"slot_taken", "not_cancellable", "already_joined", "limit_reached",
             "workshop_closed", "not_on_waitlist", "workshop_no_reschedule",
             "already_booked_then"}
FIELD_OF = {
    "too_soon": "start", "too_far": "start", "outside_availability": "start",
    "station_closed": "start", "naive_time": "start", "time_nonexistent": "start",
    "time_ambiguous": "start", "timezone_invalid": "start",
    "consent_required": "consent", "service_unavailable": "session_type",
    "risk_unknown_question": "risk_answers", "risk_invalid_answer": "risk_answers",
    "risk_mixed_screens": "risk_answers",
    "mode_unavailable": "mode", "child_invalid": "child", "credential_expired": "counsellor",
    "phone_invalid": "contact_phone", "phone_required": "contact_phone",
    "point_unavailable": "session_type", "point_closed": "start",
    # Pooled booking at a service point.
    "point_unknown": "point", "point_no_hours": "point",
    "service_not_at_point": "session_type", "pool_empty_at_point": "topic",
}


@api.exception_handler(BookingError)
def booking_error(request, exc: BookingError):
    code = exc.code or "invalid"
    if code == "not_allowed":
        return api.create_response(request, {"detail": "Not Found"}, status=404)
    if code in CONFLICTS:
        return api.create_response(request, {"detail": exc.message, "code": code},
                                   status=409)
    field = FIELD_OF.get(code, "__all__")
    return api.create_response(
        request,
        {"detail": [{"loc": ["body", field], "msg": exc.message, "type": code}]},
        status=422,
    )


@api.exception_handler(NotFound)
def not_found_error(request, exc: NotFound):
    return api.create_response(request, {"detail": "Not Found"}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # ninja turns any failure of the body parser into HttpError(400) raised
    # from it; a malformed body is bad input like any other (422).
    if isinstance(exc.__cause__, MalformedBody):
        return api.create_response(request, {"detail": [
            {"loc": ["body"], "msg": gettext(exc.__cause__.msgid),
             "type": exc.__cause__.code}]}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """A lost database is the calm JSON 503 (with Retry-After); anything else a
    JSON 500, logged and signalled as Django does for its own 500s."""
    if is_connection_error(exc):
        return database_unavailable_response(request)
    got_request_exception.send(sender=None, request=request)
    response = api.create_response(request, {"detail": "Internal Server Error"},
                                   status=500)
    log_response("Internal Server Error: %s", request.path, response=response,
                 request=request, exception=exc)
    return response


def field_error(field: str, message: str, code: str = "invalid", *,
                location: str = "body"):
    return Status(422, {"detail": [{"loc": [location, field], "msg": message,
                                    "type": code}]})


# --- schemas ---------------------------------------------------------------------

Lang = Literal["zh-Hans", "en"]


def _shown(field: str, of=None):
    """A resolver: ``obj.field`` in the answer's language (`portal.languages`)."""
    def resolve(obj):
        return languages.pick(of(obj) if of else obj, field)[0]
    return staticmethod(resolve)


def _shown_lang(field: str, of=None):
    """A resolver: the language the `_shown` text of ``field`` is in."""
    def resolve(obj) -> str:
        target = of(obj) if of else obj
        if not languages.is_english():
            return languages.CHINESE_TAG
        return languages.CHINESE_TAG if languages.pick(target, field)[1] else "en"
    return staticmethod(resolve)


def _lang_field(field: str):
    return Field(description=f"The language `{field}` is in: en, or zh-Hans "
                             "(Chinese, also where no English version exists).")


class CounsellorOut(Schema):
    id: int
    slug: str
    display_name: str
    display_name_lang: Lang = _lang_field("display_name")
    title: str
    title_lang: Lang = _lang_field("title")
    bio: str
    bio_lang: Lang = _lang_field("bio")
    credentials: str
    credentials_lang: Lang = _lang_field("credentials")
    languages: list[str]
    modes: list[str]
    specialties: list[str]

    resolve_display_name = _shown("display_name")
    resolve_display_name_lang = _shown_lang("display_name")
    resolve_title = _shown("title")
    resolve_title_lang = _shown_lang("title")
    resolve_bio = _shown("bio")
    resolve_bio_lang = _shown_lang("bio")
    resolve_credentials = _shown("credentials")
    resolve_credentials_lang = _shown_lang("credentials")

    @staticmethod
    def resolve_specialties(obj: Counsellor) -> list[str]:
        return sorted({t.slug for t in obj.specialties.all()})


class SessionTypeOut(Schema):
    id: int
    slug: str
    name: str
    name_lang: Lang = _lang_field("name")
    name_en: str
    location: str
    location_lang: Lang = _lang_field("location")
    kind: str
    duration_minutes: int
    capacity: int
    buffer_after_minutes: int
    modes: list[str]
    counsellors: list[int]

    resolve_name = _shown("name")
    resolve_name_lang = _shown_lang("name")
    # The service point's name; the legacy place text where no point is set.
    resolve_location = _shown("name", of=lambda o: o.point if o.point_id else
                              {"name": o.location, "name_en": o.location_en})
    resolve_location_lang = _shown_lang("name", of=lambda o: o.point if o.point_id else
                                        {"name": o.location, "name_en": o.location_en})

    @staticmethod
    def resolve_counsellors(obj: SessionType) -> list[int]:
        return sorted(c.pk for c in obj.counsellors.all())


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime


class BookingOut(Schema):
    id: int
    reference: str
    status: str
    counsellor: int
    counsellor_name: str
    counsellor_name_lang: Lang = _lang_field("counsellor_name")
    session_type: int
    workshop: int | None
    child: int | None
    start: dt.datetime
    end: dt.datetime
    mode: str
    concern: str
    is_urgent: bool
    is_late_change: bool
    calendar_uid: str
    sequence: int
    created_at: dt.datetime

    @staticmethod
    def resolve_counsellor(obj: Booking) -> int:
        return obj.counsellor_id

    resolve_counsellor_name = _shown("display_name", of=lambda b: b.counsellor)
    resolve_counsellor_name_lang = _shown_lang("display_name", of=lambda b: b.counsellor)

    @staticmethod
    def resolve_session_type(obj: Booking) -> int:
        return obj.session_type_id

    @staticmethod
    def resolve_workshop(obj: Booking) -> int | None:
        return obj.group_session_id

    @staticmethod
    def resolve_child(obj: Booking) -> int | None:
        return obj.child_id

    @staticmethod
    def resolve_start(obj: Booking) -> dt.datetime:
        return timezone.localtime(obj.start)

    @staticmethod
    def resolve_end(obj: Booking) -> dt.datetime:
        return timezone.localtime(obj.end)


class WorkshopOut(Schema):
    id: int
    title: str
    title_lang: Lang = _lang_field("title")
    title_en: str
    description: str
    description_lang: Lang = _lang_field("description")
    topic: str | None
    topic_name: str | None
    topic_name_lang: Lang = _lang_field("topic_name")
    start: dt.datetime
    end: dt.datetime
    mode: str
    location: str
    location_lang: Lang = _lang_field("location")
    capacity: int
    seats_taken: int
    seats_left: int
    waiting: int
    counsellors: list[int]

    resolve_title = _shown("title")
    resolve_title_lang = _shown_lang("title")
    resolve_description = _shown("description")
    resolve_description_lang = _shown_lang("description")
    # The service point's name; the legacy place text where no point is set.
    resolve_location = _shown("name", of=lambda o: o.point if o.point_id else
                              {"name": o.location, "name_en": o.location_en})
    resolve_location_lang = _shown_lang("name", of=lambda o: o.point if o.point_id else
                                        {"name": o.location, "name_en": o.location_en})
    resolve_topic_name_lang = _shown_lang("name", of=lambda w: w.topic)

    @staticmethod
    def resolve_topic(obj: GroupSession) -> str | None:
        return obj.topic.slug if obj.topic_id else None

    @staticmethod
    def resolve_topic_name(obj: GroupSession) -> str | None:
        return languages.pick(obj.topic, "name")[0] if obj.topic_id else None

    @staticmethod
    def resolve_seats_left(obj: GroupSession) -> int:
        return permissions.seats_left(obj)

    @staticmethod
    def resolve_waiting(obj: GroupSession) -> int:
        return obj.waiting or 0

    @staticmethod
    def resolve_counsellors(obj: GroupSession) -> list[int]:
        return sorted(c.pk for c in obj.counsellors.all())

    @staticmethod
    def resolve_start(obj: GroupSession) -> dt.datetime:
        return timezone.localtime(obj.start)

    @staticmethod
    def resolve_end(obj: GroupSession) -> dt.datetime:
        return timezone.localtime(obj.end)


class JoinOut(Schema):
    result: Literal["seat", "waitlist"]
    message: str
    booking: BookingOut | None = None


class ErrorOut(Schema):
    detail: str
    code: str | None = None


class FieldErrorsOut(Schema):
    detail: list[dict]


# What any operation may answer besides its success (all JSON): 400 a NUL byte
# in the address, 401 no valid token or session, 404 not the caller's or no
# such thing, 409 the current state refuses, 422 bad input, 503 the database
# is out of reach (with Retry-After). Unsafe methods add 403 (session CSRF).
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          422: FieldErrorsOut, 503: ErrorOut}
WRITE_ERRORS = {**ERRORS, 403: ErrorOut}


def _reasonable(value: dt.datetime) -> dt.datetime:
    if not 2000 <= value.year <= 2200:
        raise ValueError("time out of range")
    return value


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


RISK_ANSWERS_HELP = (
    "The risk screen (a triage prompt answered by the guardian, not a validated "
    "instrument). Keys: " + ", ".join(intake.RISK_KEYS) + ", and danger_now. "
    "Values: yes, no, unsure, declined (child_past_attempt and child_self_harm: "
    "yes_recent or yes_earlier instead of yes; danger_now: yes, no or unsure). "
    "true/false mean yes/no where that is unambiguous. Anything but no counts as "
    "positive and marks the booking urgent; child_harmed_now or child_without_care "
    "positive also alerts the safeguarding lead. Ask danger_now after a positive "
    "acute answer, and show 120/110 and the nearest emergency department first "
    "when it is yes or unsure. The earlier keys (self_harm_thoughts, "
    "recent_self_harm, unsafe_now; booleans) are still accepted on their own. "
    "Unknown keys or values, or both screens mixed: 422.")


POINT_HELP = (
    "With `topic` and mode in_person: the service point (its slug, as on the point "
    "pages) to meet at. Only `session_type`s held there (their point) and the "
    "counsellors with hours kept there, or hours that name no point, are in the "
    "pool. Ignored for online and phone. 422 on `point`: point_unknown (no such "
    "point, or not active), point_no_hours (no opening hours); 422 on "
    "`session_type`: service_not_at_point; 422 on `topic`: pool_empty_at_point "
    "(no one covers the topic there).")


class BookingIn(Schema):
    counsellor: Id | None = Field(None, description=(
        "The counsellor to book. Leave it out and give `topic` to book the next "
        "available counsellor for that topic (the pool's fair rule assigns one; "
        "`counsellor` in the answer says whom)."))
    session_type: Id
    start: dt.datetime
    mode: Literal["in_person", "online", "phone"] = Mode.IN_PERSON.value
    child: Id | None = None
    concern: str = Field("", max_length=2000)
    risk_answers: dict[
        Annotated[str, Field(max_length=60)],
        bool | Annotated[str, Field(max_length=20)],
    ] | None = Field(None, description=RISK_ANSWERS_HELP)
    consent: bool = Field(False, description=(
        "The separate consent to keep the booking's sensitive personal information "
        "(concern, risk answers); required."))
    topic: Slug | None = None
    point: Slug | None = Field(None, description=POINT_HELP)
    contact_phone: Annotated[str, Field(max_length=40)] | None = Field(
        None, description=(
            "A mobile number the station's coordinators can call back at once "
            "(mainland numbers without +86, e.g. 139 1234 5678; others in +… form), "
            "stored in E.164. Required when risk_answers has a positive answer "
            "(422 phone_required); a number that is not one is 422 phone_invalid. "
            "Never returned by this API: it is shown only to the booking's "
            "counsellor and the coordinators, on the staff pages."))

    _start = field_validator("start")(_reasonable)
    _concern = field_validator("concern")(_text)
    _contact_phone = field_validator("contact_phone")(
        lambda value: value if value is None else _text(value))


class CancelIn(Schema):
    reason: str = Field("", max_length=300)

    _reason = field_validator("reason")(_text)


class RescheduleIn(Schema):
    start: dt.datetime

    _start = field_validator("start")(_reasonable)


class JoinIn(Schema):
    child: Id | None = None


class SlotQuery(Schema):
    counsellor: Id | None = Field(None, description=(
        "One counsellor's free slots; or leave it out and give `topic`."))
    topic: Slug | None = Field(None, description=(
        "Pooled search: the free slots of every counsellor who covers this topic "
        "(the union, each time once), for booking with `topic` instead of `counsellor`."))
    mode: Literal["in_person", "online", "phone"] | None = Field(None, description=(
        "Pooled search only: counsellors who offer the session in this mode."))
    point: Slug | None = Field(None, description=(
        "Pooled search only. " + POINT_HELP + " No mode with a point means in person."))
    session_type: Id
    start: dt.date
    end: dt.date


# --- helpers -----------------------------------------------------------------------


def _aware(request, value: dt.datetime) -> dt.datetime:
    """An offset-less time is read in the caller's display zone (refusing DST guesses)."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value
    return services.aware_from_local(local=value, zone=display_zone_name(request.auth))


def _own_child(user, child_id: int | None) -> Child | None:
    if child_id is None:
        return None
    child = selectors.family_child(user=user, pk=child_id)
    if child is None:
        raise BookingError(services.CHILD_INVALID)
    return child


# --- endpoints -----------------------------------------------------------------------


@api.get("/counsellors", response={200: list[CounsellorOut], **ERRORS},
         tags=["counsellors"])
def list_counsellors(request, topic: Slug | None = None,
                     language: Annotated[str, Field(max_length=10)] | None = None,
                     mode: Literal["in_person", "online", "phone"] | None = None):
    """Active counsellors, optionally by topic slug, language code and mode."""
    if language and "\x00" in language:
        language = None
    return list(selectors.counsellors_for(topic=topic, language=language, mode=mode))


@api.get("/session-types", response={200: list[SessionTypeOut], **ERRORS},
         tags=["counsellors"])
def list_session_types(request):
    return list(
        SessionType.objects.filter(is_active=True).select_related("point")
        .prefetch_related(Prefetch("counsellors",
                                   queryset=Counsellor.objects.filter(is_active=True)))
        .order_by("pk")
    )


@api.get("/slots", response={200: list[SlotOut], **ERRORS}, tags=["bookings"])
def list_slots(request, query: Query[SlotQuery]):
    """Free slots from ``start`` to ``end`` (dates, inclusive, at most 62 days),
    between yesterday and the day after the booking horizon ends (else 422)."""
    if query.end < query.start:
        return field_error("end", "end is before start", location="query")
    if (query.end - query.start).days > MAX_SLOT_DAYS:
        return field_error("end", f"at most {MAX_SLOT_DAYS} days at a time",
                           location="query")
    if query.counsellor is None:
        return _pooled_slots(query)
    # The schedule versions the answer is kept under are read before any row
    # is (bookings.caching answers repeats under them).
    station, versions = caching.versions([query.counsellor])
    # Dates outside the horizon are refused before any arithmetic on them. The
    # fast path never answers them: it replays only answers this path gave.
    refused = _outside_search_dates(query, station=station)
    if refused is not None:
        return refused
    counsellor = get_object_or_404(selectors.bookable_counsellors(), pk=query.counsellor)
    session_type = get_object_or_404(
        SessionType, pk=query.session_type, is_active=True,
        kind=SessionType.Kind.INDIVIDUAL, counsellors=counsellor,
    )
    slots, valid_until = selectors.free_slots_answer(
        counsellor=counsellor, session_type=session_type, start_date=query.start,
        end_date=query.end, versions=(station, versions))
    # Four weeks are ~500 slots: validating each through SlotOut and encoding
    # datetimes one by one cost more than the (cached) search. The bytes are
    # the same as ninja's rendering of list[SlotOut] (DjangoJSONEncoder times).
    body = "[" + ", ".join([_slot_json(s) for s in slots]) + "]"
    return caching.mark_answer(
        HttpResponse(body, content_type=caching.JSON),
        caching.answer_key(counsellor_id=counsellor.pk, session_type_id=session_type.pk,
                             start=query.start, end=query.end, station=station,
                             version=versions[counsellor.pk]),
        valid_until=valid_until)


def _outside_search_dates(query: SlotQuery, *, station: int):
    """422 for dates outside the bookable window (refused before any
    arithmetic on them), else None."""
    first, last = selectors.slot_search_dates(station=station)
    if not first <= query.start <= last or query.end > last:
        message = gettext(SLOT_DATES_OUT_OF_RANGE) % {"first": first.isoformat(),
                                                      "last": last.isoformat()}
        field = "start" if not first <= query.start <= last else "end"
        return field_error(field, message, "out_of_range", location="query")
    return None


def _pooled_slots(query: SlotQuery):
    """The pool's free slots for ``query.topic`` (`pool_selectors.pooled_free_slots`),
    under the same date bounds as a named search."""
    from bookings import pool_selectors

    if not query.topic:
        return field_error("counsellor", gettext(COUNSELLOR_OR_TOPIC), "required",
                           location="query")
    # Read before any row (the fast path replays the answer under them).
    station, pools = caching.pool_generations()
    refused = _outside_search_dates(query, station=station)
    if refused is not None:
        return refused
    topic = Topic.objects.filter(slug=query.topic).order_by("pk").first()
    if topic is None:
        return field_error("topic", gettext(UNKNOWN_TOPIC), "unknown", location="query")
    session_type = get_object_or_404(SessionType, pk=query.session_type, is_active=True,
                                     kind=SessionType.Kind.INDIVIDUAL)
    point = None
    if query.point and query.mode in (None, Mode.IN_PERSON):
        try:
            point = services.pool_point(slug=query.point)
        except BookingError as exc:
            return field_error("point", exc.message, exc.code, location="query")
        if session_type.point_id != point.pk:
            return field_error("session_type", gettext(services.SERVICE_NOT_AT_POINT),
                               "service_not_at_point", location="query")
        if not pool_selectors.pool_counsellors(topic=topic, session_type=session_type,
                                               mode=query.mode, point=point):
            return field_error("topic", gettext(services.POOL_EMPTY_AT_POINT),
                               "pool_empty_at_point", location="query")
    answer = pool_selectors.pooled_free_slots_answer(
        topic=topic, session_type=session_type, start_date=query.start,
        end_date=query.end, mode=query.mode, point=point)
    body = "[" + ", ".join([_slot_json(s) for s in answer.slots]) + "]"
    return caching.mark_answer(
        HttpResponse(body, content_type=caching.JSON),
        caching.pooled_answer_key(
            topic=query.topic, point=query.point or "", mode=query.mode or "",
            session_type_id=session_type.pk, start=query.start, end=query.end,
            station=station, pools=pools),
        valid_until=answer.valid_until, members=answer.members,
        versions=answer.versions)


SLOT_JSON_SECONDS = 24 * 3600


def _slot_json(slot) -> str:
    """`{"start": ..., "end": ...}` as json.dumps writes it, remembered per slot
    in the one per-process store (a pure function of the slot: never stale)."""
    # Equal instants in other zones print differently.
    key = ("slot-json", slot.start, slot.end, str(slot.start.tzinfo))
    fragment = local_get(key)
    if fragment is None:
        fragment = json.dumps({"start": _iso(slot.start), "end": _iso(slot.end)})
        local_set(key, fragment, seconds=SLOT_JSON_SECONDS, size=len(fragment) + 96)
    return fragment


_django_iso = DjangoJSONEncoder().default


def _iso(value: dt.datetime) -> str:
    """DjangoJSONEncoder's form; whole minutes off UTC are plain isoformat()."""
    if value.microsecond or not value.utcoffset():
        return _django_iso(value)
    return value.isoformat()


@api.get("/bookings", response={200: list[BookingOut], **ERRORS}, tags=["bookings"])
def list_bookings(request, upcoming: bool = False):
    """The caller's own bookings (sessions and workshop seats), soonest first."""
    qs = selectors.family_bookings(user=request.auth)
    if upcoming:
        qs = qs.filter(start__gt=timezone.now())
    return list(qs)


@api.post("/bookings", response={201: BookingOut, **WRITE_ERRORS}, tags=["bookings"])
def create_booking(request, payload: BookingIn):
    """Book a counsellor by id, or by ``topic`` alone: the next available
    counsellor for it (`services.booking_create_pooled`; 409 ``slot_taken``
    with ``next_slots`` when the whole pool is taken at that time)."""
    counsellor = None
    if payload.counsellor is not None:
        counsellor = Counsellor.objects.filter(pk=payload.counsellor).first()
        if counsellor is None:
            return field_error("counsellor", "unknown counsellor", "unknown")
    elif not payload.topic:
        return field_error("counsellor", gettext(COUNSELLOR_OR_TOPIC), "required")
    session_type = SessionType.objects.filter(pk=payload.session_type).first()
    if session_type is None:
        return field_error("session_type", "unknown session type", "unknown")
    topic = None
    if payload.topic:
        topic = Topic.objects.filter(slug=payload.topic).order_by("pk").first()
        if topic is None:
            return field_error("topic", gettext(UNKNOWN_TOPIC), "unknown")
    if counsellor is None:

        point = None
        if payload.point and payload.mode == Mode.IN_PERSON:
            point = services.pool_point(slug=payload.point)  # 422 on point
        try:
            booking = services.booking_create_pooled(
                family=request.auth, topic=topic, session_type=session_type,
                start=_aware(request, payload.start), mode=payload.mode,
                child=_own_child(request.auth, payload.child), concern=payload.concern,
                risk_answers=payload.risk_answers, consent=payload.consent,
                contact_phone=payload.contact_phone or "", point=point)
        except services.PooledSlotTaken as exc:
            return api.create_response(request, {
                "detail": exc.message, "code": exc.code,
                "next_slots": [{"start": _iso(s.start), "end": _iso(s.end)}
                               for s in exc.next_slots],
            }, status=409)
        return Status(201, booking)
    booking = services.booking_create(
        family=request.auth, counsellor=counsellor, session_type=session_type,
        start=_aware(request, payload.start), mode=payload.mode,
        child=_own_child(request.auth, payload.child), concern=payload.concern,
        risk_answers=payload.risk_answers, consent=payload.consent, topic=topic,
        contact_phone=payload.contact_phone or "",
    )
    return Status(201, booking)


@api.get("/bookings/{booking_id}", response={200: BookingOut, **ERRORS},
         tags=["bookings"])
def get_booking(request, booking_id: Id):
    return selectors.family_booking(user=request.auth, pk=booking_id)


@api.post("/bookings/{booking_id}/cancel", response={200: BookingOut, **WRITE_ERRORS},
          tags=["bookings"])
def cancel_booking(request, booking_id: Id, payload: CancelIn | None = None):
    booking = selectors.family_booking(user=request.auth, pk=booking_id)
    reason = payload.reason if payload else ""
    return services.booking_cancel(booking=booking, by_user=request.auth, reason=reason)


@api.post("/bookings/{booking_id}/reschedule",
          response={200: BookingOut, **WRITE_ERRORS}, tags=["bookings"])
def reschedule_booking(request, booking_id: Id, payload: RescheduleIn):
    booking = selectors.family_booking(user=request.auth, pk=booking_id)
    return services.booking_reschedule(booking=booking,
                                       new_start=_aware(request, payload.start),
                                       by_user=request.auth)


@api.get("/workshops", response={200: list[WorkshopOut], **ERRORS}, tags=["workshops"])
def list_workshops(request, topic: Slug | None = None):
    """Upcoming scheduled workshops with seats taken and families waiting."""
    return list(selectors.upcoming_workshops(topic=topic))


@api.post("/workshops/{workshop_id}/join", response={201: JoinOut, **WRITE_ERRORS},
          tags=["workshops"])
def join_workshop(request, workshop_id: Id, payload: JoinIn | None = None):
    """A seat if one is free (``result: seat``), else a waitlist place."""
    workshop = get_object_or_404(GroupSession, pk=workshop_id,
                                 status=GroupSession.Status.SCHEDULED)
    child = _own_child(request.auth, payload.child if payload else None)
    result = services.workshop_join(family=request.auth, group_session=workshop,
                                     child=child)
    if isinstance(result, Booking):
        booking = selectors.family_bookings(user=request.auth).get(pk=result.pk)
        return Status(201, {"result": "seat", "message": "", "booking": booking})
    return Status(201, {"result": "waitlist", "message": gettext(services.WORKSHOP_FULL),
                        "booking": None})


# Registered last: routes are matched in order, so this one only sees paths no
# operation above has (the API's own JSON 404, for any caller).
@api.api_operation(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"],
                   "/{path:rest}", auth=None,
                   include_in_schema=False)
def not_found(request, rest: str):
    raise Http404
