"""Small typed builders for test data: predictable defaults, keyword overrides."""

import datetime
import importlib
import itertools
import pkgutil
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from initiatives.models import (
    Briefing,
    BriefingMention,
    EditorialState,
    Initiative,
    InitiativeOrganisation,
    InitiativeSource,
    Organisation,
    PoliceArea,
    Source,
    TargetGroup,
)
from themes.models import Theme

_numbers = itertools.count(1)

# Of the content files: the reference data (areas, themes, target groups) and
# the 2015 briefing with the initiatives it features, the starting set most
# page tests read (``load_seed_content --only``). The whole library takes
# several seconds to load; this takes well under one.
STARTER_CONTENT = [
    "reference/areas.yaml",
    "reference/vocabularies.yaml",
    "briefings/pcc-spotlight-4.yaml",
]


def make_police_area(**fields: Any) -> PoliceArea:
    n = next(_numbers)
    fields.setdefault("name", f"Police area {n}")
    fields.setdefault("slug", f"police-area-{n}")
    fields.setdefault("gss_code", f"E23{900000 + n:06d}")
    fields.setdefault("nation", "england")
    fields.setdefault("region", "north-west")
    return PoliceArea.objects.create(**fields)


def make_theme(**fields: Any) -> Theme:
    n = next(_numbers)
    fields.setdefault("name", f"Theme {n}")
    fields.setdefault("slug", f"theme-{n}")
    fields.setdefault("description", f"What theme {n} covers.")
    fields.setdefault("order", n)
    return Theme.objects.create(**fields)


def make_target_group(**fields: Any) -> TargetGroup:
    n = next(_numbers)
    fields.setdefault("name", f"Target group {n}")
    fields.setdefault("slug", f"target-group-{n}")
    return TargetGroup.objects.create(**fields)


def make_organisation(**fields: Any) -> Organisation:
    n = next(_numbers)
    fields.setdefault("name", f"Organisation {n}")
    fields.setdefault("slug", f"organisation-{n}")
    fields.setdefault("kind", "voluntary-sector")
    return Organisation.objects.create(**fields)


def make_source(*, publishers: Iterable[Organisation] = (), **fields: Any) -> Source:
    """A web page published in May 2024 and read on 2 December 2026, unless told."""
    n = next(_numbers)
    fields.setdefault("title", f"Source {n}")
    fields.setdefault("slug", f"source-{n}")
    fields.setdefault("kind", Source.Kind.WEB_PAGE)
    fields.setdefault("url", f"https://example.org/source-{n}")
    fields.setdefault("published_on", datetime.date(2024, 5, 1))
    fields.setdefault("published_on_precision", "month")
    fields.setdefault("accessed_on", datetime.date(2026, 12, 2))
    source = Source.objects.create(**fields)
    source.publishers.set(publishers)
    return source


def make_initiative(
    *,
    police_areas: Iterable[PoliceArea] | None = None,
    themes: Iterable[Theme] = (),
    target_groups: Iterable[TargetGroup] = (),
    organisations: dict[str, Organisation] | None = None,
    sources: Iterable[Source] = (),
    **fields: Any,
) -> Initiative:
    """An initiative, published unless told otherwise, in a new area by default.

    ``organisations`` maps a role (lead, partner, commissioner, funder) to an
    organisation; ``sources`` are cited in their order.
    """
    n = next(_numbers)
    fields.setdefault("title", f"Initiative {n}")
    fields.setdefault("slug", f"initiative-{n}")
    fields.setdefault("summary", f"What initiative {n} does.")
    fields.setdefault("state", EditorialState.PUBLISHED)
    if fields["state"] == EditorialState.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    if fields["state"] == EditorialState.WITHDRAWN:
        fields.setdefault("published_at", timezone.now())
        fields.setdefault("withdrawn_at", timezone.now())
    initiative = Initiative.objects.create(**fields)
    initiative.police_areas.set(
        [make_police_area()] if police_areas is None else police_areas
    )
    initiative.themes.set(themes)
    initiative.target_groups.set(target_groups)
    for role, organisation in (organisations or {}).items():
        InitiativeOrganisation.objects.create(
            initiative=initiative, organisation=organisation, role=role
        )
    for order, source in enumerate(sources):
        InitiativeSource.objects.create(
            initiative=initiative, source=source, order=order
        )
    initiative.refresh_from_db()
    return initiative


def make_briefing(
    *,
    initiatives: Iterable[Initiative] = (),
    themes: Iterable[Theme] = (),
    **fields: Any,
) -> Briefing:
    n = next(_numbers)
    fields.setdefault("title", f"Briefing {n}")
    fields.setdefault("slug", f"briefing-{n}")
    fields.setdefault("summary", f"What briefing {n} found.")
    fields.setdefault("state", EditorialState.PUBLISHED)
    if fields["state"] == EditorialState.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    briefing = Briefing.objects.create(**fields)
    briefing.themes.set(themes)
    for order, initiative in enumerate(initiatives):
        BriefingMention.objects.create(
            briefing=briefing, initiative=initiative, order=order
        )
    return briefing


def make_user(*, groups: Iterable[str] = (), permissions: Iterable[str] = (), **fields):
    """A user; ``groups`` by name, ``permissions`` as 'app_label.codename'."""
    n = next(_numbers)
    fields.setdefault("username", f"user{n}")
    fields.setdefault("email", f"user{n}@example.org")
    user = User.objects.create_user(password="correct horse battery", **fields)
    user.groups.set(Group.objects.filter(name__in=list(groups)))
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


# The migrations that make the curation roles, by the end of their names (the
# numbers may change) and the function each runs.
ROLE_MIGRATIONS = [
    ("_editors_and_publishers", "create_roles"),
    ("_suggestion_permissions", "grant"),
    ("_source_permissions", "grant"),
    ("_problem_report", "grant"),
]


def ensure_roles() -> None:
    """Make the editors' and publishers' groups as their migrations do.

    A transactional test (browser tests) empties every table when it ends,
    groups made by data migrations included; this puts them back.
    """
    if Group.objects.filter(name="publishers").exists():
        return
    for suffix, function in ROLE_MIGRATIONS:
        getattr(migration_module(suffix), function)(apps, None)


def migration_module(suffix: str):
    """The initiatives migration whose name ends with ``suffix``."""
    import initiatives.migrations

    names = [m.name for m in pkgutil.iter_modules(initiatives.migrations.__path__)]
    (name,) = [n for n in names if n.endswith(suffix)]
    return importlib.import_module(f"initiatives.migrations.{name}")


def make_editor(**fields: Any) -> User:
    """Staff in the editors' group: drafts and review, never publishing."""
    ensure_roles()
    fields.setdefault("is_staff", True)
    return make_user(groups=["editors"], **fields)


def make_publisher(**fields: Any) -> User:
    """Staff in the publishers' group: every editor's right, and publishing."""
    ensure_roles()
    fields.setdefault("is_staff", True)
    return make_user(groups=["publishers"], **fields)


def make_curator(**fields: Any) -> User:
    """A curator with every curation right: a publisher."""
    return make_publisher(**fields)


def build_small_library() -> dict[str, Initiative]:
    """A small library whose filters and facet counts are easy to work out.

    Published, by title (titles sort differently from slugs and start dates,
    so that an ordering mistake shows):

    - centre: Essex; demand; active; untested; 2020; trust a partner;
    - hub: Kent; youth; active; independently evaluated; 2015; trust the
      lead; cites the source "evaluation"; featured in the briefing
      "spotlight";
    - violence: Gwent (Wales); nothing else known; featured in "spotlight";
    - triage: Kent and Essex; youth and demand; women; pilot; evaluated
      locally; June 2018.

    Hidden, sharing their areas, themes and target group: a draft and an
    entry in review led by "hidden-trust" citing "hidden-memo", and a draft
    briefing.
    """
    kent = make_police_area(slug="kent", name="Kent", region="south-east")
    essex = make_police_area(slug="essex", name="Essex", region="east-of-england")
    gwent = make_police_area(slug="gwent", name="Gwent", nation="wales", region="wales")
    youth = make_theme(slug="youth", name="Youth diversion")
    demand = make_theme(slug="demand", name="Understanding demand")
    women = make_target_group(slug="women", name="Women")
    trust = make_organisation(slug="trust", name="Community Trust")
    rows = {
        "hub": make_initiative(
            slug="hub",
            title="Mental health hub",
            summary="A mental health hub in custody suites.",
            police_areas=[kent],
            themes=[youth],
            status="active",
            evidence_stage="independently-evaluated",
            start_date=datetime.date(2015, 1, 1),
            organisations={"lead": trust},
            sources=[make_source(slug="evaluation", title="Hub evaluation")],
        ),
        "triage": make_initiative(
            slug="triage",
            title="Youth triage",
            summary="Young people diverted from court to support.",
            police_areas=[kent, essex],
            themes=[youth, demand],
            target_groups=[women],
            status="pilot",
            evidence_stage="evaluated-locally",
            start_date=datetime.date(2018, 6, 1),
            start_date_precision="month",
        ),
        "centre": make_initiative(
            slug="centre",
            title="Drop-in centre",
            summary="A drop-in centre for people with several needs.",
            police_areas=[essex],
            themes=[demand],
            status="active",
            evidence_stage="untested",
            start_date=datetime.date(2020, 1, 1),
            organisations={"partner": trust},
        ),
        "violence": make_initiative(
            slug="violence",
            title="Violence as a public health issue",
            summary="Hotspots of violence mapped with health partners.",
            police_areas=[gwent],
        ),
    }
    make_briefing(slug="spotlight", initiatives=[rows["hub"], rows["violence"]])
    hidden = make_organisation(slug="hidden-trust", name="Hidden Trust")
    memo = make_source(slug="hidden-memo", title="Hidden memo")
    for state in ("draft", "in-review"):
        make_initiative(
            slug=f"secret-{state}",
            title=f"Secret {state} entry",
            summary="Not for the public.",
            police_areas=[kent],
            themes=[youth],
            target_groups=[women],
            status="active",
            evidence_stage="independently-evaluated",
            start_date=datetime.date(2019, 1, 1),
            organisations={"lead": hidden},
            sources=[memo],
            state=state,
        )
    make_briefing(slug="secret-briefing", title="Secret briefing", state="draft")
    return rows
