"""Every evidence claim in the seeded modules has its source in the module's
references block (issue 18, review M7 and "References per module").

`CLAIMS` is the reviewed table: a claim as it reads in each language, and the
authors of a source it rests on. Any paragraph that says "research shows" (or
cites a law or guideline) must be one of these claims, so a new claim cannot be
seeded without a source.
"""

import pytest

from courses.demo_content import MODULES
from courses.demo_references import REFERENCES

# (module slug, Chinese wording, English wording, authors: any of them will do)
CLAIMS = [
    ("recognising-crisis-signs", "询问并不会增加风险", "does not raise the risk",
     ("Dazzi", "DeCou")),
    ("recognising-crisis-signs", "危机干预研究中反复得到证实", "research has shown this",
     ("Dazzi", "DeCou")),
    ("recognising-crisis-signs", "当天行动", "action the same day", ("AFSP",)),
    # The weeks after a crisis (an attempt, a discharge) carry the highest risk.
    ("after-a-crisis", "再次出现危险的可能性更高", "risk of danger returning is higher",
     ("Chung",)),
    ("after-a-crisis", "也有研究支持的方法", "research-supported part of crisis",
     ("Stanley",)),
    # Means restriction: the home made safer protects.
    ("after-a-crisis", "不容易拿到可以伤害自己的东西", "means to hurt oneself are hard to reach",
     ("Yip",)),
    ("teachers-first-response", "第十一条", "Article 11", ("全国人民代表大会常务委员会",)),
    ("teachers-first-response", "强制报告制度", "mandatory-reporting rules",
     ("最高人民检察院",)),
    ("talking-about-life", "一些积极心理学研究提示", "positive-psychology research suggests",
     ("Seligman", "Lambert")),
    ("talking-about-life", "想死的意思", "may mean wanting to die", ("AFSP",)),
    ("seeing-strengths", "积极心理学的研究提示", "positive-psychology studies suggest",
     ("Peterson", "Seligman")),
    ("naming-feelings", "有科学家做过研究", "Scientists have found", ("Lieberman",)),
    ("exam-anxiety", "初中生每天睡够 9 小时", "9 hours a night", ("教育部办公厅",)),
    ("teenage-conflict", "简化的说法", "simplification", ("Casey", "Steinberg")),
    ("understanding-autism", "上百万名儿童的大型研究", "more than a million children",
     ("Taylor", "Hviid")),
    ("understanding-autism", "大型研究一再证实", "Large studies show again and again",
     ("Taylor", "Hviid")),
    ("understanding-autism", "国家卫健委 2022 年", "National Health Commission’s 2022",
     ("国家卫生健康委办公厅",)),
    ("understanding-autism", "与遗传和早期大脑发育有关", "genetics and early brain development",
     ("Lord",)),
]

# Wording that presents a finding or a rule the reader should trust.
EVIDENCE_MARKERS = {
    "zh": ("研究", "科学家", "证实", "第十一条", "服务规范"),
    "en": ("research", "studies", "scientists", "article 11", "guidelines"),
}


def _spec(slug: str, lang: str) -> dict:
    module = next(m for m in MODULES if m["slug"] == slug)
    return module if lang == "zh" else module["en"]


def _texts(spec: dict) -> list[str]:
    """Every paragraph, quiz line and callout of a module in one language."""
    texts = list(spec.get("outcomes", []))
    if spec.get("resource"):
        texts += spec["resource"][1]
    for lesson in spec["lessons"]:
        texts += [lesson.get("summary", "")] + lesson["body"]
        if "callout" in lesson:
            texts.append(lesson["callout"][2])
        for prompt, _multiple, choices in lesson.get("quiz", []):
            texts.append(prompt)
            texts += [part for choice, _c, feedback in choices for part in (choice, feedback)]
    return [t for t in texts if t]


@pytest.mark.parametrize(("slug", "zh", "en", "authors"), CLAIMS,
                         ids=[f"{c[0]}:{c[2]}" for c in CLAIMS])
def test_each_reviewed_claim_is_in_both_languages_and_has_its_source(slug, zh, en, authors):
    assert any(zh in t for t in _texts(_spec(slug, "zh"))), (slug, zh)
    assert any(en in t for t in _texts(_spec(slug, "en"))), (slug, en)
    listed = [ref["author"] for ref in REFERENCES.get(slug, [])]
    assert any(a in author for a in authors for author in listed), (
        f"{slug}: “{en}” rests on {authors}, not in its references {listed}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_research_claim_in_the_seed_is_in_the_reviewed_table(lang):
    known = {(slug, zh if lang == "zh" else en) for slug, zh, en, _a in CLAIMS}
    unlisted = []
    for module in MODULES:
        for text in _texts(_spec(module["slug"], lang)):
            if not any(m in text.lower() for m in EVIDENCE_MARKERS[lang]):
                continue
            if not any(slug == module["slug"] and phrase in text for slug, phrase in known):
                unlisted.append(f"{module['slug']}/{lang}: {text}")
    assert unlisted == [], "\n".join(unlisted)


def test_a_linked_reference_links_to_a_doi_or_an_official_page():
    for slug, refs in REFERENCES.items():
        for ref in refs:
            assert ref["author"] and ref["title"], slug
            if ref["url"]:
                assert ref["url"].startswith("https://"), (slug, ref["url"])
