"""Course trees for the tests: a library with modules and lessons, published."""

import pytest

from tests.factories import (
    CourseIndexPageFactory,
    LessonPageFactory,
    ModulePageFactory,
    TopicFactory,
)


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def course_index(site_shell):
    home = site_shell.root_page.specific
    return publish(CourseIndexPageFactory(parent=home))


@pytest.fixture
def topic(db):
    return TopicFactory(name="心理危机干预", slug="crisis-intervention", colour="#b5533c")


@pytest.fixture
def make_module(course_index, topic):
    def make(*, lessons=3, parent=None, **kwargs):
        kwargs.setdefault("topic", topic)
        module = publish(ModulePageFactory(parent=parent or course_index, **kwargs))
        for i in range(lessons):
            publish(LessonPageFactory(parent=module, title=f"{module.title} 第{i + 1}课"))
        return module

    return make
