"""Writes that do more than save one form: publishing, withdrawing, search upkeep."""

import secrets
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.text import slugify

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
    StateChange,
    Suggestion,
    TargetGroup,
)
from initiatives.search import add_search_words, rebuild_search_words
from initiatives.selectors import CONTENT_VERSION_CACHE_KEY
from themes.models import Theme

_batch = threading.local()


@contextmanager
def one_content_change() -> Iterator[None]:
    """Bump the content version once for a batch of writes, not once a row.

    Inside the block, writes only note that a bump is due; it happens when the
    outermost block ends (even by an exception: an extra bump costs nothing,
    a missing one would leave stale answers).
    """
    depth = getattr(_batch, "depth", 0)
    _batch.depth = depth + 1
    try:
        yield
    finally:
        _batch.depth = depth
        if depth == 0 and getattr(_batch, "pending", False):
            _batch.pending = False
            bump_content_version()


def bump_content_version() -> None:
    """Record that public content may have changed, for every process at once.

    One UPDATE in the caller's transaction; once it commits, the shared cache
    gets the new version, so validators and cached results turn stale at once.
    """
    if getattr(_batch, "depth", 0):
        _batch.pending = True
        return
    updated = ContentVersion.objects.filter(pk=1).update(
        number=F("number") + 1, changed_at=Now()
    )
    if not updated:
        ContentVersion.objects.get_or_create(pk=1)
    transaction.on_commit(_share_content_version)


def _share_content_version() -> None:
    row = ContentVersion.objects.get(pk=1)
    cache.set(
        CONTENT_VERSION_CACHE_KEY,
        (row.number, row.changed_at),
        settings.CONTENT_VERSION_SECONDS,
    )


# The editorial workflow: every allowed move, and whether it needs the right
# to publish ("initiatives.publish_initiative" or "publish_briefing"). The
# others need only the right to change the entry. Any move not listed is
# refused: a draft was never public, so it cannot be withdrawn, and a public
# entry goes back to draft (or is withdrawn) before it is reviewed again.
TRANSITIONS: dict[tuple[str, str], bool] = {
    (EditorialState.DRAFT, EditorialState.IN_REVIEW): False,
    (EditorialState.IN_REVIEW, EditorialState.DRAFT): False,
    (EditorialState.DRAFT, EditorialState.PUBLISHED): True,
    (EditorialState.IN_REVIEW, EditorialState.PUBLISHED): True,
    (EditorialState.PUBLISHED, EditorialState.WITHDRAWN): True,
    (EditorialState.PUBLISHED, EditorialState.DRAFT): True,
    (EditorialState.WITHDRAWN, EditorialState.PUBLISHED): True,
    (EditorialState.WITHDRAWN, EditorialState.DRAFT): True,
}

Entry = Initiative | Briefing


def publish_permission(entry: Entry | type[Entry]) -> str:
    """The permission that lets a user publish, withdraw and restore entries."""
    return f"initiatives.publish_{entry._meta.model_name}"


def change_permission(entry: Entry | type[Entry]) -> str:
    return f"initiatives.change_{entry._meta.model_name}"


def may_publish(user, entry: Entry | type[Entry]) -> bool:
    return user.has_perm(publish_permission(entry))


def allowed_transitions(entry: Entry, user) -> list[str]:
    """The states this user may move the entry to, in workflow order."""
    needed = {
        to: publish_permission(entry) if needs_publish else change_permission(entry)
        for (start, to), needs_publish in TRANSITIONS.items()
        if start == entry.state
    }
    return [
        state
        for state in EditorialState.values
        if state in needed and user.has_perm(needed[state])
    ]


def unique_slug(title: str, model: type[models.Model] = Initiative) -> str:
    """A slug from the title that no row of the model uses yet."""
    base = slugify(title)[:180].strip("-") or "initiative"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def publishing_problems(entry: Entry) -> list[str]:
    """What stops an entry from being published; empty when nothing does."""
    problems = []
    if not entry.summary.strip():
        problems.append("Write a summary before publishing.")
    if isinstance(entry, Initiative) and (
        entry.pk is None or not entry.police_areas.exists()
    ):
        problems.append("Choose at least one police area before publishing.")
    return problems


def _label(state: str) -> str:
    return EditorialState(state).label.lower()


@transaction.atomic
def transition(entry: Entry, to_state: str, *, actor, reason: str = "") -> StateChange:
    """Move an entry to another editorial state, the one way states change.

    ``actor`` is the user asking; ``None`` means a management command acting
    for the site itself. Refuses, with a message a curator can act on, a move
    the workflow does not allow (ValidationError), one the actor has no right
    to make (PermissionDenied), and publishing an incomplete entry.
    """
    model = type(entry)
    # Lock the row and start from its stored state, not a stale copy.
    from_state = (
        model.objects.select_for_update()
        .values_list("state", flat=True)
        .get(pk=entry.pk)
    )
    entry.state = from_state
    if from_state == to_state:
        raise ValidationError(f"“{entry}” is already {_label(to_state)}.")
    if (from_state, to_state) not in TRANSITIONS:
        raise ValidationError(
            f"“{entry}” cannot go from {_label(from_state)} to {_label(to_state)}."
        )
    needs_publish = TRANSITIONS[(from_state, to_state)]
    needed = publish_permission(entry) if needs_publish else change_permission(entry)
    if actor is not None and not actor.has_perm(needed):
        raise PermissionDenied(
            f"Only publishers may move “{entry}” from {_label(from_state)} "
            f"to {_label(to_state)}."
            if needs_publish
            else f"You may not change “{entry}”."
        )
    if to_state == EditorialState.PUBLISHED:
        problems = publishing_problems(entry)
        if problems:
            raise ValidationError(problems)

    now = timezone.now()
    entry.state = to_state
    fields = ["state", "updated_at"]
    if to_state == EditorialState.PUBLISHED and entry.published_at is None:
        entry.published_at = now
        fields.append("published_at")
    if from_state == EditorialState.PUBLISHED:
        # Mirrors learn of every departure from public view through this date.
        entry.withdrawn_at = now
        fields.append("withdrawn_at")
    entry._history_user = actor  # read by django-simple-history
    entry._change_reason = (
        f"{EditorialState(from_state).label} to {EditorialState(to_state).label}"
        + (f": {reason}" if reason else "")
    )
    entry.save(update_fields=fields)
    if to_state == EditorialState.PUBLISHED and isinstance(entry, Initiative):
        add_search_words(entry)
    return StateChange.objects.create(
        initiative=entry if isinstance(entry, Initiative) else None,
        briefing=entry if isinstance(entry, Briefing) else None,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        reason=reason.strip(),
        changed_at=now,
    )


def submit_for_review(entry: Entry, *, actor=None, reason: str = "") -> StateChange:
    return transition(entry, EditorialState.IN_REVIEW, actor=actor, reason=reason)


def return_to_draft(entry: Entry, *, actor=None, reason: str = "") -> StateChange:
    return transition(entry, EditorialState.DRAFT, actor=actor, reason=reason)


def publish_initiative(
    initiative: Initiative, *, actor=None, reason: str = ""
) -> StateChange:
    """Make an initiative public, stamping its first publication date."""
    return transition(initiative, EditorialState.PUBLISHED, actor=actor, reason=reason)


def withdraw_initiative(
    initiative: Initiative, *, actor=None, reason: str = ""
) -> StateChange:
    """Take an initiative out of public view; mirrors learn of it as a tombstone."""
    return transition(initiative, EditorialState.WITHDRAWN, actor=actor, reason=reason)


def publish_briefing(
    briefing: Briefing, *, actor=None, reason: str = ""
) -> StateChange:
    """Make a briefing public, stamping its first publication date."""
    return transition(briefing, EditorialState.PUBLISHED, actor=actor, reason=reason)


def withdraw_briefing(
    briefing: Briefing, *, actor=None, reason: str = ""
) -> StateChange:
    """Take a briefing out of public view."""
    return transition(briefing, EditorialState.WITHDRAWN, actor=actor, reason=reason)


@transaction.atomic
def mark_reviewed(initiative: Initiative, *, actor=None) -> None:
    """Record that a publisher has checked the entry is still right, today."""
    if actor is not None and not may_publish(actor, initiative):
        raise PermissionDenied("Only publishers may mark an entry as reviewed.")
    initiative.last_reviewed_at = timezone.now()
    initiative._history_user = actor
    initiative._change_reason = "Reviewed"
    initiative.save(update_fields=["last_reviewed_at", "updated_at"])


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


@transaction.atomic
def submit_suggestion(
    *,
    title: str,
    police_areas: Iterable[PoliceArea],
    summary: str,
    submitter_name: str,
    submitter_email: str,
    consent: bool,
    description: str = "",
    website: str = "",
    themes: Iterable[Theme] = (),
    submitter_organisation: str = "",
    source: str = Suggestion.Source.FORM,
    api_key: PartnerApiKey | None = None,
) -> Suggestion:
    """Record an initiative suggested from the field as a draft for curators.

    Shared by the public form and the partner API. The submitter must have
    agreed to their details being kept; those details stay on the Suggestion,
    private, and never on the initiative. Raises ValidationError naming the
    field when the input is not acceptable.
    """
    if not consent:
        raise ValidationError(
            {"consent": "The submitter must agree that their details are kept."}
        )
    areas = list(police_areas)
    if not areas:
        raise ValidationError({"police_areas": "Choose at least one police area."})
    initiative = Initiative(
        title=title.strip(),
        summary=summary.strip(),
        description=description.strip(),
        website=website.strip(),
        state=EditorialState.DRAFT,
        origin=Initiative.Origin.SUGGESTION,
    )
    initiative.slug = unique_slug(initiative.title) if initiative.title else ""
    initiative.full_clean(exclude=None if initiative.title else ["slug"])
    initiative._change_reason = "Suggested from the field"
    initiative.save()
    initiative.police_areas.set(areas)
    initiative.themes.set(list(themes))
    suggestion = Suggestion(
        initiative=initiative,
        title=initiative.title,
        source=source,
        api_key=api_key,
        submitter_name=submitter_name.strip(),
        submitter_email=submitter_email.strip(),
        submitter_organisation=submitter_organisation.strip(),
        consent_given_at=timezone.now(),
    )
    suggestion.full_clean()
    suggestion.save()
    return suggestion


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
