"""**Pure**: what a search box's text asks for, and how well a project answers it.

The two databases find the matches (cohort.web.search); this module orders them, so that
PostgreSQL and SQLite, whose own rankings (`ts_rank`, `bm25`) score differently, put the same
projects first. For each word (or phrase) of the query, a project scores BM25 over the
stems in its text (Snowball's English stemmer, the one PostgreSQL's `english` configuration
uses), at most K1 + 1, plus K1 + 1 when the word is in its title: a word in the title ranks
a project above any number of mentions in the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

MAX_TERMS = 10  # words and phrases read from one query; the rest are ignored
MAX_QUERY = 200  # characters
K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Query:
    """Every word and phrase must occur; no excluded word may."""

    text: str
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
_WORD = re.compile(r"\w+")


def parse(text: str) -> Query:
    """`ebpf "network policy" -windows` → words (ebpf), phrases (network policy), excluded
    (windows). Punctuation splits a word as both indexes do: "e-bpf" is the phrase "e bpf"."""
    text = " ".join(text.split())[:MAX_QUERY]
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    for quoted_minus, quoted, minus, bare in _TOKEN.findall(text):
        parts = tuple(w.casefold() for w in _WORD.findall(quoted or bare))
        if not parts:
            continue
        if quoted_minus or minus:
            excluded.extend(parts)
        elif len(parts) > 1:
            phrases.append(parts)
        else:
            words.append(parts[0])
    kept = list(dict.fromkeys(words))[:MAX_TERMS]
    return Query(
        text=text,
        words=tuple(kept),
        phrases=tuple(dict.fromkeys(phrases))[: MAX_TERMS - len(kept)],
        excluded=tuple(dict.fromkeys(excluded))[:MAX_TERMS],
    )


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word.casefold()))


@dataclass(frozen=True)
class Document:
    title: str
    text: str  # casefolded; holds the title too


def length(text: str) -> int:
    """A text's length for BM25's normalisation: its characters. Only its ratio to the
    average matters, and counting characters costs nothing, where splitting every match's
    text into words was a fifth of a broad query's time."""
    return len(text)


def score(query: Query, document: Document, average_length: float) -> float:
    """The document's relevance to the query. Every term weighs the same: a match holds all
    of them, so how rare each is would not reorder the matches much."""
    norm = K1 * (1 - B + B * length(document.text) / max(average_length, 1.0))
    title = document.title.casefold()
    counts = [(_count_word(w, title), _count_word(w, document.text)) for w in query.words]
    counts += [(_count_phrase(p, title), _count_phrase(p, document.text)) for p in query.phrases]
    total = 0.0
    for in_title, in_text in counts:
        total += (K1 + 1) * (in_title > 0) + in_text * (K1 + 1) / (in_text + norm)
    return total


def average_length(lengths: Sequence[int]) -> float:
    return sum(lengths) / len(lengths) if lengths else 0.0


@lru_cache(maxsize=4096)
def _candidates(word: str) -> re.Pattern[str]:
    """Words that may share `word`'s stem: those that begin as its stem begins (a stem can
    end differently from every word it stands for: "polici" for "policy")."""
    prefix = stem(word)[:3] or word[:3]
    return re.compile(rf"\b{re.escape(prefix)}\w*")


def _count_word(word: str, text: str) -> int:
    wanted = stem(word)
    return sum(1 for found in _candidates(word).findall(text) if stem(found) == wanted)


def _count_phrase(phrase: tuple[str, ...], text: str) -> int:
    """Runs of words, in order, with the phrase's stems."""
    pattern = _phrase_pattern(phrase)
    wanted = [stem(w) for w in phrase]
    return sum(1 for found in pattern.finditer(text) if [stem(w) for w in found.groups()] == wanted)


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: tuple[str, ...]) -> re.Pattern[str]:
    parts = [rf"\b({re.escape(stem(w)[:3] or w[:3])}\w*)" for w in phrase]
    return re.compile(r"\W+".join(parts))
