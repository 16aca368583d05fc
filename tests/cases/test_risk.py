"""The risk rule (cases.risk): examples from its docstring, and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import risk

scores = st.fixed_dictionaries({d: st.integers(0, 3) for d in risk.DOMAINS})


def with_(**changes):
    base = dict.fromkeys(risk.DOMAINS, 0)
    base.update(changes)
    return base


@pytest.mark.parametrize(("changes", "level"), [
    ({}, "low"),
    ({"study": 1, "health": 1}, "low"),
    ({"study": 1, "health": 1, "legal": 1}, "medium"),
    ({"emotions": 2}, "medium"),
    ({"safety": 1}, "low"),
    ({"safety": 2}, "high"),
    ({"study": 3}, "high"),
    ({"study": 3, "health": 3}, "high"),
    ({"study": 3, "health": 3, "family": 3}, "critical"),
    ({"safety": 3}, "critical"),
])
def test_documented_examples(changes, level):
    assert risk.risk_level(with_(**changes)) == level


@given(scores, st.sampled_from(risk.DOMAINS))
def test_raising_a_score_never_lowers_the_level(values, domain):
    raised = {**values, domain: min(values[domain] + 1, 3)}
    assert risk.rank(risk.risk_level(raised)) >= risk.rank(risk.risk_level(values))


@given(scores)
def test_serious_safety_is_always_critical(values):
    assert risk.risk_level({**values, "safety": 3}) == "critical"


@given(scores)
def test_any_serious_domain_is_at_least_high(values):
    level = risk.risk_level(values)
    if 3 in values.values():
        assert risk.rank(level) >= risk.rank("high")
    if max(values.values()) <= 1 and list(values.values()).count(1) < 3:
        assert level == "low"


@pytest.mark.parametrize("bad", [
    dict.fromkeys(risk.DOMAINS[:-1], 0),
    {**with_(), "mood": 0},
    with_(safety=4),
    with_(safety=-1),
    with_(safety=True),
    with_(safety="2"),
])
def test_incomplete_or_out_of_range_scores_are_refused(bad):
    with pytest.raises(risk.ScoresError):
        risk.risk_level(bad)
