"""Nothing that is not published reaches any public surface.

A property-based test (hypothesis, derandomized) builds random mixes of
draft, in-review, published and withdrawn initiatives and briefings, moved
there through the editorial workflow as curators would (so search words,
publication and withdrawal dates are real), each titled and addressed by a
random token that appears nowhere else, each initiative citing a source of
its own named by the same tokens. Then it reads every public surface and
checks that no token of a non-published entry (or of its source) appears,
and that every count counts only published entries.

The one exception is by design: an entry that was public and has left
public view is named by its slug in the API's tombstones (``withdrawn``),
so that mirrors can delete it; that list carries nothing else.
"""

import json

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from initiatives.models import Briefing, EditorialState, Initiative
from initiatives.services.publishing import transition
from initiatives.sitemaps import SITEMAPS
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_police_area,
    make_source,
    make_target_group,
    make_theme,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

D, R, P, W = EditorialState.values
# "draft after publication": published, then returned to draft.
STATES = [D, R, P, W, "draft-again"]
TOKEN = st.text("bcdfghjkmnpqrstvwxz", min_size=12, max_size=12)


def _move(entry: Initiative | Briefing, state: str) -> None:
    """Bring a new draft to ``state`` through the workflow, as curators do."""
    steps = {
        D: [],
        R: [R],
        P: [P],
        W: [P, W],
        "draft-again": [P, D],
    }[state]
    for step in steps:
        transition(entry, step, actor=None)


@st.composite
def libraries(draw):
    """States, links and tokens for a few initiatives and briefings."""
    initiatives = draw(st.lists(st.sampled_from(STATES), min_size=1, max_size=4))
    briefings = draw(st.lists(st.sampled_from(STATES), max_size=2))
    tokens = draw(
        st.lists(
            TOKEN,
            min_size=2 * (len(initiatives) + len(briefings)),
            max_size=2 * (len(initiatives) + len(briefings)),
            unique=True,
        )
    )
    mentions = [
        draw(st.lists(st.integers(0, len(initiatives) - 1), unique=True))
        for _ in briefings
    ]
    parents = [
        draw(st.one_of(st.none(), st.integers(0, len(initiatives) - 1)))
        for _ in initiatives
    ]
    roles = [draw(st.sampled_from(["lead", "partner", "funder"])) for _ in initiatives]
    return initiatives, briefings, tokens, mentions, parents, roles


class Library:
    """The rows of one example, and what the public may and may not see."""

    def __init__(self, initiatives, briefings, tokens, mentions, parents, roles):
        tokens = iter(tokens)
        self.area = make_police_area(slug="kent", name="Kent")
        self.theme = make_theme(slug="youth", name="Youth diversion")
        self.group = make_target_group(slug="women", name="Women")
        self.organisation = make_organisation(slug="trust", name="Community Trust")
        self.initiatives: list[Initiative] = []
        moves: list[tuple[Initiative | Briefing, str]] = []
        for state, role in zip(initiatives, roles, strict=True):
            title, slug = next(tokens), next(tokens)
            # Its own source, named by the entry's tokens: the source of a
            # hidden entry must stay as hidden as the entry.
            source = make_source(
                title=f"Report on {title}",
                slug=f"source-{slug}",
                url=f"https://example.org/{slug}",
            )
            initiative = make_initiative(
                title=f"Initiative {title}",
                slug=slug,
                summary="What it does.",
                state=D,
                police_areas=[self.area],
                themes=[self.theme],
                target_groups=[self.group],
                organisations={role: self.organisation},
                sources=[source],
            )
            moves.append((initiative, state))
            self.initiatives.append(initiative)
        for initiative, parent in zip(self.initiatives, parents, strict=True):
            if parent is not None and self.initiatives[parent] != initiative:
                initiative.parent = self.initiatives[parent]
                initiative.save(update_fields=["parent"])
        self.briefings: list[Briefing] = []
        for state, featured in zip(briefings, mentions, strict=True):
            title, slug = next(tokens), next(tokens)
            briefing = make_briefing(
                title=f"Briefing {title}",
                slug=slug,
                state=D,
                themes=[self.theme],
                initiatives=[self.initiatives[n] for n in featured],
            )
            briefing.publishers.add(self.organisation)
            moves.append((briefing, state))
            self.briefings.append(briefing)
        for entry, state in moves:
            _move(entry, state)
            entry.refresh_from_db()

    @property
    def published(self) -> list[Initiative]:
        return [i for i in self.initiatives if i.state == P]

    def hidden_tokens(self) -> set[str]:
        """Title and slug tokens of every entry the public may not see."""
        hidden = set()
        entries: list[Initiative | Briefing] = [*self.initiatives, *self.briefings]
        for entry in entries:
            if entry.state != P:
                hidden |= {entry.title.split()[-1], entry.slug}
        return hidden

    def tombstoned(self) -> set[str]:
        """Slugs of hidden initiatives that were once public."""
        return {
            i.slug
            for i in self.initiatives
            if i.state != P and i.published_at is not None
        }


def _text(response) -> str:
    raw = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return raw.decode()


def _surfaces(library: Library) -> list[str]:
    """Every public address that could show an initiative or a briefing."""
    area, theme, organisation = library.area.slug, library.theme.slug, "trust"
    search = reverse("initiatives:list")
    paths = [
        reverse("initiatives:home"),
        search,
        f"{search}?police_area={area}&theme={theme}&target_group=women",
        f"{search}?ordering=-updated_at&page_size=100",
        reverse("initiatives:export-csv"),
        reverse("initiatives:export-json") + f"?police_area={area}",
        reverse("initiatives:feed"),
        reverse("initiatives:police-area-list"),
        reverse("initiatives:police-area-list") + f"?theme={theme}",
        reverse("initiatives:police-area-detail", args=[area]),
        reverse("initiatives:police-area-feed", args=[area]),
        reverse("initiatives:police-area-compare"),
        reverse("themes:list"),
        reverse("themes:detail", args=[theme]),
        reverse("themes:feed", args=[theme]),
        reverse("initiatives:briefing-list"),
        reverse("initiatives:organisation-list"),
        reverse("initiatives:source-list"),
        reverse("sitemap"),
        *(reverse("sitemap-section", args=[section]) for section in SITEMAPS),
        reverse("api:api-root"),
        reverse("api:schema"),
        reverse("api:initiative-list")
        + "?facets=theme,police_area,nation,region,target_group,status,"
        "evidence_min,briefing,organisation",
        reverse("api:initiative-list") + "?format=csv&page_size=100",
        reverse("api:briefing-list"),
        reverse("api:briefing-list") + "?format=csv",
        reverse("api:organisation-list"),
        reverse("api:organisation-list") + "?format=csv",
        reverse("api:source-list"),
        reverse("api:source-list") + "?format=csv&page_size=100",
        reverse("api:police-area-detail", args=[area]),
        reverse("api:theme-detail", args=[theme]),
        reverse("api:target-group-list"),
    ]
    for initiative in library.published:
        paths += [
            initiative.get_absolute_url(),
            reverse("api:initiative-detail", args=[initiative.slug]),
            reverse("api:initiative-detail", args=[initiative.slug]) + "?format=csv",
            reverse("initiatives:source-detail", args=[f"source-{initiative.slug}"]),
            reverse("api:source-detail", args=[f"source-{initiative.slug}"]),
            f"{search}?source=source-{initiative.slug}",
        ]
    for briefing in library.briefings:
        if briefing.state == P:
            paths += [
                briefing.get_absolute_url(),
                reverse("api:briefing-detail", args=[briefing.slug]),
            ]
    if library.published or any(b.state == P for b in library.briefings):
        # Only a public organisation is a filter's option (an organisation
        # known only from hidden work is refused like an unknown one).
        paths += [
            reverse("initiatives:organisation-detail", args=[organisation]),
            reverse("api:organisation-detail", args=[organisation]),
            f"{search}?organisation={organisation}",
            reverse("api:initiative-list") + f"?organisation={organisation}",
        ]
    return paths


def _check_surfaces(client, library: Library) -> None:
    hidden = library.hidden_tokens()
    for path in _surfaces(library):
        response = client.get(path)
        assert response.status_code == 200, path
        text = _text(response).lower()
        leaked = [token for token in hidden if token in text]
        assert not leaked, (path, leaked)


def _check_hidden_entries_are_not_found(client, library: Library) -> None:
    for initiative in library.initiatives:
        if initiative.state == P:
            continue
        page = client.get(initiative.get_absolute_url())
        api = client.get(reverse("api:initiative-detail", args=[initiative.slug]))
        assert page.status_code == 404
        source = f"source-{initiative.slug}"
        for path in (
            reverse("initiatives:source-detail", args=[source]),
            reverse("api:source-detail", args=[source]),
        ):
            assert client.get(path).status_code == 404, path
        # 410 Gone when it was public, so mirrors know to delete it.
        assert api.status_code == (410 if initiative.published_at else 404)
        for response in (page, api):
            assert initiative.title.split()[-1] not in _text(response).lower()
    for briefing in library.briefings:
        if briefing.state != P:
            assert client.get(briefing.get_absolute_url()).status_code == 404
            api = client.get(reverse("api:briefing-detail", args=[briefing.slug]))
            assert api.status_code in (404, 410)
    organisation = client.get(
        reverse("initiatives:organisation-detail", args=["trust"])
    )
    public = library.published or any(b.state == P for b in library.briefings)
    assert organisation.status_code == (200 if public else 404)
    filtered = client.get(reverse("api:initiative-list"), {"organisation": "trust"})
    # A hidden organisation's slug matches nothing, like an unknown one.
    assert filtered.status_code == 200
    if not public:
        assert filtered.json()["count"] == 0
        assert "trust" not in filtered.content.decode().lower().replace(
            "organisation=trust", ""
        )


def _check_search(client, library: Library) -> None:
    """A hidden entry's words find nothing, and no correction suggests them."""
    for initiative in library.initiatives:
        word = initiative.title.split()[-1]
        typo = word[:-1] + ("b" if word[-1] != "b" else "c")
        for query in (word, typo):
            page = client.get(reverse("initiatives:list"), {"q": query})
            api = client.get(reverse("api:initiative-list"), {"q": query})
            found = [i.slug for i in page.context["search"].page.object_list]
            assert [row["slug"] for row in api.json()["results"]] == found
            if initiative.state == P:
                if query == word:
                    assert found == [initiative.slug]
                continue
            assert found == [], (initiative.state, query)
            # The page repeats what was typed; nothing more of the title.
            assert word not in _text(page).lower().replace(query, ""), query
            assert api.json()["search_correction"] in (None, query)


def _check_counts(client, library: Library) -> None:
    # The counts are read from the pages' context, which an answer stored by
    # an earlier check of the same page does not carry.
    cache.clear()
    published = len(library.published)
    home = client.get(reverse("initiatives:home"))
    assert home.context["total"] == published
    (tile,) = home.context["map"].tiles
    assert tile.count == published
    (bar,) = home.context["theme_bars"]
    assert bar.count == published
    compare = client.get(reverse("initiatives:police-area-compare"))
    ((cell,),) = [row.cells for row in compare.context["matrix"].rows]
    assert cell.count == published
    area = client.get(reverse("initiatives:police-area-detail", args=["kent"]))
    assert area.context["page_obj"].paginator.count == published
    search = client.get(reverse("initiatives:list"))
    assert search.context["search"].count == published
    facets = {group.name: group for group in search.context["search"].facets}
    for name in ("theme", "police_area", "target_group", "organisation"):
        # Each choice the page offers counts only what is published.
        counts = [option.count for option in facets[name].options]
        assert set(counts) <= {published}, (name, counts)

    api = client.get(
        reverse("api:initiative-list"),
        {"facets": "theme,police_area,target_group,organisation,briefing,status"},
    ).json()
    assert api["count"] == published
    for name in ("theme", "police_area", "target_group", "organisation"):
        counts = [option["count"] for option in api["facets"][name]]
        assert set(counts) <= {published}, (name, counts)
    public_briefings = {b.slug for b in library.briefings if b.state == P}
    assert {o["value"] for o in api["facets"]["briefing"]} <= public_briefings
    for option in api["facets"]["briefing"]:
        featured = Briefing.objects.get(slug=option["value"]).initiatives.all()
        assert option["count"] == sum(1 for i in featured if i.state == P)


def _check_tombstones(client, library: Library) -> None:
    answer = client.get(reverse("api:initiative-list"), {"updated_since": "2000-01-01"})
    withdrawn = answer.json()["withdrawn"]
    assert {row["slug"] for row in withdrawn} == library.tombstoned()
    assert all(set(row) == {"slug", "withdrawn_at"} for row in withdrawn)
    results = json.dumps(answer.json()["results"]).lower()
    assert not [token for token in library.hidden_tokens() if token in results]


@pytest.mark.usefixtures("no_rate_limits")
def test_no_surface_shows_an_entry_that_is_not_published(client):
    @given(example=libraries())
    @hypothesis_settings(
        max_examples=6,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
        ],
    )
    def check(example):
        cache.clear()  # answers cached for an earlier example must not count
        with transaction.atomic():
            library = Library(*example)
            _check_surfaces(client, library)
            _check_hidden_entries_are_not_found(client, library)
            _check_search(client, library)
            _check_counts(client, library)
            _check_tombstones(client, library)
            transaction.set_rollback(True)

    check()
