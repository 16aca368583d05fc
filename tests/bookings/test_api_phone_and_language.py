"""Issue 12 in the JSON API: the guardian's phone on a positive risk screen
(the same rule as the web form), and stored texts in the caller's language
with the language of each text said."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from bookings import intake
from bookings.models import Booking
from portal.models import ApiToken
from tests.bookings.engine_setup import make_setup
from tests.bookings.web_setup import with_totp
from tests.factories import (
    CoordinatorFactory,
    CounsellorFactory,
    GroupSessionFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

CALM = dict.fromkeys(intake.RISK_KEYS, "no")
POSITIVE = {**CALM, "child_wish_dead": "yes"}
PHONE_REQUIRED_ZH = "请留下能马上联系到你的手机号，协调员会用这个号码回电。"
PHONE_REQUIRED_EN = (
    "Please leave a mobile number we can reach you on right away; "
    "a coordinator will call you back on it."
)
PHONE_INVALID_ZH = "请填写正确的手机号，例如 139 1234 5678。"
PHONE_INVALID_EN = "Please enter a valid mobile number, e.g. 139 1234 5678."


@pytest.fixture
def setup():
    return make_setup()


@pytest.fixture
def api(setup):
    _token, secret = ApiToken.issue(user=setup.family, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    class Api:
        def get(self, path, language=None):
            headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
            return client.get(f"/api/v1{path}", **headers)

        def book(self, language=None, **body):
            headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
            return client.post(
                "/api/v1/bookings",
                {
                    "counsellor": setup.counsellor.pk,
                    "session_type": setup.session_type.pk,
                    "start": setup.at(10).isoformat(),
                    "mode": "in_person",
                    "consent": True,
                    **body,
                },
                content_type="application/json",
                **headers,
            )

    return Api()


def _phone_error(message: str, code: str) -> dict:
    return {
        "detail": [{"loc": ["body", "contact_phone"], "msg": message, "type": code}]
    }


# --- the phone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, PHONE_REQUIRED_ZH),
        ("zh-hans", PHONE_REQUIRED_ZH),
        ("en", PHONE_REQUIRED_EN),
    ],
)
def test_a_positive_screen_without_a_phone_is_refused_in_the_callers_language(
    api, language, message
):
    response = api.book(language=language, risk_answers=POSITIVE)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == _phone_error(message, "phone_required")
    assert Booking.objects.count() == 0


def test_danger_now_alone_needs_a_phone_too(api):
    response = api.book(risk_answers={**CALM, "danger_now": "unsure"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == _phone_error(PHONE_REQUIRED_ZH, "phone_required")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, PHONE_INVALID_ZH),
        ("en", PHONE_INVALID_EN),
    ],
)
def test_a_number_that_is_not_one_is_refused(api, language, message):
    response = api.book(language=language, risk_answers=POSITIVE, contact_phone="12345")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == _phone_error(message, "phone_invalid")
    assert Booking.objects.count() == 0


def test_an_invalid_number_is_refused_on_a_calm_screen_too(api):
    response = api.book(risk_answers=CALM, contact_phone="not a phone")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json() == _phone_error(PHONE_INVALID_ZH, "phone_invalid")


def test_a_positive_screen_with_a_phone_books_and_never_echoes_the_number(api):
    response = api.book(risk_answers=POSITIVE, contact_phone="139 1234 5678")
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert body["is_urgent"] is True
    booking = Booking.objects.get()
    assert str(booking.contact_phone) == "+8613912345678"
    # The family's own answers never carry it (the web shows it to staff only).
    detail = api.get(f"/bookings/{booking.pk}")
    listed = api.get("/bookings")
    for answer in (response, detail, listed):
        assert "contact_phone" not in answer.content.decode()
        assert "13912345678" not in answer.content.decode()
    assert detail.json()["id"] == booking.pk


def test_a_calm_screen_needs_no_phone(api):
    response = api.book(risk_answers=CALM)
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["is_urgent"] is False
    assert Booking.objects.get().contact_phone == ""


def test_the_earlier_screen_still_books_without_a_phone(api):
    # Older clients cannot know the field: their urgent bookings still go through.
    response = api.book(risk_answers={"self_harm_thoughts": True})
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["is_urgent"] is True


def test_staff_see_the_number_on_the_staff_page_not_in_the_api(api, setup):
    api.book(risk_answers=POSITIVE, contact_phone="+86 139 1234 5678")
    booking = Booking.objects.get()
    coordinator = with_totp(CoordinatorFactory())
    _token, secret = ApiToken.issue(user=coordinator, name="test")
    refused = Client().get(
        f"/api/v1/bookings/{booking.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert refused.status_code == HTTPStatus.NOT_FOUND
    web = Client()
    web.force_login(coordinator)
    page = web.get(reverse("bookings:detail", kwargs={"pk": booking.pk}))
    assert page.status_code == HTTPStatus.OK
    assert 'href="tel:+8613912345678"' in page.content.decode()


def test_the_schema_documents_the_phone():
    schema = Client().get("/api/v1/openapi.json").json()
    field = schema["components"]["schemas"]["BookingIn"]["properties"]["contact_phone"]
    assert "phone_required" in field["description"]
    assert (
        "contact_phone"
        not in schema["components"]["schemas"]["BookingOut"]["properties"]
    )


# --- the language of stored texts ---------------------------------------------------------


@pytest.fixture
def topic():
    topic = TopicFactory(name="心理危机干预", slug="crisis-intervention")
    english = topic.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0]
    )
    english.name = "Crisis intervention"
    english.save()
    return topic


@pytest.fixture
def english_counsellor(setup, topic):
    counsellor = setup.counsellor
    counsellor.display_name, counsellor.display_name_en = "林晓舟", "Lin Xiaozhou"
    counsellor.title, counsellor.title_en = "社工师", "Social worker"
    counsellor.bio, counsellor.bio_en = (
        "十年青少年工作经验。",
        "Ten years with teenagers.",
    )
    counsellor.credentials, counsellor.credentials_en = "演示资质", "Demo credentials"
    counsellor.save()
    counsellor.specialties.set([topic])
    session_type = setup.session_type
    session_type.location, session_type.location_en = (
        "咨询室（二楼）",
        "Counselling room",
    )
    session_type.save()
    return counsellor


def _one(items: list[dict], pk: int) -> dict:
    return next(item for item in items if item["id"] == pk)


def test_counsellors_in_english_for_an_english_caller(api, english_counsellor):
    response = api.get("/counsellors", language="en")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Language"] == "en"
    row = _one(response.json(), english_counsellor.pk)
    assert {
        k: row[k]
        for k in (
            "display_name",
            "display_name_lang",
            "title",
            "title_lang",
            "bio",
            "bio_lang",
            "credentials",
            "credentials_lang",
        )
    } == {
        "display_name": "Lin Xiaozhou",
        "display_name_lang": "en",
        "title": "Social worker",
        "title_lang": "en",
        "bio": "Ten years with teenagers.",
        "bio_lang": "en",
        "credentials": "Demo credentials",
        "credentials_lang": "en",
    }


def test_counsellors_in_chinese_by_default(api, english_counsellor):
    response = api.get("/counsellors")
    assert response["Content-Language"] == "zh-hans"
    row = _one(response.json(), english_counsellor.pk)
    assert (row["display_name"], row["display_name_lang"]) == ("林晓舟", "zh-Hans")
    assert (row["bio"], row["bio_lang"]) == ("十年青少年工作经验。", "zh-Hans")


def test_a_counsellor_without_english_is_chinese_and_says_so(api, setup):
    counsellor = CounsellorFactory(display_name="周老师", title="心理咨询师")
    setup.session_type.counsellors.add(counsellor)
    row = _one(api.get("/counsellors", language="en").json(), counsellor.pk)
    assert (row["display_name"], row["display_name_lang"]) == ("周老师", "zh-Hans")
    assert (row["title"], row["title_lang"]) == ("心理咨询师", "zh-Hans")


def test_session_types_in_english(api, english_counsellor, setup):
    english = _one(
        api.get("/session-types", language="en").json(), setup.session_type.pk
    )
    assert (english["name"], english["name_lang"]) == ("Individual consultation", "en")
    assert (english["location"], english["location_lang"]) == ("Counselling room", "en")
    chinese = _one(api.get("/session-types").json(), setup.session_type.pk)
    assert (chinese["name"], chinese["name_lang"]) == ("个体咨询", "zh-Hans")
    assert (
        chinese["name_en"] == "Individual consultation"
    )  # the stored English, as it is


def test_workshops_in_english_with_chinese_marked_where_missing(
    api, english_counsellor, topic
):
    translated = GroupSessionFactory(
        title="好好说话",
        title_en="Talking with teenagers",
        description="练习倾听。",
        description_en="Practise listening.",
        location="活动室（一楼）",
        location_en="Activity room",
        topic=topic,
        counsellors=[english_counsellor],
    )
    untranslated = GroupSessionFactory(
        title="亲子沟通",
        description="一起练习。",
        location="二楼",
        topic=TopicFactory(name="情绪疏导", slug="emotions"),
        counsellors=[english_counsellor],
    )
    rows = api.get("/workshops", language="en").json()
    english = _one(rows, translated.pk)
    assert {
        k: english[k]
        for k in (
            "title",
            "title_lang",
            "description",
            "description_lang",
            "location",
            "location_lang",
            "topic",
            "topic_name",
            "topic_name_lang",
        )
    } == {
        "title": "Talking with teenagers",
        "title_lang": "en",
        "description": "Practise listening.",
        "description_lang": "en",
        "location": "Activity room",
        "location_lang": "en",
        "topic": "crisis-intervention",
        "topic_name": "Crisis intervention",
        "topic_name_lang": "en",
    }
    chinese = _one(rows, untranslated.pk)
    assert {
        k: chinese[k]
        for k in (
            "title",
            "title_lang",
            "description_lang",
            "location_lang",
            "topic_name",
            "topic_name_lang",
        )
    } == {
        "title": "亲子沟通",
        "title_lang": "zh-Hans",
        "description_lang": "zh-Hans",
        "location_lang": "zh-Hans",
        "topic_name": "情绪疏导",
        "topic_name_lang": "zh-Hans",
    }
    default = _one(api.get("/workshops").json(), translated.pk)
    assert (default["title"], default["topic_name"]) == ("好好说话", "心理危机干预")


def test_a_booking_names_the_counsellor_in_the_callers_language(
    api, english_counsellor
):
    created = api.book(language="en", risk_answers=CALM)
    assert created.status_code == HTTPStatus.CREATED
    assert (
        created.json()["counsellor_name"],
        created.json()["counsellor_name_lang"],
    ) == ("Lin Xiaozhou", "en")
    listed = api.get("/bookings").json()
    assert (listed[0]["counsellor_name"], listed[0]["counsellor_name_lang"]) == (
        "林晓舟",
        "zh-Hans",
    )


def test_the_schema_says_which_language_a_text_is_in():
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    lang = schemas["CounsellorOut"]["properties"]["display_name_lang"]
    assert lang["enum"] == ["zh-Hans", "en"]
    assert "display_name_lang" in schemas["CounsellorOut"]["required"]
    assert (
        "Accept-Language"
        in Client().get("/api/v1/openapi.json").json()["info"]["description"]
    )
