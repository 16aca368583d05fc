"""Learning prescribed by a plan: the family's account section and the
worker's per-goal progress.

`render_account_recommended` is registered as the portal account page's
section ``account_recommended_learning`` (`CasesConfig.ready`): portal names
the section and imports nothing of cases.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from cases import selectors

register = template.Library()


def render_account_recommended(context) -> str:
    """"Recommended by your social worker": the modules of the goals shared
    with the family (titles, links, the family's own progress) and topics to
    book a session on. No goal text, no case detail; nothing when none."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    found = selectors.family_recommendations(user=user, language=get_language())
    if not found.modules and not found.topics:
        return ""
    return render_to_string("cases/includes/recommended_learning.html",
                            {"items": found.modules, "topics": found.topics},
                            request=request)


@register.simple_tag(takes_context=True)
def goal_learning(context, goal) -> list[selectors.ModuleLearning]:
    """The guardian's progress in `goal`'s modules. Read once per plan and
    request (`selectors.plan_learning`), so a plan page asks a fixed number
    of queries whatever the number of goals."""
    request = context.get("request")
    memo = (request.__dict__.setdefault("_cases_plan_learning", {})
            if request is not None else {})
    if goal.plan_id not in memo:
        memo[goal.plan_id] = selectors.plan_learning(goal.plan)
    return memo[goal.plan_id].get(goal.pk, [])
