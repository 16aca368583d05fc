"""bookings.demo's wording: autism named as on the diagnostic report, no metaphors."""

import pytest

from bookings import demo
from bookings.models import Counsellor, GroupSession
from tests.factories import GroupSessionFactory

pytestmark = pytest.mark.django_db


def _autism_texts() -> list[str]:
    texts = [bio for _s, _n, _t, bio, *_ in demo.COUNSELLORS if "孤独症" in bio]
    title, _title_en, description = demo.WORKSHOPS["autism"]
    # A workshop's description is read under its title: one text.
    return [*texts, f"{title}\n{description}", demo.TOPIC_NAMES["autism"]]


def test_autism_texts_name_the_spectrum_as_the_report_does():
    texts = _autism_texts()
    assert len(texts) == 3
    for text in texts:
        assert text.find("孤独症") == text.find("孤独症（自闭症）"), text
        assert "自闭症" not in text.replace("孤独症（自闭症）", ""), text


def test_no_children_of_the_stars_metaphor():
    for title, title_en, description in demo.WORKSHOPS.values():
        assert "星星" not in title + description
        assert "star" not in title_en.lower()


def test_reseeding_renames_the_old_workshops(site_shell):
    old = GroupSessionFactory(title="读懂星星的孩子：孤独症家庭支持小组 · 第1期")
    demo.seed(scale=1)
    assert not GroupSession.objects.filter(title__contains="星星").exists()
    old.refresh_from_db()
    assert old.title == demo.WORKSHOPS["autism"][0] + " · 第1期"
    assert GroupSession.objects.filter(title__startswith=demo.WORKSHOPS["autism"][0]).count() == 2


def test_seeded_bio_is_what_the_family_reads(site_shell, client):
    demo.seed(scale=1)
    counsellor = Counsellor.objects.get(slug="demo-chen-an")
    assert counsellor.bio.startswith("关注孤独症（自闭症）谱系的孩子")
