"""Full-text matching over initiatives: the database side of a search.

On PostgreSQL: full-text search on a weighted ``tsvector`` (title A,
summary B, description C, related names D; ``SEARCH_DOCUMENT``, served by a GIN
index on that expression) with English stemming and web-search syntax (quoted phrases, ``or``, ``-exclude``), with highlighted snippets and
spelling suggestions from a trigram index of the library's words. Matches are
ranked by a second, small vector of the short texts only (title A, summary B,
related names D): an entry that has the words only in its description ranks
after those that have them in their title, summary or related names, level
with other such entries (then by title). The small vector stays in the row;
ranking tens of thousands of matches by the whole document would read every
description (README "Performance").

On SQLite (the embedded database of ``make run``): every word must appear
somewhere in the entry, unranked; phrases in quotes, ``or`` between
alternatives and ``-exclude`` are honoured, as in the web-search syntax.

On both, a hyphen between two letters or digits counts as a space, so
``mental-health`` finds what ``mental health`` finds (PostgreSQL would
otherwise look for the hyphenated compound as one more word).

What is searched for, with which filters, and whether a spelling correction
is used instead is decided in ``initiatives.search``; this module only
matches, ranks, highlights and suggests.
"""

import re
import shlex
from typing import TypeVar

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connections
from django.db.models import F, FloatField, Lookup, Model, Q, QuerySet, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from initiatives.models import Initiative, SearchWord

SEARCH_CONFIG = "english"
# Highlight markers that cannot occur in curated text; turned into <mark>
# after the snippet has been HTML-escaped (ts_headline does not escape).
_START, _STOP = "\x02", "\x03"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
SEARCHED_FIELDS = ("title", "summary", "description", "search_keywords")


# What a search matches, weighted as in the ranking: the query's side of the
# GIN index of migration 0017, which must be the same expression for
# PostgreSQL to use the index (a test checks the plan). Nothing stores it.
SEARCH_DOCUMENT = (
    SearchVector("title", config=SEARCH_CONFIG, weight="A")
    + SearchVector("summary", config=SEARCH_CONFIG, weight="B")
    + SearchVector("description", config=SEARCH_CONFIG, weight="C")
    + SearchVector("search_keywords", config=SEARCH_CONFIG, weight="D")
)


M = TypeVar("M", bound=Model)


def uses_postgresql(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


# A hyphen (or one of Unicode's hyphens) joining two word characters; a minus
# sign before a word, which excludes it, is never between two of them.
_JOINING_HYPHEN = re.compile(r"(?<=[^\W_])[-\u2010\u2011](?=[^\W_])")


def hyphens_as_spaces(text: str) -> str:
    """The search with hyphenated words split: ``mental-health`` as
    ``mental health``, so both forms find the same entries."""
    return _JOINING_HYPHEN.sub(" ", text)


def web_search_query(text: str) -> SearchQuery:
    return SearchQuery(
        hyphens_as_spaces(text), search_type="websearch", config=SEARCH_CONFIG
    )


def matching(queryset: QuerySet[Initiative], text: str) -> QuerySet[Initiative]:
    """Narrow to entries matching ``text`` and annotate ``search_rank``."""
    if uses_postgresql(queryset):
        query = web_search_query(text)
        return (
            queryset.alias(search_document=SEARCH_DOCUMENT)
            .filter(search_document=query)
            .annotate(search_rank=SearchRank(F("search_rank_vector"), query))
        )
    return _search_without_postgresql(queryset, text).annotate(
        search_rank=Value(0.0, output_field=FloatField())
    )


def matching_ids(queryset: QuerySet[Initiative], text: str) -> list[int] | None:
    """The ids of the entries in ``queryset`` that match ``text``, found once
    so that several counts can start from them; None without PostgreSQL,
    where there is no full-text index to spare."""
    if not uses_postgresql(queryset):
        return None
    return list(
        queryset.alias(search_document=SEARCH_DOCUMENT)
        .filter(search_document=web_search_query(text))
        .order_by()
        .values_list("pk", flat=True)
    )


class _AnyOf(Lookup):
    """``lhs = ANY(array)``: the right side is one array parameter."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::bigint[])", [*lhs_params, *rhs_params]


def among(
    queryset: QuerySet[M], ids: list[int] | QuerySet, field: str = "pk"
) -> QuerySet[M]:
    """Narrow to the rows whose ``field`` (an initiative's id) is in ``ids``:
    a list (from ``matching_ids``, say), or a subquery of ids.

    A list is one array parameter rather than ``pk__in`` on PostgreSQL: a
    broad search has tens of thousands of matches, and PostgreSQL hashes a
    long ``= ANY`` array. SQLite has no arrays, and its libraries are small.
    """
    if isinstance(ids, QuerySet) or not uses_postgresql(queryset):
        return queryset.filter(**{f"{field}__in": ids})
    return queryset.filter(_AnyOf(F(field), ids))


def with_snippets(queryset: QuerySet[Initiative], text: str) -> QuerySet[Initiative]:
    """Annotate ``search_snippet``: the summary with matched words marked.

    PostgreSQL evaluates ts_headline only for the rows of the page, after the
    sort and limit, because the expression is expensive.
    """
    if not uses_postgresql(queryset):
        return queryset
    return queryset.annotate(
        search_snippet=SearchHeadline(
            "summary",
            web_search_query(text),
            config=SEARCH_CONFIG,
            start_sel=_START,
            stop_sel=_STOP,
            highlight_all=True,
        )
    )


def highlighted(snippet: str) -> SafeString:
    """A snippet from ``with_snippets`` as safe HTML: escaped, matches in <mark>."""
    html = escape(snippet).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped on the line above)


def _search_without_postgresql(queryset: QuerySet, text: str) -> QuerySet:
    for alternatives in search_terms(text):
        matches = Q()
        for term in alternatives:
            matches |= _anywhere(term)
        queryset = queryset.filter(matches)
    for term in excluded_terms(text):
        queryset = queryset.exclude(_anywhere(term))
    return queryset


def _anywhere(term: str) -> Q:
    matches = Q()
    for field in SEARCHED_FIELDS:
        matches |= Q(**{f"{field}__icontains": term})
    return matches


def _terms(text: str) -> list[str]:
    text = hyphens_as_spaces(text)
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: take the words as they are
        return text.replace('"', " ").split()


def search_terms(text: str) -> list[list[str]]:
    """What must match without PostgreSQL: groups of alternatives, each group
    needed, any term of a group enough (``hub or centre youth`` is
    ``[["hub", "centre"], ["youth"]]``). Excluded terms are left out."""
    groups: list[list[str]] = []
    joined = False
    for term in _terms(text):
        if term.lower() == "or":
            joined = bool(groups)
            continue
        if term.startswith("-") and len(term) > 1:
            joined = False
            continue
        if joined:
            groups[-1].append(term)
        else:
            groups.append([term])
        joined = False
    return groups


def excluded_terms(text: str) -> list[str]:
    """The terms after a minus sign: entries with any of them are left out."""
    return [term[1:] for term in _terms(text) if term.startswith("-") and len(term) > 1]


def search_words(text: str) -> list[str]:
    """The plain words of a search, lower-cased, without operators."""
    return [word.lower() for word in _WORD.findall(text) if word.lower() != "or"]


def suggest_spelling(text: str, *, using: str = "default") -> str | None:
    """The search with unknown words replaced by the nearest known ones.

    None when every word is known, nothing is near enough, or the database
    has no trigram support (SQLite).
    """
    if connections[using].vendor != "postgresql":
        return None
    words = search_words(text)[:8]
    if not words:
        return None
    known = set(
        SearchWord.objects.using(using)
        .filter(word__in=words)
        .values_list("word", flat=True)
    )
    corrected = text
    for word in dict.fromkeys(words):
        if word in known or len(word) < 3:
            continue
        nearest = (
            SearchWord.objects.using(using)
            .filter(word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "-document_count", "word")
            .values_list("word", flat=True)
            .first()
        )
        if nearest:
            corrected = re.sub(
                rf"(?<!\w){re.escape(word)}(?!\w)", nearest, corrected, flags=re.I
            )
    return corrected if corrected != text else None
