"""The archive's full-text index and the one function that matches against it, `match`.

Both index `Project.search_text`, which the services that write a project fill with its
title, organization, skills, description and mentors.

- PostgreSQL: a GIN index over a `tsvector` expression with the `english` configuration's
  stemming. URL punctuation becomes spaces first, so that the words of a link are words, as
  they are to SQLite (PostgreSQL's parser would keep `github.com/x/kubernetes-operator` as one
  URL token). It is an expression index (this app's migration 0001), so PostgreSQL keeps it
  in step with every write; it is built with `fastupdate = off` so that new rows are in the
  index proper at once, where the planner prices it right.
- SQLite: an FTS5 table over the same column with the Porter stemmer, kept in step with
  `projects_project` by triggers. `ensure_index` makes it on `post_migrate` (after every
  `migrate`, which on SQLite may rebuild `projects_project` and drop its triggers) and fills
  it from the table whenever it had to make or mend anything.

The databases only find the matches; `cohort.web.relevance` orders them, identically on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from cohort.projects.models import Organization, Project
from cohort.terms.models import Program, Term
from cohort.web.relevance import Document, Query, average_length, length, score

FTS_TABLE = "projects_project_fts"
_PROJECT = Project._meta.db_table
# The PostgreSQL document. The index of migration 0001 is built on exactly this text; a query
# must repeat it word for word for the planner to use the index.
PG_VECTOR = (
    "to_tsvector('english'::regconfig, "
    "regexp_replace(COALESCE(p.search_text, ''), '[/.:@?=&#~+]+', ' ', 'g'))"
)
PG_INDEX = "project_search_gin"
_TRIGGERS = {
    f"{FTS_TABLE}_ai": (
        f"AFTER INSERT ON {_PROJECT} BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    f"{FTS_TABLE}_ad": (
        f"AFTER DELETE ON {_PROJECT} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    f"{FTS_TABLE}_au": (
        f"AFTER UPDATE OF search_text ON {_PROJECT} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}


@dataclass(frozen=True)
class Hit:
    """One matching project with what the facets count, and its relevance (higher first)."""

    id: int
    score: float
    status: str
    skills: str
    term_id: int
    year: int
    number: int
    program_slug: str
    program_name: str
    org_slug: str
    org_name: str


_SELECT = (
    "SELECT p.id, p.title, p.search_text, p.position, p.status, p.skills, t.id, t.year, "
    f"t.number, g.slug, g.name, o.slug, o.name FROM {_PROJECT} p "
    f"JOIN {Term._meta.db_table} t ON t.id = p.term_id "
    f"JOIN {Program._meta.db_table} g ON g.id = t.program_id "
    f"JOIN {Organization._meta.db_table} o ON o.id = p.organization_id"
)


def match(query: Query, statuses: Sequence[str], *, using: str = "default") -> list[Hit]:
    """Every project in `statuses` that the query matches, best first, in one query.

    The database finds the matches through its index; `relevance.score` orders them, the
    same way on both databases. Equal scores go newest term first, then in page order."""
    if not query or not statuses:
        return []
    connection = connections[using]
    if connection.vendor == "postgresql":
        tsquery, params = _pg_tsquery(query)
        where = f"{PG_VECTOR} @@ {tsquery}"
    elif connection.vendor == "sqlite":
        where = f"p.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
        params = [fts5_query(query)]
    else:  # pragma: no cover - Cohort runs on PostgreSQL and SQLite only
        raise NotImplementedError(f"no full-text search on {connection.vendor}")
    rows = _rows(connection, where, params, statuses)
    average = average_length([length(row[2]) for row in rows])
    ranked = []
    for pk, title, text, position, *facets in rows:
        relevance = score(query, Document(title, text), average)
        ranked.append((-round(relevance, 9), -facets[3], -facets[4], position, pk, facets))
    ranked.sort()
    return [Hit(pk, -neg, *facets) for neg, _, _, _, pk, facets in ranked]


def match_all(statuses: Sequence[str], *, using: str = "default") -> list[Hit]:
    """Every project in `statuses`, newest term first, then in page order (a search with
    facets and no words)."""
    rows = _rows(connections[using], "1 = 1", [], statuses) if statuses else []
    rows.sort(key=lambda row: (-row[7], -row[8], row[3], row[0]))
    return [Hit(row[0], 0.0, *row[4:]) for row in rows]


def _rows(
    connection: BaseDatabaseWrapper, where: str, params: list[str], statuses: Sequence[str]
) -> list[tuple[Any, ...]]:
    marks = ", ".join(["%s"] * len(statuses))
    with connection.cursor() as cursor:
        cursor.execute(f"{_SELECT} WHERE {where} AND p.status IN ({marks})", [*params, *statuses])
        return list(cursor.fetchall())


def _pg_tsquery(query: Query) -> tuple[str, list[str]]:
    parts: list[str] = []
    params: list[str] = []
    for word in query.words:
        parts.append("plainto_tsquery('english'::regconfig, %s)")
        params.append(word)
    for phrase in query.phrases:
        parts.append("phraseto_tsquery('english'::regconfig, %s)")
        params.append(" ".join(phrase))
    for word in query.excluded:
        parts.append("!! plainto_tsquery('english'::regconfig, %s)")
        params.append(word)
    return "(" + " && ".join(parts) + ")", params


def fts5_query(query: Query) -> str:
    """The query in FTS5's syntax, every term a quoted string so nothing in it is an operator."""

    def quoted(words: Sequence[str]) -> str:
        return '"' + " ".join(words).replace('"', '""') + '"'

    wanted = [quoted([w]) for w in query.words] + [quoted(p) for p in query.phrases]
    text = " AND ".join(wanted)
    for word in query.excluded:
        text += f" NOT {quoted([word])}"
    return text


def ensure_index(connection: BaseDatabaseWrapper) -> bool:
    """Make SQLite's FTS5 table and its triggers where they are missing, and fill the table
    when anything had to be made. True when it did something. PostgreSQL's index is a
    migration's; other databases have none."""
    if connection.vendor != "sqlite":
        return False
    tables = set(connection.introspection.table_names())
    if _PROJECT not in tables:
        return False  # not migrated this far yet
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
        missing = [name for name in _TRIGGERS if name not in triggers]
        if FTS_TABLE in tables and not missing:
            return False
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            f"search_text, content='{_PROJECT}', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {_TRIGGERS[name]}")
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return True
