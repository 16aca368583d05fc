"""Editor-maintained synonym groups (`courses.models.SearchSynonym`) applied to a query.

A query's words are matched against each group's terms, every term cut into
words exactly as a query is (`query_terms`). Where a term's words appear in a
row among the query's words, that span becomes one *concept* that any term of
the group satisfies: 孤独症 then also finds 自闭症, and "self-harm" (cut into
self | harm) also finds 自伤. The rest of the query's words stay concepts of
their own, with one alternative each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from courses.search.segmentation import query_terms

# Terms in the editor's field: one a line, or separated by commas, 、, ;, /.
_SEPARATORS = re.compile(r"[\n\r,，、;；/|]+")
MAX_TERMS = 30

Term = tuple[str, list[str]]          # a word and its sub-words (query_terms)
Alternative = tuple[Term, ...]        # all of these words must match
Concept = tuple[Alternative, ...]     # any one alternative satisfies the concept


def parse_terms(raw: str) -> list[str]:
    """The distinct, stripped terms of an editor's list, in their order."""
    seen: dict[str, None] = {}
    for term in _SEPARATORS.split(raw or ""):
        term = " ".join(term.split())
        if term:
            seen.setdefault(term, None)
    return list(seen)[:MAX_TERMS]


def group_terms(groups: Iterable[Sequence[str]]) -> list[list[Alternative]]:
    """Each group as the query words of each of its terms (terms without words dropped)."""
    cut = []
    for group in groups:
        alternatives: list[Alternative] = []
        for term in group:
            words = tuple(query_terms(term))
            if words and words not in alternatives:
                alternatives.append(words)
        if len(alternatives) > 1:
            cut.append(alternatives)
    return cut


def _find(words: list[str], needle: list[str], taken: list[bool]) -> int | None:
    n = len(needle)
    for start in range(len(words) - n + 1):
        if words[start:start + n] == needle and not any(taken[start:start + n]):
            return start
    return None


def expand(terms: list[Term], groups: list[list[Alternative]]) -> list[Concept]:
    """The query's concepts, in query order: each span of words that is a term
    of a group becomes that group's alternatives; longer terms are tried first."""
    words = [word for word, _ in terms]
    taken = [False] * len(words)
    spans: list[tuple[int, int, Concept]] = []
    candidates = sorted(
        ((alt, group) for group in groups for alt in group),
        key=lambda pair: -len(pair[0]),
    )
    for alternative, group in candidates:
        start = _find(words, [word for word, _ in alternative], taken)
        if start is None:
            continue
        end = start + len(alternative)
        taken[start:end] = [True] * (end - start)
        own = tuple(terms[start:end])
        others = tuple(alt for alt in group if [w for w, _ in alt] != words[start:end])
        spans.append((start, end, (own, *others)))
    spans += [(i, i + 1, ((terms[i],),)) for i in range(len(words)) if not taken[i]]
    return [concept for _, _, concept in sorted(spans, key=lambda span: span[0])]
