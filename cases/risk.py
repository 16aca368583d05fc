"""The risk rule: a child's risk level from an assessment's domain scores.

Pure: plain data in, plain data out, no models.

Each of the seven domains (`DOMAINS`) is scored 0 (no concern), 1 (mild),
2 (moderate) or 3 (serious). The level is the first that applies:

- **critical**: safety is 3, or three or more domains are 3;
- **high**: any domain is 3, or safety is 2;
- **medium**: any domain is 2, or three or more domains are 1;
- **low**: otherwise.

So raising any score never lowers the level, safety weighs most, and a
supervisor who disagrees overrides the result with a reason (the rule's own
answer is kept beside it).
"""

from collections.abc import Mapping

DOMAINS = ("safety", "health", "study", "daily_care", "emotions", "family", "legal")
LEVELS = ("low", "medium", "high", "critical")  # lowest first
MAX_SCORE = 3


class ScoresError(ValueError):
    """Scores missing a domain, naming an unknown one, or out of 0–3."""


def risk_level(scores: Mapping[str, int]) -> str:
    """The level ("low" … "critical") for a score per domain of `DOMAINS`."""
    if set(scores) != set(DOMAINS):
        raise ScoresError("scores must name each domain exactly once")
    values = list(scores.values())
    if any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= MAX_SCORE
           for v in values):
        raise ScoresError("scores are integers from 0 to 3")
    serious = values.count(3)
    safety = scores["safety"]
    if safety == 3 or serious >= 3:
        return "critical"
    if serious or safety == 2:
        return "high"
    if 2 in values or values.count(1) >= 3:
        return "medium"
    return "low"


def rank(level: str) -> int:
    return LEVELS.index(level)
