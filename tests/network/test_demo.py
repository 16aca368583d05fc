"""The demo network: one hub, a children's home per neighbourhood, three special sites."""

import pytest
from django.core.management import call_command

from network import demo, selectors
from network.models import Neighbourhood, OpeningHours, ServicePoint

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        kind: ServicePoint.objects.filter(kind=kind).count()
        for kind in ServicePoint.Kind.values
    }


def test_demo_counts_and_idempotence():
    demo.seed()
    demo.seed()
    assert _counts() == {"hub": 1, "home": 21, "special": 3}
    assert Neighbourhood.objects.count() == 21
    homes = ServicePoint.objects.filter(kind=ServicePoint.Kind.HOME)
    assert homes.values("neighbourhood").distinct().count() == 21
    assert all(
        name.endswith("社区儿童之家") for name in homes.values_list("name", flat=True)
    )
    assert OpeningHours.objects.filter(point__slug="station-hub").count() == 11


def test_every_demo_point_is_shown_to_families_in_both_languages():
    demo.seed()
    points = list(selectors.points_for_families())
    assert len(points) == 25
    assert points[0].slug == "station-hub"
    for point in points:
        point.full_clean()  # map links on the allowed hosts, hours in order
        assert point.name_en and point.address_en and point.directions_en
        assert point.accessibility_en and point.phone
    names = {p.name for p in points}
    assert {
        "童心驿站（困境儿童临时照护点）",
        "亲子阅读基地",
        "未成年人应急处置中心",
        "梧桐里社区儿童之家",
    } <= names


def test_seed_demo_loads_the_network(site_shell):
    call_command("seed_demo")
    assert _counts() == {"hub": 1, "home": 21, "special": 3}
