"""Writes that do more than save one form: publishing, withdrawing, search upkeep."""

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone

from initiatives import seed_content
from initiatives.models import (
    Briefing,
    BriefingMention,
    ContentVersion,
    EditorialState,
    GovernancePeriod,
    Initiative,
    InitiativeOrganisation,
    KeyFinding,
    Organisation,
    PartnerApiKey,
    PoliceArea,
    TargetGroup,
)
from initiatives.search import add_search_words, rebuild_search_words
from initiatives.selectors import CONTENT_VERSION_CACHE_KEY
from themes.models import Theme


def bump_content_version() -> None:
    """Record that public content may have changed, for every process at once.

    One UPDATE in the caller's transaction; once it commits, the shared cache
    gets the new version, so validators and cached results turn stale at once.
    """
    updated = ContentVersion.objects.filter(pk=1).update(
        number=F("number") + 1, changed_at=Now()
    )
    if not updated:
        ContentVersion.objects.get_or_create(pk=1)
    transaction.on_commit(_share_content_version)


def _share_content_version() -> None:
    row = ContentVersion.objects.get(pk=1)
    cache.set(CONTENT_VERSION_CACHE_KEY, (row.number, row.changed_at), None)


def publishing_problems(initiative: Initiative) -> list[str]:
    """What stops an initiative from being published; empty when nothing does."""
    problems = []
    if not initiative.summary.strip():
        problems.append("Write a summary before publishing.")
    if initiative.pk is None or not initiative.police_areas.exists():
        problems.append("Choose at least one police area before publishing.")
    return problems


@transaction.atomic
def publish_initiative(initiative: Initiative) -> None:
    """Make an initiative public, stamping its first publication date."""
    problems = publishing_problems(initiative)
    if problems:
        raise ValidationError(problems)
    initiative.state = EditorialState.PUBLISHED
    if initiative.published_at is None:
        initiative.published_at = timezone.now()
    initiative.save(update_fields=["state", "published_at", "updated_at"])
    add_search_words(initiative)


@transaction.atomic
def withdraw_initiative(initiative: Initiative) -> None:
    """Take an initiative out of public view; mirrors learn of it as a tombstone."""
    if initiative.state == EditorialState.WITHDRAWN:
        return
    initiative.state = EditorialState.WITHDRAWN
    initiative.withdrawn_at = timezone.now()
    initiative.save(update_fields=["state", "withdrawn_at", "updated_at"])


def refresh_search_keywords(initiative_ids: Iterable[int]) -> int:
    """Copy related names into search_keywords; returns how many rows changed."""
    changed = 0
    ids = sorted(set(initiative_ids))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        rows = (
            Initiative.objects.filter(pk__in=chunk)
            .only("pk", "search_keywords")
            .prefetch_related(
                "police_areas", "themes", "target_groups", "organisations"
            )
        )
        stale = []
        for initiative in rows:
            keywords = initiative.build_search_keywords()
            if keywords != initiative.search_keywords:
                initiative.search_keywords = keywords
                stale.append(initiative)
        Initiative.objects.bulk_update(stale, ["search_keywords"])
        changed += len(stale)
    return changed


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        if not self.created:
            return "Seed content already loaded; nothing changed."
        parts = ", ".join(f"{name}: {count}" for name, count in self.created.items())
        return f"Created {parts}."


@transaction.atomic
def load_seed_content() -> SeedReport:
    """Load the curated starting content; rows already present are left alone.

    Safe to run any number of times: it only creates what is missing, so it
    never overwrites a curator's later edits.
    """
    report = SeedReport()

    def ensure(model, lookup: dict, defaults: dict, label: str):
        row, created = model.objects.get_or_create(**lookup, defaults=defaults)
        if created:
            report.created[label] += 1
        return row

    areas = {}
    for slug, name, gss_code, nation, region in seed_content.POLICE_AREAS:
        areas[slug] = ensure(
            PoliceArea,
            {"slug": slug},
            {"name": name, "gss_code": gss_code, "nation": nation, "region": region},
            "police areas",
        )
    for slug, area in areas.items():
        for (
            kind,
            body,
            start,
            start_precision,
            end,
            end_precision,
            note,
        ) in seed_content.GOVERNANCE.get(slug, [seed_content.PCC_SINCE_2012]):
            ensure(
                GovernancePeriod,
                {
                    "police_area": area,
                    "kind": kind,
                    "body_name": body
                    or f"Police and Crime Commissioner for {area.name}",
                },
                {
                    "started_on": start,
                    "started_on_precision": start_precision,
                    "ended_on": end,
                    "ended_on_precision": end_precision,
                    "note": note,
                },
                "governance periods",
            )

    themes = {}
    for order, (slug, name, description) in enumerate(seed_content.THEMES, start=1):
        themes[slug] = ensure(
            Theme,
            {"slug": slug},
            {"name": name, "description": description, "order": order * 10},
            "themes",
        )

    target_groups = {}
    for order, (slug, name, description, min_age, max_age) in enumerate(
        seed_content.TARGET_GROUPS, start=1
    ):
        target_groups[slug] = ensure(
            TargetGroup,
            {"slug": slug},
            {
                "name": name,
                "description": description,
                "min_age": min_age,
                "max_age": max_age,
                "order": order * 10,
            },
            "target groups",
        )

    organisations = {}
    for slug, name, kind, area_slug in seed_content.ORGANISATIONS:
        organisations[slug] = ensure(
            Organisation,
            {"slug": slug},
            {
                "name": name,
                "kind": kind,
                "police_area": areas.get(area_slug),
                "description": seed_content.ORGANISATION_DESCRIPTIONS.get(slug, ""),
            },
            "organisations",
        )

    initiatives = {}
    for entry in seed_content.INITIATIVES:
        initiative, created = Initiative.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "title": entry["title"],
                "summary": entry["summary"],
                "description": entry["description"],
                "status": entry.get("status", ""),
            },
        )
        initiatives[entry["slug"]] = initiative
        if not created:
            continue
        report.created["initiatives"] += 1
        initiative.police_areas.set([areas[slug] for slug in entry["areas"]])
        initiative.themes.set([themes[slug] for slug in entry["themes"]])
        initiative.target_groups.set(
            [target_groups[slug] for slug in entry["target_groups"]]
        )
        if "lead" in entry:
            InitiativeOrganisation.objects.create(
                initiative=initiative,
                organisation=organisations[entry["lead"]],
                role=InitiativeOrganisation.Role.LEAD,
            )
        if "parent" in entry:
            initiative.parent = initiatives[entry["parent"]]
            initiative.save(update_fields=["parent"])
        publish_initiative(initiative)

    spec = seed_content.BRIEFING
    briefing, created = Briefing.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "series": spec["series"],
            "number": spec["number"],
            "published_on": spec["published_on"],
            "summary": spec["summary"],
            "state": EditorialState.PUBLISHED,
            "published_at": timezone.now(),
        },
    )
    if created:
        report.created["briefings"] += 1
        briefing.publishers.set([organisations[slug] for slug in spec["publishers"]])
        briefing.themes.set(themes.values())
        KeyFinding.objects.bulk_create(
            KeyFinding(briefing=briefing, text=text, order=order)
            for order, text in enumerate(spec["key_findings"], start=1)
        )
        BriefingMention.objects.bulk_create(
            BriefingMention(briefing=briefing, initiative=initiative, order=order)
            for order, initiative in enumerate(initiatives.values(), start=1)
        )

    if report.created:
        rebuild_search_words()
    return report


@transaction.atomic
def publish_briefing(briefing: Briefing) -> None:
    """Make a briefing public, stamping its first publication date."""
    if not briefing.summary.strip():
        raise ValidationError("Write a summary before publishing.")
    briefing.state = EditorialState.PUBLISHED
    if briefing.published_at is None:
        briefing.published_at = timezone.now()
    briefing.save(update_fields=["state", "published_at", "updated_at"])


@transaction.atomic
def withdraw_briefing(briefing: Briefing) -> None:
    """Take a briefing out of public view."""
    if briefing.state == EditorialState.WITHDRAWN:
        return
    briefing.state = EditorialState.WITHDRAWN
    briefing.withdrawn_at = timezone.now()
    briefing.save(update_fields=["state", "withdrawn_at", "updated_at"])


def issue_api_key(key: PartnerApiKey) -> str:
    """Give a new partner key its secret and save it; returns the whole key.

    Only the prefix and a hash of the secret are stored, so the whole key is
    shown once, by the caller, and cannot be recovered later: a partner who
    loses it gets a new one.
    """
    secret = secrets.token_urlsafe(32)
    key.secret_hash = PartnerApiKey.hash_secret(secret)
    for _ in range(5):
        key.prefix = secrets.token_hex(PartnerApiKey.PREFIX_LENGTH // 2)
        try:
            with transaction.atomic():
                key.save()
        except IntegrityError:  # the prefix is taken: draw another
            continue
        return f"{key.prefix}.{secret}"
    raise RuntimeError("Could not draw an unused API key prefix.")


def revoke_api_key(key: PartnerApiKey) -> None:
    """Refuse a key from the next request on; revoking twice changes nothing."""
    PartnerApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    key.refresh_from_db(fields=["revoked_at"])
