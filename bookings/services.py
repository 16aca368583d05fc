"""Writes of the bookings domain: typed, keyword-only, atomic, validated.

"A counsellor is never booked twice at once" holds in the database:

* PostgreSQL: the exclusion constraint of migration 0003 over
  ``[start, blocks_until)`` of active individual bookings. The service also
  locks the counsellor row (``SELECT … FOR UPDATE``) so that concurrent
  requests queue up and the losers get a clean ``SLOT_TAKEN`` from the
  re-check; an ``IntegrityError`` from the constraint maps to the same message.
* SQLite: ``transaction_mode = IMMEDIATE`` (settings) takes the write lock at
  ``BEGIN``, so writers run one at a time and the re-check inside the
  transaction sees every committed booking.

Workshop seats lock the ``GroupSession`` row and count active seats; when the
workshop is full the family joins its waitlist, and a freed seat goes to the
first family waiting.

Emails are background tasks whose rows are inserted in the write's own
transaction (database task backend): nothing is sent for a write that rolled
back, and nothing committed lacks its email.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from bookings import intake
from bookings import selectors as sel
from bookings import slots as engine
from bookings.calendar import workshop_location
from bookings.models import (
    Booking,
    Counsellor,
    GroupSession,
    Mode,
    SessionNote,
    SessionNoteRevision,
    SessionType,
    StationClosure,
    UrgentFollowUp,
    WaitlistEntry,
)
from bookings.permissions import is_staff_for, seats_taken
from network import selectors as network_selectors
from network.models import OpeningException, OpeningHours, ServicePoint
from portal import privacy
from portal.models import Consent
from portal.ops import metrics
from portal.timezones import STATION_TZ

# Messages (msgids; shown translated). Tests compare against these.
SLOT_TAKEN = gettext_noop("这个时间刚刚被预约了，请选择其他时间。")
OUTSIDE_AVAILABILITY = gettext_noop("这个时间不在咨询师的可预约时段内，请选择列表中的时间。")
STATION_CLOSED = gettext_noop("站点这一天闭馆，请选择其他日期。")
POINT_UNAVAILABLE = gettext_noop("这个服务点目前不开放预约，请选择其他服务点或线上方式。")
CREDENTIAL_EXPIRED = gettext_noop(
    "这位咨询师的执业资质已过期，暂时不能预约。请选择其他咨询师，或预约最早有空的咨询师。")
POINT_CLOSED = gettext_noop("这个服务点这一天不开放，请选择其他日期。")
TOO_SOON = gettext_noop("这个时间太近了，请至少提前预约。")
TOO_FAR = gettext_noop("这个时间超出了可预约的范围，请选择更近的日期。")
ALREADY_BOOKED_THEN = gettext_noop(
    "你在这个时间已经有一个预约了（可在“我的预约”中查看），不能同时再约一个。")
LIMIT_REACHED = gettext_noop("你已有的有效预约达到上限，请先完成或取消其中一个。")
WORKSHOP_FULL = gettext_noop("这场工作坊已经满员，你已加入候补名单。")
WORKSHOP_CLOSED = gettext_noop("这场工作坊已经开始、结束或取消，不能再报名。")
NOT_CANCELLABLE = gettext_noop("这个预约已经开始、结束或取消，不能再更改。")
WORKSHOP_NO_RESCHEDULE = gettext_noop("工作坊名额不能改期，请退出后报名其他场次。")
CONSENT_REQUIRED = gettext_noop(
    "希望得到帮助的事情和风险筛查的回答属于敏感个人信息：预约前请单独同意站点保存这些信息"
    "（consent: true）。")
ALREADY_JOINED = gettext_noop("你已经报名或在候补名单中了。")
NOT_ON_WAITLIST = gettext_noop("你没有报名也不在候补名单中。")
SERVICE_UNAVAILABLE = gettext_noop("这位咨询师不提供这项服务。")
MODE_UNAVAILABLE = gettext_noop("这项服务不提供所选的方式。")
CHILD_INVALID = gettext_noop("请选择你家庭账户中的孩子。")
NOT_ALLOWED = gettext_noop("你没有权限进行这项操作。")
NOT_STARTED = gettext_noop("这个预约还没有开始，不能记录到场情况。")
NOTE_EMPTY = gettext_noop("请填写记录内容。")
NOTE_NOT_AUTHOR = gettext_noop("只有写这条记录的咨询师本人可以修改它。")
NOTE_LOCKED = gettext_noop("这条记录写下已超过 24 小时，已锁定，不能再修改。")
NAIVE_TIME = gettext_noop("请提供带时区的时间。")
TIME_NONEXISTENT = gettext_noop("这个当地时间因夏令时调整并不存在，请换一个时间。")
TIME_AMBIGUOUS = gettext_noop("这个当地时间因夏令时调整出现两次，请换一个时间。")
TIMEZONE_INVALID = gettext_noop("无法识别这个时区。")
RISK_UNKNOWN_QUESTION = gettext_noop(
    "风险筛查中有无法识别的问题。请只使用接口文档列出的问题（risk_answers 的键）。")
RISK_INVALID_ANSWER = gettext_noop(
    "风险筛查中有无法识别的回答。每个问题可以回答 yes、no、unsure（不确定）或 declined"
    "（不想回答）；以前的尝试和自伤两题用 yes_recent（最近一个月内）或 yes_earlier"
    "（更早以前）代替 yes；danger_now 可以回答 yes、no 或 unsure。")
RISK_MIXED_SCREENS = gettext_noop(
    "请不要把旧版风险筛查的三个问题和新版问题混在一起提交，请只使用新版问题。")
NOT_URGENT = gettext_noop("这个预约没有标记为紧急，不需要记录紧急跟进。")
URGENT_CLAIMED = gettext_noop("这条紧急登记已经有人认领了，请刷新页面查看负责人。")
URGENT_RESOLVED = gettext_noop("这条紧急登记已经处理完毕。")
URGENT_ASSIGNEE_INVALID = gettext_noop("只能指派给站点协调员。")
PHONE_INVALID = gettext_noop("请填写正确的手机号，例如 139 1234 5678。")
PHONE_REQUIRED = gettext_noop("请留下能马上联系到你的手机号，协调员会用这个号码回电。")
FOLLOW_UP_INVALID = gettext_noop("请选择跟进结果和是否已直接询问孩子。")

WORKSHOP_CAPACITY_BELOW_SEATS = gettext_noop(
    "名额不能少于已报名的人数（现有 %(seats)s 人）。")
WORKSHOP_UNCANCEL = gettext_noop("已取消的工作坊不能恢复，请新建一场工作坊。")
WORKSHOP_HAS_FAMILIES = gettext_noop(
    "这场工作坊已有家庭报名或候补，不能删除。如需停办，请把状态改为“已取消”，"
    "已报名的家庭会收到通知。")

_INTAKE_ERRORS = {
    "unknown_key": RISK_UNKNOWN_QUESTION,
    "invalid_value": RISK_INVALID_ANSWER,
    "invalid_shape": RISK_INVALID_ANSWER,
    "mixed_screens": RISK_MIXED_SCREENS,
}


class BookingError(ValidationError):
    """A refused booking action; ``.message`` is for the person, ``.code`` for code.

    Codes: the message constant's name in lower case (``slot_taken``, …).
    """

    def __init__(self, message: str, code: str | None = None,
                 params: Mapping | None = None):
        super().__init__(gettext(message), code=code or _code_for(message), params=params)
        self.msgid = message


def _code_for(message: str) -> str:
    for name, value in globals().items():
        if name.isupper() and value == message:
            return name.lower()
    return "invalid"


# A session note can be corrected by its author this long after it was written;
# then it is locked, so what was recorded stays what was recorded.
NOTE_EDIT_WINDOW = dt.timedelta(hours=24)


# --- helpers -------------------------------------------------------------------


def aware_from_local(*, local: dt.datetime, zone: str) -> dt.datetime:
    """A naive wall-clock time in ``zone`` as an aware datetime.

    Refuses, with a clear message, times skipped or repeated by a
    daylight-saving change in that zone (the station's zone has none, families
    abroad may). Used by views and the API to read a viewer's local time.
    """
    try:
        return engine.aware_from_local(local, zone)
    except engine.LocalTimeError as exc:
        message = {
            "nonexistent": TIME_NONEXISTENT,
            "ambiguous": TIME_AMBIGUOUS,
        }.get(exc.code, TIMEZONE_INVALID)
        raise BookingError(message) from exc


def _require_aware(value: dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None \
            or value.utcoffset() is None:
        raise BookingError(NAIVE_TIME)
    return value


def _enqueue_email(booking_id: int, kind: str) -> None:
    """Queue an email task atomically with the write that causes it
    (`bookings.tasks.enqueue_with_write`)."""
    from bookings.tasks import enqueue_with_write, send_booking_email

    enqueue_with_write(send_booking_email, booking_id, kind)


def _check_start(*, session_type: SessionType, start: dt.datetime, now: dt.datetime,
                 policy) -> None:
    rules = sel.engine_policy(policy, session_type)
    if start < now + rules.min_notice:
        raise BookingError(TOO_SOON)
    if start > now + rules.horizon:
        raise BookingError(TOO_FAR)


def _check_slot(*, counsellor: Counsellor, session_type: SessionType, start: dt.datetime,
                now: dt.datetime, policy, exclude_booking_id: int | None = None) -> None:
    """Raise unless ``start`` is a free slot now (run with the counsellor locked)."""
    day = timezone.localtime(start, STATION_TZ).date()
    closures = sel.closures_between(day, day)
    if closures:
        raise BookingError(STATION_CLOSED)
    inputs = sel.schedule_inputs(counsellor_ids=[counsellor.pk], start_date=day,
                                 end_date=day, exclude_booking_id=exclude_booking_id)
    data = inputs[counsellor.pk]
    rules = sel.engine_policy(policy, session_type)
    duration = dt.timedelta(minutes=session_type.duration_minutes)
    kwargs = {"start_date": day, "end_date": day, "duration": duration, "now": now,
              "policy": rules, "rules": data["rules"], "extra_hours": data["extra_hours"]}
    if any(s.start == start for s in engine.free_slots(
            **kwargs, time_off=data["time_off"], busy=data["busy"])):
        return
    if any(s.start == start for s in engine.free_slots(**kwargs, time_off=data["time_off"])):
        raise BookingError(SLOT_TAKEN)
    raise BookingError(OUTSIDE_AVAILABILITY)


def _check_point(point, start: dt.datetime) -> None:
    """Raise unless families may come to ``point`` (None: no place) on the
    station date of ``start``: active, with opening hours, and not closed that
    day (a closure of that point, or a closed day in its own calendar)."""
    if point is None:
        return
    if not ServicePoint.objects.for_families().filter(pk=point.pk).exists():
        raise BookingError(POINT_UNAVAILABLE)
    day = timezone.localtime(start, STATION_TZ).date()
    if StationClosure.objects.filter(point=point, start_date__lte=day,
                                     end_date__gte=day).exists() or (
            OpeningException.objects.filter(point=point, date=day, closed=True).exists()):
        raise BookingError(POINT_CLOSED)


def _save_individual(booking: Booking) -> None:
    """full_clean and save; the exclusion constraint's refusal means SLOT_TAKEN."""
    booking.full_clean()
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        raise BookingError(SLOT_TAKEN) from exc


def _active_upcoming_count(family, now: dt.datetime) -> int:
    return Booking.objects.filter(
        family=family, group_session__isnull=True, status=Booking.Status.CONFIRMED,
        start__gt=now,
    ).count()


def _lock_user(user) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list(
        "pk").first()


# --- individual sessions -------------------------------------------------------------


@transaction.atomic
def booking_create(
    *,
    family,
    counsellor: Counsellor,
    session_type: SessionType,
    start: dt.datetime,
    mode: str,
    child=None,
    concern: str = "",
    risk_answers: Mapping | None = None,
    consent: bool,
    topic=None,
    contact_phone="",
) -> Booking:
    """Book ``counsellor`` for ``session_type`` at ``start`` for ``family``.

    ``contact_phone``: the guardian's number for an urgent call-back,
    validated as a mainland or international number and stored in E.164;
    required when the screen is positive (`contact_phone_required`: the web
    form and the API ask by the same rule).

    Enforces consent, the service and mode on offer, the child belonging to
    the family, minimum notice, horizon, closures, working hours, buffers and
    the family's limit of active bookings. A positive risk screen marks the
    booking urgent and alerts the coordinators; the booking still goes through.

    Consent: an individual booking is where sensitive personal information is
    taken (``concern``, the risk screen's answers; the web form always asks the
    screen), so every one needs ``consent=True`` -- the family's separate
    consent to sensitive data -- and records it here, in the booking's own
    transaction (`portal.privacy.consent_give`, idempotent while active), so
    the web form and the API cannot differ. A refused booking records none.
    Workshop seats (`workshop_join`) take no concern and no answers, so no
    such consent.
    """
    if not consent:
        raise BookingError(CONSENT_REQUIRED)
    start = _require_aware(start)
    if (session_type.is_group or not session_type.is_active or not counsellor.is_active
            or not session_type.counsellors.filter(pk=counsellor.pk).exists()):
        raise BookingError(SERVICE_UNAVAILABLE)
    if (session_type.modes and mode not in session_type.modes) or (
            counsellor.modes and mode not in counsellor.modes):
        raise BookingError(MODE_UNAVAILABLE)
    if child is not None and child.family.user_id != family.pk:
        raise BookingError(CHILD_INVALID)
    phone = _phone(contact_phone)
    now = timezone.now()
    # The credential must hold on the session's day (and so today): expired
    # between search and booking, expiring before the session, or the expert
    # left the pool.
    on = max(timezone.localdate(now, STATION_TZ), timezone.localdate(start, STATION_TZ))
    if network_selectors.expired_counsellor_ids(on=on).filter(
            counsellor_id=counsellor.pk).exists():
        raise BookingError(CREDENTIAL_EXPIRED)
    policy = sel.booking_policy()
    _check_start(session_type=session_type, start=start, now=now, policy=policy)
    if mode == Mode.IN_PERSON:
        _check_point(session_type.point, start)

    # Lock order everywhere: family user, then counsellor.
    _lock_user(family)
    Counsellor.objects.select_for_update().filter(pk=counsellor.pk).values_list(
        "pk").first()
    if _active_upcoming_count(family, now) >= policy.max_active_bookings:
        raise BookingError(LIMIT_REACHED)
    end = start + dt.timedelta(minutes=session_type.duration_minutes)
    # The same family for the same child (or for itself) cannot be in two
    # sessions at once: a repeated confirm, a resubmitted form or a retried
    # API call is refused here (under the family's lock), whoever the
    # counsellor -- a pooled booking would otherwise take a second one.
    if Booking.objects.live().filter(
            family=family, child=child, group_session__isnull=True,
            start__lt=end, end__gt=start).exists():
        raise BookingError(ALREADY_BOOKED_THEN)
    _check_slot(counsellor=counsellor, session_type=session_type, start=start, now=now,
                policy=policy)

    try:
        answers = intake.clean_answers(risk_answers)
    except intake.IntakeError as exc:
        raise BookingError(_INTAKE_ERRORS[exc.code]) from exc
    assessment = intake.assess(answers)
    if not phone and contact_phone_required(answers):
        raise BookingError(PHONE_REQUIRED)
    # Answers of the earlier screen (older API clients) are stored as such.
    stored = ({"risk": answers} if intake.is_legacy(answers)
              else {"screen": intake.SCREEN_VERSION, "risk": answers})
    booking = Booking(
        family=family, child=child, counsellor=counsellor, session_type=session_type,
        topic=topic, start=start, end=end,
        blocks_until=end + dt.timedelta(minutes=session_type.buffer_after_minutes),
        mode=mode, concern=concern or "", intake_answers=stored,
        is_urgent=assessment.urgent, is_safeguarding=assessment.safeguarding,
        contact_phone=phone,
    )
    _save_individual(booking)
    privacy.consent_give(user=family, kind=Consent.Kind.SENSITIVE_DATA)
    _enqueue_email(booking.pk, "confirmation")
    if booking.is_urgent:
        # The booked counsellor and every coordinator.
        _enqueue_email(booking.pk, "urgent_alert")
    if booking.is_safeguarding:
        # The safeguarding lead (mandatory reporting), with its own alert.
        _enqueue_email(booking.pk, "safeguarding_alert")
    metrics.count("bookings_made")
    return booking


def contact_phone_required(answers: Mapping | None) -> bool:
    """Whether these (cleaned) risk answers need a number to call back:
    any positive answer of the current screen (`intake.assess`).

    The earlier screen's answers come only from older API clients, which
    cannot know the field: they keep flagging risk rather than have a
    family's urgent booking refused.
    """
    answers = answers or {}
    return not intake.is_legacy(answers) and intake.assess(answers).urgent


def _phone(value) -> str:
    """A phone number in E.164, "" for none; `PHONE_INVALID` otherwise."""
    from phonenumber_field.phonenumber import to_python

    if not value:
        return ""
    number = to_python(value, region="CN")
    if number is None or not number.is_valid():
        raise BookingError(PHONE_INVALID)
    return number.as_e164


def _lock_booking(booking: Booking) -> Booking:
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("counsellor", "session_type", "group_session")
        .get(pk=booking.pk)
    )
    return locked


def _is_late(booking: Booking, now: dt.datetime, policy) -> bool:
    return booking.start - now < sel.cancel_cutoff(policy, booking.session_type)


def _lock_seat(booking: Booking) -> Booking:
    """Lock the booking's workshop first (seat counts and promotion are
    serialised on it), then the booking; the booking as it is now."""
    if booking.group_session_id:
        GroupSession.objects.select_for_update().filter(
            pk=booking.group_session_id).values_list("pk").first()
    return _lock_booking(booking)


@transaction.atomic
def booking_cancel(*, booking: Booking, by_user, reason: str = "") -> Booking:
    """Cancel a future booking; inside the cutoff a family's cancel is late.

    A freed workshop seat goes to the first family on the waitlist, who is
    told by email.
    """
    now = timezone.now()
    booking = _lock_seat(booking)
    is_owner = booking.family_id == by_user.pk
    if not is_owner and not is_staff_for(by_user, booking):
        raise BookingError(NOT_ALLOWED)
    if booking.status != Booking.Status.CONFIRMED or booking.start <= now:
        raise BookingError(NOT_CANCELLABLE)
    policy = sel.booking_policy()
    late = is_owner and _is_late(booking, now, policy)
    booking.status = Booking.Status.LATE_CANCELLED if late else Booking.Status.CANCELLED
    booking.is_late_change = booking.is_late_change or late
    booking.cancelled_at = now
    booking.cancel_reason = (reason or "")[:300]
    booking.sequence += 1
    booking.full_clean()
    booking.save()
    _enqueue_email(booking.pk, "cancellation")
    if booking.is_urgent:
        # Stepping away after a positive screen is itself a warning sign.
        _enqueue_email(booking.pk, "urgent_cancelled")
    metrics.count("bookings_cancelled")
    if booking.group_session_id:
        _promote_waitlisted(booking.group_session, now=now)
    return booking


@transaction.atomic
def booking_withdraw_for_erasure(*, booking: Booking) -> Booking:
    """Cancel a future booking of an account being erased that `booking_cancel`
    refuses (marked attended or no-show ahead of its time): the account goes,
    and so does its session. No email to the family (the account is gone; the
    counsellor is told by the erasure's notice); a freed seat is offered on.
    """
    now = timezone.now()
    booking = _lock_seat(booking)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.cancel_reason = "account erased"
    booking.sequence += 1
    booking.save(update_fields=["status", "cancelled_at", "cancel_reason", "sequence"])
    if booking.group_session_id:
        _promote_waitlisted(booking.group_session, now=now)
    return booking


@transaction.atomic
def booking_reschedule(*, booking: Booking, new_start: dt.datetime, by_user) -> Booking:
    """Move a future individual booking to another free slot.

    Same calendar UID, SEQUENCE + 1; inside the cutoff a family's move is late.
    """
    new_start = _require_aware(new_start)
    now = timezone.now()
    current = Booking.objects.select_related("counsellor", "group_session").get(
        pk=booking.pk)
    is_owner = current.family_id == by_user.pk
    if not is_owner and not is_staff_for(by_user, current):
        raise BookingError(NOT_ALLOWED)
    if current.group_session_id:
        raise BookingError(WORKSHOP_NO_RESCHEDULE)
    if current.family_id:
        _lock_user(current.family)
    Counsellor.objects.select_for_update().filter(pk=current.counsellor_id).values_list(
        "pk").first()
    booking = _lock_booking(current)
    if booking.status != Booking.Status.CONFIRMED or booking.start <= now:
        raise BookingError(NOT_CANCELLABLE)
    policy = sel.booking_policy()
    session_type = booking.session_type
    _check_start(session_type=session_type, start=new_start, now=now, policy=policy)
    _check_slot(counsellor=booking.counsellor, session_type=session_type, start=new_start,
                now=now, policy=policy, exclude_booking_id=booking.pk)
    late = is_owner and _is_late(booking, now, policy)
    booking.start = new_start
    booking.end = new_start + dt.timedelta(minutes=session_type.duration_minutes)
    booking.blocks_until = booking.end + dt.timedelta(
        minutes=session_type.buffer_after_minutes)
    booking.is_late_change = booking.is_late_change or late
    booking.sequence += 1
    booking.reminder_sent_at = None
    _save_individual(booking)
    _enqueue_email(booking.pk, "change")
    return booking


@transaction.atomic
def booking_mark_attendance(*, booking: Booking, by_user, attended: bool) -> Booking:
    """Record attended / no-show once the session has started (staff only)."""
    booking = _lock_booking(booking)
    if not is_staff_for(by_user, booking):
        raise BookingError(NOT_ALLOWED)
    if not booking.is_active:
        raise BookingError(NOT_CANCELLABLE)
    if booking.start > timezone.now():
        raise BookingError(NOT_STARTED)
    booking.status = Booking.Status.ATTENDED if attended else Booking.Status.NO_SHOW
    booking.full_clean()
    booking.save(update_fields=["status", "updated_at"])
    return booking


# --- workshops -------------------------------------------------------------------


def _lock_workshop(group_session: GroupSession) -> GroupSession:
    return (
        GroupSession.objects.select_for_update(of=("self",))
        .select_related("session_type")
        .get(pk=group_session.pk)
    )


def _seat_booking(group_session: GroupSession, *, family, child) -> Booking:
    leader = group_session.counsellors.order_by("pk").first()
    if leader is None:
        raise BookingError(WORKSHOP_CLOSED)
    booking = Booking(
        family=family, child=child, counsellor=leader,
        session_type=group_session.session_type, group_session=group_session,
        topic=group_session.topic, start=group_session.start, end=group_session.end,
        blocks_until=group_session.end, mode=group_session.mode,
    )
    booking.full_clean()
    booking.save()
    return booking


def _promote_waitlisted(group_session: GroupSession, *, now: dt.datetime) -> Booking | None:
    """Give free seats to the families waiting longest (workshop row locked)."""
    group_session = _lock_workshop(group_session)
    if group_session.status != GroupSession.Status.SCHEDULED or group_session.start <= now:
        return None
    promoted = None
    while seats_taken(group_session) < group_session.capacity:
        entry = (
            WaitlistEntry.objects.select_for_update()
            .filter(group_session=group_session, promoted_at__isnull=True,
                    left_at__isnull=True)
            .order_by("created_at", "pk").first()
        )
        if entry is None:
            break
        entry.promoted_at = now
        entry.save(update_fields=["promoted_at"])
        if group_session.seats.live().filter(family_id=entry.family_id).exists():
            continue
        promoted = _seat_booking(group_session, family=entry.family, child=entry.child)
        _enqueue_email(promoted.pk, "waitlist_promotion")
    return promoted


@transaction.atomic
def workshop_join(*, family, group_session: GroupSession,
                  child=None) -> Booking | WaitlistEntry:
    """A seat if one is free, else a place on the waitlist (returned as such)."""
    if child is not None and child.family.user_id != family.pk:
        raise BookingError(CHILD_INVALID)
    group_session = _lock_workshop(group_session)
    now = timezone.now()
    if group_session.status != GroupSession.Status.SCHEDULED or group_session.start <= now:
        raise BookingError(WORKSHOP_CLOSED)
    if group_session.mode == Mode.IN_PERSON:
        _check_point(group_session.point, group_session.start)
    if group_session.seats.live().filter(family=family).exists():
        raise BookingError(ALREADY_JOINED)
    if WaitlistEntry.objects.filter(group_session=group_session, family=family,
                                    promoted_at__isnull=True, left_at__isnull=True).exists():
        raise BookingError(ALREADY_JOINED)
    if seats_taken(group_session) < group_session.capacity:
        booking = _seat_booking(group_session, family=family, child=child)
        _enqueue_email(booking.pk, "confirmation")
        metrics.count("bookings_made")
        return booking
    entry = WaitlistEntry(group_session=group_session, family=family, child=child,
                          created_at=now)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def workshop_leave(*, family, group_session: GroupSession) -> None:
    """Give up a seat (promoting the first family waiting) or a waitlist place."""
    seat = group_session.seats.filter(family=family,
                                      status=Booking.Status.CONFIRMED).first()
    if seat is not None:
        booking_cancel(booking=seat, by_user=family)
        return
    entry = WaitlistEntry.objects.filter(group_session=group_session, family=family,
                                         promoted_at__isnull=True,
                                         left_at__isnull=True).first()
    if entry is None:
        raise BookingError(NOT_ON_WAITLIST)
    waitlist_leave(entry=entry, by_user=family)


@transaction.atomic
def waitlist_leave(*, entry: WaitlistEntry, by_user) -> None:
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.family_id != by_user.pk and not by_user.is_coordinator:
        raise BookingError(NOT_ALLOWED)
    if entry.promoted_at is not None or entry.left_at is not None:
        raise BookingError(NOT_ON_WAITLIST)
    entry.left_at = timezone.now()
    entry.save(update_fields=["left_at"])


# --- workshop edits (coordinators) ---------------------------------------------------

# What a coordinator sets on a workshop; the sequence and calendar UID are ours.
WORKSHOP_FIELDS = ("session_type", "topic", "title", "title_en", "description",
                   "description_en", "start", "end", "capacity", "mode", "point", "location",
                   "location_en", "status")
# Why a seat is cancelled when the station calls the workshop off (stored, not shown).
WORKSHOP_CANCELLED_REASON = "workshop cancelled by the station"


def _workshop_arrangement(group_session: GroupSession) -> tuple:
    """When and where the seated families' calendars and emails say they go.

    Compared in Chinese: a new English wording of the place is not a move.
    """
    with translation.override("zh-hans"):
        place = workshop_location(group_session)
    return (group_session.start, group_session.end, group_session.mode, place)


def _require_coordinator(user) -> None:
    if not user.is_coordinator:
        raise BookingError(NOT_ALLOWED)


@transaction.atomic
def workshop_create(*, by_user, values: Mapping, counsellors) -> GroupSession:
    """A new workshop: nobody is seated yet, so nobody is told anything."""
    _require_coordinator(by_user)
    group_session = GroupSession(**{k: values[k] for k in WORKSHOP_FIELDS if k in values})
    group_session.full_clean()
    group_session.save()
    group_session.counsellors.set(counsellors)
    return group_session


@transaction.atomic
def workshop_update(*, group_session: GroupSession, by_user, changes: Mapping,
                    counsellors=None) -> GroupSession:
    """Apply a coordinator's ``changes`` to a workshop and carry them to its seats.

    Under the workshop's row lock (the lock order of the seat services):

    * a new time, mode or place raises the workshop's SEQUENCE (a seat's
      SEQUENCE is its own plus the workshop's, `calendar.booking_sequence`,
      so each seat's rises with it),
      copies the times and mode onto the seats, and queues a
      ``workshop_change`` email with a calendar REQUEST to every family still
      to come; title or description edits tell nobody;
    * more seats go to the families waiting longest (`_promote_waitlisted`);
      fewer seats than are taken is refused (``WORKSHOP_CAPACITY_BELOW_SEATS``);
    * ``status`` cancelled cancels every future seat through `booking_cancel`
      (cancellation email with a calendar CANCEL, ``cancelled_at``), closes
      the waitlist with an email to each family waiting, and raises the workshop's SEQUENCE for the public feed; a
      cancelled workshop is not scheduled again (``WORKSHOP_UNCANCEL``).

    ``counsellors`` (the leaders), when given, replace the current ones; seats
    held under a leader who left move to the first remaining leader.
    """
    _require_coordinator(by_user)
    unknown = set(changes) - set(WORKSHOP_FIELDS)
    if unknown:
        raise ValueError(f"not a workshop field: {sorted(unknown)}")
    now = timezone.now()
    group_session = _lock_workshop(group_session)
    before = _workshop_arrangement(group_session)
    old_capacity, old_status = group_session.capacity, group_session.status
    for name, value in changes.items():
        setattr(group_session, name, value)
    cancelled = GroupSession.Status.CANCELLED
    if old_status == cancelled and group_session.status != cancelled:
        raise BookingError(WORKSHOP_UNCANCEL)
    cancelling = old_status != cancelled and group_session.status == cancelled
    taken = seats_taken(group_session)
    if not cancelling and group_session.capacity < taken:
        raise BookingError(WORKSHOP_CAPACITY_BELOW_SEATS, params={"seats": taken})
    moved = _workshop_arrangement(group_session) != before
    if moved or cancelling:
        # Subscribers of the workshops feed see the event move or go CANCELLED.
        group_session.sequence += 1
    group_session.full_clean()
    group_session.save()
    if counsellors is not None:
        group_session.counsellors.set(counsellors)
    _carry_to_seats(group_session, moved=moved and not cancelling, now=now)
    if cancelling:
        _cancel_workshop_seats(group_session, by_user=by_user, now=now)
    elif group_session.capacity > old_capacity:
        _promote_waitlisted(group_session, now=now)
    return group_session


def _carry_to_seats(group_session: GroupSession, *, moved: bool,
                    now: dt.datetime) -> None:
    """Seats hold copies of the workshop's times, mode and leader; keep them true."""
    leaders = list(group_session.counsellors.order_by("pk").values_list("pk", flat=True))
    seats = Booking.objects.select_for_update().live().filter(
        group_session=group_session).order_by("pk")
    copied = ("start", "end", "blocks_until", "mode", "session_type_id", "topic_id",
              "counsellor_id")
    for seat in seats:
        was = [getattr(seat, name) for name in copied]
        seat.start, seat.end = group_session.start, group_session.end
        seat.blocks_until = group_session.end
        seat.mode = group_session.mode
        seat.session_type_id = group_session.session_type_id
        seat.topic_id = group_session.topic_id
        if leaders and seat.counsellor_id not in leaders:
            seat.counsellor_id = leaders[0]
        tell = moved and seat.status == Booking.Status.CONFIRMED and seat.start > now
        if tell:
            seat.reminder_sent_at = None
        if not tell and was == [getattr(seat, name) for name in copied]:
            continue  # a title edit leaves the families' rows (and feeds) as they were
        seat.full_clean()
        seat.save()
        if tell:
            _enqueue_email(seat.pk, "workshop_change")


def _cancel_workshop_seats(group_session: GroupSession, *, by_user,
                           now: dt.datetime) -> None:
    """Every future seat cancelled as a booking is; nobody waits for a seat any more."""
    seats = group_session.seats.filter(status=Booking.Status.CONFIRMED, start__gt=now)
    for seat in seats.order_by("pk"):
        booking_cancel(booking=seat, by_user=by_user, reason=WORKSHOP_CANCELLED_REASON)
    waiting = WaitlistEntry.objects.select_for_update().filter(
        group_session=group_session, promoted_at__isnull=True, left_at__isnull=True)
    for entry in waiting.order_by("pk"):
        entry.left_at = now
        entry.save(update_fields=["left_at"])
        _enqueue_waitlist_cancelled(entry.pk)


def _enqueue_waitlist_cancelled(entry_id: int) -> None:
    """As `_enqueue_email`: in the write's transaction with the database backend."""
    from django_tasks_db.backend import DatabaseBackend

    from bookings.tasks import send_waitlist_cancelled_email

    if isinstance(send_waitlist_cancelled_email.get_backend(), DatabaseBackend):
        send_waitlist_cancelled_email.enqueue(entry_id)
    else:
        transaction.on_commit(lambda: send_waitlist_cancelled_email.enqueue(entry_id))


def workshop_check_deletable(*, group_session: GroupSession) -> None:
    """Refuse to delete a workshop families booked or wait for.

    Deleting would take their seats (cascade) without a word to them; calling
    the workshop off (status cancelled) tells them.
    """
    if group_session.seats.exists() or group_session.waitlist.filter(
            promoted_at__isnull=True, left_at__isnull=True).exists():
        raise BookingError(WORKSHOP_HAS_FAMILIES)


@transaction.atomic
def workshop_delete(*, group_session: GroupSession, by_user) -> None:
    """Delete a workshop nobody booked or waits for (a mistake, a test entry)."""
    _require_coordinator(by_user)
    group_session = _lock_workshop(group_session)
    workshop_check_deletable(group_session=group_session)
    group_session.delete()


# --- notes ------------------------------------------------------------------------


@transaction.atomic
def note_add(*, booking: Booking, author, body: str) -> SessionNote:
    """A private note by the booking's counsellor or a coordinator."""
    if not is_staff_for(author, booking):
        raise BookingError(NOT_ALLOWED)
    body = (body or "").strip()
    if not body:
        raise BookingError(NOTE_EMPTY)
    note = SessionNote(booking=booking, author=author, body=body)
    note.full_clean()
    note.save()
    return note


def note_locked(note: SessionNote, now: dt.datetime | None = None) -> bool:
    """Whether `note` is past its `NOTE_EDIT_WINDOW` at `now`: nobody edits it."""
    return (now or timezone.now()) >= note.created_at + NOTE_EDIT_WINDOW


def note_edit_refusal(*, note: SessionNote, by_user,
                      now: dt.datetime | None = None) -> str | None:
    """Why `by_user` may not edit `note` at `now` (a message constant), or None.

    Only its author, while still working on the booking, within
    `NOTE_EDIT_WINDOW` of when it was written. Pages use it to offer the edit
    link; `note_edit` enforces it.
    """
    now = now or timezone.now()
    if by_user is None or note.author_id is None or note.author_id != by_user.pk:
        return NOTE_NOT_AUTHOR
    if note_locked(note, now):
        return NOTE_LOCKED
    if not is_staff_for(by_user, note.booking):
        return NOT_ALLOWED
    return None


@transaction.atomic
def note_edit(*, note: SessionNote, by_user, body: str) -> SessionNote:
    """Replace a note's text by its author within `NOTE_EDIT_WINDOW`; the text
    it replaces is kept as a `SessionNoteRevision` (when, by whom).

    Locks the note row so that two edits in flight each keep the text the
    other replaced, and the window is checked on the locked row.
    """
    note = SessionNote.objects.select_for_update().select_related("booking").get(
        pk=note.pk)
    now = timezone.now()
    refusal = note_edit_refusal(note=note, by_user=by_user, now=now)
    if refusal:
        raise BookingError(refusal)
    body = (body or "").strip()
    if not body:
        raise BookingError(NOTE_EMPTY)
    if body == note.body:
        return note
    revision = SessionNoteRevision(note=note, body=note.body, edited_at=now,
                                   editor=by_user)
    revision.full_clean()
    note.body, note.edited_at = body, now
    note.full_clean()
    revision.save()
    note.save(update_fields=["body", "edited_at", "updated_at"])
    return note


# --- urgent follow-up ---------------------------------------------------------------


@transaction.atomic
def _urgent_booking(booking: Booking, by_user) -> Booking:
    """The urgent booking, locked, once `by_user` may work on it."""
    booking = _lock_booking(booking)
    # Staff are parents too: their own family's urgent booking is a colleague's
    # to follow up, never theirs to take out of the queue.
    if booking.family_id == by_user.pk or not is_staff_for(by_user, booking):
        raise BookingError(NOT_ALLOWED)
    if not booking.is_urgent:
        raise BookingError(NOT_URGENT)
    return booking


@transaction.atomic
def urgent_follow_up_record(*, booking: Booking, by_user, outcome: str, asq: str,
                            note: str = "",
                            channel: str = UrgentFollowUp.Channel.PHONE) -> UrgentFollowUp:
    """Log a contact attempt on an urgent intake: who, when, how, with what outcome.

    Staff of the booking only, never its own family. The intake moves
    new → contacted → resolved: "spoke" marks it contacted (when and by whom,
    the first time); a closing outcome (reached and assessed, emergency care,
    handed to the safeguarding lead) resolves it and takes it out of the
    urgent queue; "no answer" is logged and changes nothing. Whoever reaches
    the family on an unclaimed intake becomes its owner. The optional note is a
    private session note (its reads are access-logged like every note).
    """
    booking = _urgent_booking(booking, by_user)
    if (outcome not in UrgentFollowUp.Outcome.values
            or asq not in UrgentFollowUp.Asq.values
            or channel not in UrgentFollowUp.Channel.values):
        raise BookingError(FOLLOW_UP_INVALID)
    now = timezone.now()
    follow_up = UrgentFollowUp(booking=booking, author=by_user, outcome=outcome,
                               asq=asq, channel=channel, created_at=now)
    follow_up.full_clean()
    follow_up.save()
    note = (note or "").strip()
    if note:
        session_note = SessionNote(booking=booking, author=by_user, body=note)
        session_note.full_clean()
        session_note.save()
    changed = []
    reached = outcome != UrgentFollowUp.Outcome.NO_ANSWER
    # Reaching the family makes one its owner; an unanswered call does not
    # (the intake stays unclaimed, so its escalation still comes).
    if reached and booking.urgent_owner_id is None:
        booking.urgent_owner, booking.urgent_claimed_at = by_user, now
        changed += ["urgent_owner", "urgent_claimed_at"]
    if reached and booking.urgent_contacted_at is None:
        booking.urgent_contacted_at, booking.urgent_contacted_by = now, by_user
        changed += ["urgent_contacted_at", "urgent_contacted_by"]
    if outcome in UrgentFollowUp.CLOSING and booking.followed_up_at is None:
        booking.followed_up_at, booking.urgent_resolved_by = now, by_user
        changed += ["followed_up_at", "urgent_resolved_by"]
    if changed:
        booking.save(update_fields=[*changed, "updated_at"])
    return follow_up


@transaction.atomic
def urgent_claim(*, booking: Booking, by_user, assignee=None) -> Booking:
    """Take an urgent intake on (or, for a coordinator, give it to another
    coordinator: `assignee`). An intake someone else owns is refused
    (`URGENT_CLAIMED`, 409 at the doors) unless a coordinator reassigns it;
    a resolved one cannot change hands."""
    from portal.models import Role

    booking = _urgent_booking(booking, by_user)
    if booking.followed_up_at is not None:
        raise BookingError(URGENT_RESOLVED)
    owner = assignee or by_user
    if assignee is not None:
        if not (by_user.has_role(Role.COORDINATOR) and assignee.is_active
                and assignee.has_role(Role.COORDINATOR)
                and assignee.pk != booking.family_id):
            raise BookingError(URGENT_ASSIGNEE_INVALID)
    elif booking.urgent_owner_id not in (None, by_user.pk):
        raise BookingError(URGENT_CLAIMED)
    if booking.urgent_owner_id != owner.pk:
        booking.urgent_owner, booking.urgent_claimed_at = owner, timezone.now()
        booking.save(update_fields=["urgent_owner", "urgent_claimed_at", "updated_at"])
    return booking


def open_minutes_between(start: dt.datetime, end: dt.datetime, policy) -> float:
    """Minutes of the station's opening hours (`BookingPolicy.open_weekdays`,
    `opens_at`–`closes_at`, station time) between `start` and `end`."""
    # Asia/Shanghai keeps no summer time: combining a date and a wall-clock
    # time below is exact.
    start, end = start.astimezone(STATION_TZ), end.astimezone(STATION_TZ)
    if end <= start:
        return 0.0
    if (end.date() - start.date()).days > 14:
        # Past the fortnight the count stops at: due, whatever the settings.
        return float("inf")
    days = set(policy.open_weekdays or "")
    total = 0.0
    day = start.date()
    while day <= end.date():
        if str(day.weekday()) in days:
            opens = dt.datetime.combine(day, policy.opens_at, tzinfo=STATION_TZ)
            closes = dt.datetime.combine(day, policy.closes_at, tzinfo=STATION_TZ)
            overlap = min(closes, end) - max(opens, start)
            total += max(overlap.total_seconds(), 0.0) / 60
        day += dt.timedelta(days=1)
    return total


@transaction.atomic
def urgent_escalate(*, now: dt.datetime | None = None) -> int:
    """Email every coordinator again, once per intake, about urgent intakes
    still unclaimed `urgent_escalation_minutes` of opening hours after they
    came in (`BookingPolicy`). Returns escalations queued."""
    now = now or timezone.now()
    policy = sel.booking_policy()
    unclaimed = Q(is_urgent=True, followed_up_at__isnull=True, urgent_owner__isnull=True,
                  urgent_escalated_at__isnull=True, anonymised_at__isnull=True)
    # Read without locks (a coordinator claiming meanwhile is not kept
    # waiting); each escalation is a conditional update, so a claim or another
    # sweep that got there first wins and nothing is sent twice.
    candidates = Booking.objects.filter(
        unclaimed,
        created_at__lte=now - dt.timedelta(minutes=policy.urgent_escalation_minutes),
    ).order_by("created_at", "pk").values_list("pk", "created_at")
    queued = 0
    for booking_id, created_at in candidates:
        if open_minutes_between(created_at, now, policy) < policy.urgent_escalation_minutes:
            continue
        if Booking.objects.filter(unclaimed, pk=booking_id).update(urgent_escalated_at=now):
            _enqueue_email(booking_id, "urgent_escalated")
            queued += 1
    return queued


def urgent_response_hours() -> int:
    from portal.models import SiteSettings

    setting = SiteSettings.objects.filter(site__is_default_site=True).first()
    return setting.urgent_response_hours if setting else 2


@transaction.atomic
def urgent_unfollowed_alert(*, now: dt.datetime | None = None) -> int:
    """Alert the coordinators, once per booking, about urgent bookings with no
    closing follow-up ``urgent_response_hours`` after they came in.

    Wall-clock hours, also at night: the alert is then earlier than the
    out-of-hours promise to the family, never later. Bookings anonymised by
    an account erasure are left out: `urgent_erasure_alert` was their alert,
    and "contact the family now" can no longer be done. Returns alerts queued.
    """
    now = now or timezone.now()
    due = now - dt.timedelta(hours=urgent_response_hours())
    ids = list(
        Booking.objects.select_for_update().filter(
            is_urgent=True, followed_up_at__isnull=True,
            unfollowed_alert_sent_at__isnull=True, created_at__lte=due,
            # An erased family's bookings had their alert (`urgent_erased`).
            anonymised_at__isnull=True,
        ).order_by("created_at", "pk").values_list("pk", flat=True)
    )
    Booking.objects.filter(pk__in=ids).update(unfollowed_alert_sent_at=now)
    for booking_id in ids:
        _enqueue_email(booking_id, "urgent_unfollowed")
    return len(ids)


def urgent_erasure_alert(*, family, now: dt.datetime | None = None) -> int:
    """Before a family's account is erased: alert the coordinators about each
    urgent booking not yet followed up, or still ahead (runs in the erasure's
    transaction; the booking cancellations it makes send no second alert).
    """
    now = now or timezone.now()
    ids = list(
        Booking.objects.filter(family=family, is_urgent=True).filter(
            Q(followed_up_at__isnull=True) | Q(start__gt=now)
        ).order_by("pk").values_list("pk", flat=True)
    )
    for booking_id in ids:
        _enqueue_email(booking_id, "urgent_erased")
    return len(ids)



# --- pooled booking ("the next available counsellor for this topic") ---------------

POOL_EMPTY = gettext_noop(
    "目前没有咨询师以这种方式提供这个主题的咨询。你可以换一种方式，或从咨询师列表中选择，"
    "需要马上帮助时请拨打页面上的求助电话。")
POINT_UNKNOWN = gettext_noop("找不到这个服务点，请从列表中选择一个服务点，或选择线上方式。")
POINT_NO_HOURS = gettext_noop(
    "这个服务点暂时没有开放时间，不能在这里预约面谈。请选择其他服务点，或选择线上方式。")
SERVICE_NOT_AT_POINT = gettext_noop("这项服务不在这个服务点提供，请选择在这里提供的服务。")
POOL_EMPTY_AT_POINT = gettext_noop(
    "目前没有咨询师在这个服务点面谈这个主题。你可以换一个服务点、选择线上方式，或从咨询师"
    "列表中选择，需要马上帮助时请拨打页面上的求助电话。")
# How many free times of the pool after the one just taken a "just taken"
# answer offers, and how many days from it they are looked for.
POOL_NEXT_TIMES = 3
POOL_NEXT_DAYS = 28

# Refusals that belong to one counsellor (taken, hours or services changed since
# the search): the next candidate is tried. Any other refusal (consent, notice,
# horizon, closure, the family's limit, the answers) would refuse every
# candidate alike and is raised at once.
_PER_COUNSELLOR = frozenset({SLOT_TAKEN, OUTSIDE_AVAILABILITY, SERVICE_UNAVAILABLE,
                             MODE_UNAVAILABLE, CREDENTIAL_EXPIRED})


class PooledSlotTaken(BookingError):
    """`SLOT_TAKEN` for a pooled booking: no one in the pool is free at that time
    any more. ``next_slots``: the pool's next free times after it
    (`pool.PooledSlot`)."""

    def __init__(self, next_slots):
        super().__init__(SLOT_TAKEN)
        self.next_slots = list(next_slots)


def _pool_next_slots(*, topic, session_type: SessionType, mode: str,
                     after: dt.datetime, now: dt.datetime, point=None) -> list:
    from bookings import pool_selectors

    day = timezone.localtime(after, STATION_TZ).date()
    free = pool_selectors.pooled_free_slots(
        topic=topic, session_type=session_type, start_date=day,
        end_date=day + dt.timedelta(days=POOL_NEXT_DAYS - 1), mode=mode, now=now,
        point=point)
    return [s for s in free if s.start > after][:POOL_NEXT_TIMES]


def pool_point(*, slug: str) -> ServicePoint:
    """The service point a pooled search in person may name by ``slug``: active
    and with opening hours. One query.

    Raises `BookingError`: ``POINT_UNKNOWN`` for no such point or an
    inactive one (families cannot see it, so it is not confirmed to exist),
    ``POINT_NO_HOURS`` for a point without opening hours.
    """
    point = (
        ServicePoint.objects.filter(slug=slug, is_active=True)
        .annotate(has_hours=Exists(OpeningHours.objects.filter(point=OuterRef("pk"))))
        .first()
    )
    if point is None:
        raise BookingError(POINT_UNKNOWN)
    if not point.has_hours:
        raise BookingError(POINT_NO_HOURS)
    return point


def booking_create_pooled(
    *,
    family,
    topic,
    session_type: SessionType,
    start: dt.datetime,
    mode: str,
    point: ServicePoint | None = None,
    **details,
) -> Booking:
    """Book the counsellor of ``topic``'s pool whom the fair rule assigns at
    ``start`` (`bookings.pool.pick_counsellor`), for ``family``. ``details``:
    the intake keywords of `booking_create` (``child``, ``concern``,
    ``risk_answers``, ``consent``, ``contact_phone``), passed on as they are.

    The candidates are the pool's counsellors free at ``start``
    (`pool_selectors.pooled_free_slots`: active, covering ``topic``, offering
    ``session_type`` in ``mode``), in the fair rule's order of their load
    (`pool_selectors.counsellor_load`). Each is tried in turn through
    `booking_create` itself -- the one door of an individual booking, with its
    locks, re-check, constraint, consent, risk screen and emails -- until one
    succeeds; a candidate taken meanwhile passes to the next. When every one
    is taken: `PooledSlotTaken` (``SLOT_TAKEN``) with the pool's next free
    times after ``start``. No one covering the topic in that mode: ``POOL_EMPTY``.

    ``point``: in person at that service point (ignored for online and phone):
    ``session_type`` must be the one held there (``SERVICE_NOT_AT_POINT``),
    the point one families may come to (``POINT_UNAVAILABLE``), and the pool
    those with hours there (`pool_selectors.pool_counsellors`); no one:
    ``POOL_EMPTY_AT_POINT``.

    Not atomic itself, on purpose: each attempt is its own transaction, so no
    counsellor's lock is held while the next is tried (two requests trying
    the candidates in different orders cannot deadlock). Call it outside a
    transaction for that to hold. A refused attempt saves nothing.

    A counsellor whose credential expired between search and booking is
    refused by `booking_create` (``CREDENTIAL_EXPIRED``) and passed over.
    """
    from bookings import pool, pool_selectors

    if not details.get("consent"):
        raise BookingError(CONSENT_REQUIRED)
    start = _require_aware(start)
    if session_type.is_group or not session_type.is_active:
        raise BookingError(SERVICE_UNAVAILABLE)
    if session_type.modes and mode not in session_type.modes:
        raise BookingError(MODE_UNAVAILABLE)
    if mode != Mode.IN_PERSON:
        point = None  # online and phone sessions need no point
    if point is not None:
        if not ServicePoint.objects.for_families().filter(pk=point.pk).exists():
            raise BookingError(POINT_UNAVAILABLE)
        if session_type.point_id != point.pk:
            raise BookingError(SERVICE_NOT_AT_POINT)
    now = timezone.now()
    # Notice and horizon first: a time too soon is "too soon", not "taken".
    _check_start(session_type=session_type, start=start, now=now,
                 policy=sel.booking_policy())
    if not pool_selectors.pool_counsellors(topic=topic, session_type=session_type,
                                           mode=mode, point=point):
        raise BookingError(POOL_EMPTY if point is None else POOL_EMPTY_AT_POINT)
    day = timezone.localtime(start, STATION_TZ).date()
    free_at = next(
        (s.counsellors for s in pool_selectors.pooled_free_slots(
            topic=topic, session_type=session_type, start_date=day, end_date=day,
            mode=mode, now=now, point=point) if s.start == start),
        (),
    )
    load = pool_selectors.counsellor_load(free_at, now=now)
    people = Counsellor.objects.in_bulk(list(free_at))
    remaining = list(free_at)
    while remaining:
        chosen = pool.pick_counsellor(remaining, load)
        remaining.remove(chosen)
        if chosen not in people:  # deleted since the search
            continue
        try:
            return booking_create(
                family=family, counsellor=people[chosen], session_type=session_type,
                start=start, mode=mode, topic=topic, **details,
            )
        except BookingError as exc:
            if exc.msgid not in _PER_COUNSELLOR:
                raise
    raise PooledSlotTaken(_pool_next_slots(topic=topic, session_type=session_type,
                                           mode=mode, after=start, now=now,
                                           point=point))
