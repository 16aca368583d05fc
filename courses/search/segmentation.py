"""Chinese word segmentation for the course search.

Both what is indexed and the query go through `normalise` (Traditional to
Simplified, NFKC, lower case) and jieba, so 自閉症 finds 自闭症 and 危机干预
is found inside a sentence.
"""

import logging
import re
import threading
import unicodedata
from functools import lru_cache

import jieba
from opencc import OpenCC

# Programme terms jieba's general dictionary may cut differently in context
# (心理危机|干预); as dictionary words they stay whole in the index and query.
DOMAIN_WORDS = (
    "危机干预", "心理危机", "心理危机干预", "自闭症", "孤独症", "自闭症谱系",
    "亲子沟通", "亲子关系", "情绪疏导", "积极生命教育", "生命教育", "家庭关系",
    "家庭关系调适", "情绪调节", "自我伤害", "自伤", "校园欺凌", "心理援助热线",
    "未成年人保护", "正念", "共情", "倾听", "融合教育", "感统", "社交故事",
)

STOPWORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "是", "在", "有", "我", "你", "您", "他", "她", "它", "我们", "你们", "他们", "吗", "呢", "吧", "啊", "呀", "也", "就", "都", "而", "把", "被", "让", "给", "对", "从", "向", "这", "那", "这个", "那个", "一个", "一些", "怎么", "怎样", "如何", "什么", "为什么", "可以", "能", "会", "要", "很", "还", "又", "a", "an", "the", "of", "to", "and", "or", "in", "on", "is", "are", "for"]
)

_WORD_RE = re.compile(r"[^\W_]", re.UNICODE)
_lock = threading.Lock()
_ready = False


def _ensure_jieba() -> None:
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            for word in DOMAIN_WORDS:
                jieba.add_word(word, freq=200000)
            jieba.initialize()
            _ready = True


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified Chinese, NFKC (full-width letters to ASCII), lower case."""
    return _converter().convert(unicodedata.normalize("NFKC", text or "")).lower()


def _meaningful(token: str) -> bool:
    token = token.strip()
    return bool(token) and bool(_WORD_RE.search(token)) and token not in STOPWORDS


def _sub_words(word: str):
    """Dictionary words of 2–4 characters inside a longer word.

    jieba's search mode only looks at 2- and 3-grams, so 心理危机干预 would
    not yield 危机干预; this does.
    """
    freq = jieba.dt.FREQ
    for n in (2, 3, 4):
        if len(word) <= n:
            break
        for i in range(len(word) - n + 1):
            gram = word[i:i + n]
            if freq.get(gram):
                yield gram


def index_tokens(text: str) -> list[str]:
    """Words of `text` for the index: each word and the dictionary words inside it."""
    _ensure_jieba()
    seen: dict[str, None] = {}
    for token in jieba.cut(normalise(text)):
        token = token.strip()
        if not _meaningful(token):
            continue
        seen.setdefault(token, None)
        for sub in _sub_words(token):
            if _meaningful(sub):
                seen.setdefault(sub, None)
    return list(seen)


def segment_for_index(text: str) -> str:
    """Space-joined index words with a space at each end (for `LIKE '% w %'`)."""
    tokens = index_tokens(text)
    return f" {' '.join(tokens)} " if tokens else " "


def query_terms(query: str) -> list[tuple[str, list[str]]]:
    """The query's words, each with its sub-words as a fallback.

    A word matches an entry holding the word itself, or all of its sub-words
    (so 危机干预 still matches text segmented as 心理危机 | 干预).
    """
    _ensure_jieba()
    terms: list[tuple[str, list[str]]] = []
    seen = set()
    for word in jieba.cut(normalise(query)[:200]):
        word = word.strip()
        if not _meaningful(word) or word in seen:
            continue
        seen.add(word)
        parts = [p for p in jieba.cut_for_search(word)
                 if p != word and len(p) >= 2 and _meaningful(p)]
        terms.append((word, parts))
    return terms
