"""Reminders and urgent call-back notices by SMS, for families who chose them."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from bookings import tasks
from bookings.models import Mode
from portal.models import FamilyProfile
from tests.factories import BookingFactory, FamilyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

START = dt.datetime(2027, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _family(*, chose_sms=True, verified=True, email="sms-family@example.cn", language="zh-hans"):
    family = FamilyFactory(email=email, phone="+8613812345678", phone_verified=verified,
                           preferred_language=language)
    FamilyProfile.objects.filter(user=family).update(sms_notices=chose_sms)
    return family


@pytest.fixture
def at_eight(time_machine):
    time_machine.move_to(START - dt.timedelta(hours=2), tick=False)


def _remind(family, **booking):
    BookingFactory(family=family, start=START, **{"mode": Mode.PHONE, **booking})
    call_command("send_reminders", "--now", stdout=io.StringIO())


def test_a_family_that_chose_sms_gets_the_reminder_by_sms_with_time_and_place_only(
        at_eight, sms_outbox):
    _remind(_family())
    [text] = sms_outbox
    assert text.phone == "+8613812345678"
    assert text.text == ("【未愛小屋】提醒：您的预约在 2027-03-02 10:00，"
                         "地点：电话（咨询师会按约定时间致电）。")
    assert len(mail.outbox) == 1  # the email as always


def test_the_reminder_sms_is_in_the_familys_language(at_eight, sms_outbox):
    _remind(_family(language="en"))
    assert sms_outbox[0].text.startswith("[Weiai Cottage] Reminder: your appointment is at "
                                         "2027-03-02 10:00")


def test_a_phone_only_family_gets_the_sms_and_no_email(at_eight, sms_outbox):
    _remind(_family(email=None))
    assert len(sms_outbox) == 1
    assert mail.outbox == []


@pytest.mark.parametrize("family_kwargs", [{"chose_sms": False}, {"verified": False}])
def test_no_sms_without_the_choice_or_a_verified_number(at_eight, sms_outbox, family_kwargs):
    _remind(_family(**family_kwargs))
    assert sms_outbox == []
    assert len(mail.outbox) == 1


def test_an_urgent_booking_texts_the_call_back_notice_but_never_for_safeguarding(
        at_eight, sms_outbox):
    family = _family()
    urgent = BookingFactory(family=family, start=START, is_urgent=True)
    tasks.send_booking_email.call(urgent.pk, "confirmation")
    assert [s.text for s in sms_outbox] == ["【未愛小屋】我们已收到您的登记，工作人员会尽快给您回电。"]
    sms_outbox.clear()
    harm = BookingFactory(family=family, start=START + dt.timedelta(hours=2), is_urgent=True,
                          is_safeguarding=True)
    tasks.send_booking_email.call(harm.pk, "confirmation")
    assert sms_outbox == []


def test_a_long_place_is_cut_to_what_an_sms_variable_holds(at_eight, sms_outbox):
    from tests.factories import SessionTypeFactory

    long_place = "四川省成都市武侯区某某街道某某社区服务中心三楼东侧走廊尽头的未愛小屋儿童之家活动室"
    session_type = SessionTypeFactory(location=long_place)
    _remind(_family(), session_type=session_type, mode=Mode.IN_PERSON)
    [text] = sms_outbox
    place = text.params["place"]
    assert len(place) == 35 and place == long_place[:34] + "…"
    assert len(long_place) > 35


def test_an_online_reminder_points_to_my_bookings_not_an_email(at_eight, sms_outbox):
    _remind(_family(email=None), mode=Mode.ONLINE)
    [text] = sms_outbox
    assert text.params["place"] == "线上，链接见“我的预约”"
    assert "邮件" not in text.text
