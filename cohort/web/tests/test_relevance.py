"""The archive search's query reading and ranking: pure, no database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cohort.web.relevance import (
    MAX_QUERY,
    MAX_TERMS,
    Document,
    Query,
    average_length,
    length,
    parse,
    score,
)


def test_words_phrases_and_exclusions():
    q = parse('  eBPF  "Network   Policy" -windows "-x" kube-proxy ')
    assert q.words == ("ebpf", "x")  # in quotes, a minus is not an exclusion
    assert q.phrases == (("network", "policy"), ("kube", "proxy"))
    assert q.excluded == ("windows",)
    assert q.text == 'eBPF "Network Policy" -windows "-x" kube-proxy'


def test_nothing_to_find():
    assert not parse("")
    assert not parse("-only -excluded")
    assert not parse('"" ... --')
    assert parse("a")


def test_repeats_are_read_once_and_the_number_of_terms_is_capped():
    assert parse("go go Go").words == ("go",)
    many = parse(" ".join(f"w{i}" for i in range(3 * MAX_TERMS)))
    assert len(many.words) == MAX_TERMS
    assert len(parse("x" * (MAX_QUERY * 2)).text) == MAX_QUERY


@given(st.text(max_size=400))
def test_any_text_reads_without_error_into_word_characters(text: str):
    q = parse(text)
    assert len(q.words) + len(q.phrases) <= MAX_TERMS
    for word in (*q.words, *q.excluded, *(w for p in q.phrases for w in p)):
        assert word
        assert all(c.isalnum() or c == "_" for c in word)


def _score(query: str, title: str, text: str, average: float = 300.0) -> float:
    return score(parse(query), Document(title, text.casefold()), average)


def test_other_forms_of_a_word_count():
    assert _score("testing", "x", "unit tests and more tests") > 0
    assert _score("policy", "x", "network policies") > 0
    assert _score("testing", "x", "nothing here") == 0


def test_a_word_in_the_title_beats_any_number_in_the_text():
    in_title = _score("ebpf", "eBPF tracing", "ebpf tracing")
    in_text = _score("ebpf", "Tracing", "tracing " + "ebpf " * 200)
    assert in_title > in_text > 0


def test_more_mentions_score_higher_and_long_texts_are_weighed_down():
    once = _score("rust", "x", "rust " + "filler " * 20)
    thrice = _score("rust", "x", "rust rust rust " + "filler " * 18)
    assert thrice > once
    short = _score("rust", "x", "rust " + "filler " * 5, average=300)
    long = _score("rust", "x", "rust " + "filler " * 500, average=300)
    assert short > long


def test_a_phrase_counts_only_in_order():
    assert _score('"service mesh"', "x", "a service mesh for apps") > 0
    assert _score('"service mesh"', "x", "the mesh of a service") == 0
    assert _score('"network policy"', "x", "network policies") > 0  # stems, in order


def test_average_length():
    assert average_length([]) == 0.0
    assert average_length([length("a b"), length("c d e")]) == 4.0
    assert Query("x", words=("x",))
