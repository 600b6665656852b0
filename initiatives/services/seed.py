"""Loading the curated starting content (``manage.py load_seed_content``)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from initiatives import seed_content
from initiatives.models import (
    Briefing,
    BriefingMention,
    GovernancePeriod,
    Initiative,
    InitiativeOrganisation,
    KeyFinding,
    Organisation,
    PoliceArea,
    TargetGroup,
)
from initiatives.services.content_version import one_content_change
from initiatives.services.publishing import publish_briefing, publish_initiative
from initiatives.services.search_words import rebuild_search_words
from themes.models import Theme


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        if not self.created:
            return "Seed content already loaded; nothing changed."
        parts = ", ".join(f"{name}: {count}" for name, count in self.created.items())
        return f"Created {parts}."


@transaction.atomic
@one_content_change()
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
                "police_area": areas[area_slug] if area_slug else None,
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
        publish_briefing(briefing)

    if report.created:
        rebuild_search_words()
    return report
