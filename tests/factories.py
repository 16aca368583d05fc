"""Shared factory-boy factories. Append new factories; don't rewrite others'."""

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from wagtail.models import Locale

from bookings.models import (
    AvailabilityRule,
    Booking,
    Counsellor,
    GroupSession,
    Mode,
    SessionType,
)
from courses.models import Topic
from portal.models import Child, FamilyProfile, Role, User
from portal.roles import add_role

PASSWORD = "correct-horse-battery-9"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            if not self.email:
                return  # signed up with a mobile number only
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class FamilyFactory(UserFactory):
    @factory.post_generation
    def family_role(self, create, extracted, **kwargs):
        if create:
            add_role(self, Role.FAMILY)
            FamilyProfile.objects.get_or_create(user=self)


class CounsellorUserFactory(UserFactory):
    @factory.post_generation
    def counsellor_role(self, create, extracted, **kwargs):
        if create:
            add_role(self, Role.COUNSELLOR)


class CoordinatorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def coordinator_role(self, create, extracted, **kwargs):
        if create:
            add_role(self, Role.COORDINATOR)


class EditorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def editor_role(self, create, extracted, **kwargs):
        if create:
            add_role(self, Role.EDITOR)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    family = factory.LazyFunction(lambda: FamilyFactory().family_profile)
    nickname = factory.Sequence(lambda n: f"小朋友{n}")
    birth_year = factory.LazyFunction(lambda: timezone.localdate().year - 10)
    school_stage = Child.SchoolStage.PRIMARY


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug", "locale")

    name = factory.Sequence(lambda n: f"主题{n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    locale = factory.LazyFunction(
        lambda: Locale.objects.get_or_create(language_code="zh-hans")[0]
    )


class CounsellorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counsellor
        skip_postgeneration_save = True

    user = factory.SubFactory(CounsellorUserFactory)
    display_name = factory.Sequence(lambda n: f"咨询师{n}")
    slug = factory.Sequence(lambda n: f"counsellor-{n}")
    languages = factory.LazyFunction(lambda: ["zh-hans"])
    modes = factory.LazyFunction(lambda: [Mode.IN_PERSON, Mode.ONLINE])

    @factory.post_generation
    def specialties(self, create, extracted, **kwargs):
        if create and extracted:
            self.specialties.set(extracted)


class SessionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionType
        skip_postgeneration_save = True

    name = "个体咨询"
    name_en = "Individual consultation"
    slug = factory.Sequence(lambda n: f"individual-{n}")
    kind = SessionType.Kind.INDIVIDUAL
    duration_minutes = 50
    buffer_after_minutes = 10
    modes = factory.LazyFunction(lambda: [Mode.IN_PERSON, Mode.ONLINE])

    @factory.post_generation
    def counsellors(self, create, extracted, **kwargs):
        if create and extracted:
            self.counsellors.set(extracted)


class AvailabilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityRule

    counsellor = factory.SubFactory(CounsellorFactory)
    weekday = 0
    start_time = dt.time(9, 0)
    end_time = dt.time(17, 0)


class GroupSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupSession
        skip_postgeneration_save = True

    session_type = factory.SubFactory(
        SessionTypeFactory, kind=SessionType.Kind.GROUP, name="家长工作坊",
        duration_minutes=90, capacity=12,
    )
    title = factory.Sequence(lambda n: f"家长工作坊{n}")
    start = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=90))
    capacity = 12

    @factory.post_generation
    def counsellors(self, create, extracted, **kwargs):
        if create:
            self.counsellors.set(extracted or [CounsellorFactory()])


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking row written directly (no service, no emails): for read-side tests."""

    class Meta:
        model = Booking

    family = factory.SubFactory(FamilyFactory)
    counsellor = factory.SubFactory(CounsellorFactory)
    session_type = factory.SubFactory(SessionTypeFactory)
    start = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0,
                                                                 microsecond=0)
    )
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=50))
    blocks_until = factory.LazyAttribute(lambda o: o.end + dt.timedelta(minutes=10))
    mode = Mode.IN_PERSON


# --- Courses (helper B) ----------------------------------------------------------

import wagtail_factories  # noqa: E402

from courses.models import CourseIndexPage, LessonPage, ModulePage, Reviewer  # noqa: E402


def quiz_block(prompt="孩子说“我不想活了”时，第一步最好怎么做？"):
    """A one-question self-check: choice 1 is right."""
    return ("quiz", {
        "title": "自我检测",
        "intro": "",
        "questions": [{
            "prompt": prompt,
            "multiple": False,
            "choices": [
                {"text": "先转移话题，让孩子别多想", "correct": False,
                 "feedback": "转移话题会让孩子觉得不被听见。"},
                {"text": "停下手头的事，认真听，并直接询问安全情况", "correct": True,
                 "feedback": "对。直接、平静地询问不会“提醒”孩子，反而让孩子感到被重视。"},
            ],
        }],
    })


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "学习课程"
    slug = "courses"
    intro = "按主题、对象和年龄找到合适的课程。"


class ReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reviewer

    name = factory.Sequence(lambda n: f"审核人{n}")
    credential = "精神科主治医师"
    registration_number = factory.Sequence(lambda n: f"1103100000{n:05d}")
    organisation = "某区精神卫生中心"


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"模块{n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    topic = factory.SubFactory(TopicFactory)
    summary = "写给家长的简短课程。"
    estimated_minutes = 20
    reviewer = factory.SubFactory(ReviewerFactory)
    last_reviewed = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    next_review = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=300))


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"课时{n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = "一节短课。"
    body = factory.LazyFunction(
        lambda: [("paragraph", "<p>和孩子一起练习情绪疏导，从倾听开始。</p>")]
    )
