"""Casework data for tests, built through the services where a rule applies."""

import datetime as dt

from cases import services
from cases.models import Household, HouseholdMember
from portal.models import Role
from portal.roles import add_role
from tests.factories import UserFactory
from tests.network.factories import ServicePointFactory

OPENED = dt.date(2027, 1, 4)
CALM = dict.fromkeys(("safety", "health", "study", "daily_care", "emotions", "family",
                     "legal"), 0)


def staff(*roles: str, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    for role in roles:
        add_role(user, Role(role))
    return user


def make_household(*, by=None, point=None, phone="+8613912345678",
                   address="澄樾路 8 弄 3 号 501 室", child_year=2015,
                   **kwargs) -> Household:
    by = by or staff(Role.SOCIAL_WORKER)
    result = services.household_create(
        point=point or ServicePointFactory(), address=address, phone=phone,
        guardianship=Household.Guardianship.GRANDPARENTS, opened_on=OPENED, by=by,
        members=[
            services.MemberData(label="外婆", relationship="grandparent",
                                is_guardian=True),
            services.MemberData(label="小雨", relationship="child", birth_year=child_year),
        ],
        confirmed_new=True, **kwargs)
    return result.household


def make_case(*, worker=None, household=None, supervisor=None):
    worker = worker or staff(Role.SOCIAL_WORKER)
    household = household or make_household(by=worker)
    member = household.members.get(relationship=HouseholdMember.Relationship.CHILD)
    return services.case_open(household=household, member=member,
                              assigned_worker=worker, supervisor=supervisor, by=worker,
                              opened_on=OPENED)
