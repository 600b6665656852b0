"""Keep derived data in step with every write, by whatever path.

Each initiative's search keywords follow its related names; the changes
feed and the content version follow what the public can see (below).

Search weighs the names of an initiative's areas, themes, target groups and
organisations (weight D). Those names live in other tables, so they are copied
into ``Initiative.search_keywords`` whenever a link or a name changes, by
whatever path: admin, import, API or shell.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from initiatives.models import (
    Briefing,
    BriefingMention,
    EditorialState,
    Funding,
    GovernancePeriod,
    Initiative,
    InitiativeOrganisation,
    InitiativeSource,
    KeyFinding,
    Organisation,
    PoliceArea,
    Source,
    TargetGroup,
    ToolkitLink,
)
from initiatives.services.content_version import bump_content_version
from initiatives.services.public_changes import record_public_changes
from initiatives.services.search_words import refresh_search_keywords
from themes.models import Theme

# The initiative links whose names search uses, by the model at the far end.
NAMED_LINKS: dict[type[models.Model], str] = {
    PoliceArea: "police_areas",
    Theme: "themes",
    TargetGroup: "target_groups",
    Organisation: "organisations",
}


def _on_links_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            refresh_search_keywords([instance.pk])
        return
    # Changed from the far side (theme.initiatives.add(...)). Before a clear
    # is the only moment the affected initiatives can still be found.
    if action == "pre_clear":
        instance._initiatives_before_clear = list(
            instance.initiatives.values_list("pk", flat=True)
        )
    elif action == "post_clear":
        refresh_search_keywords(instance.__dict__.pop("_initiatives_before_clear", []))
    elif action in {"post_add", "post_remove"}:
        refresh_search_keywords(pk_set or [])


for _field in ("police_areas", "themes", "target_groups"):
    m2m_changed.connect(
        _on_links_changed, sender=getattr(Initiative, _field).through, weak=False
    )


@receiver([post_save, post_delete], sender=InitiativeOrganisation)
def _on_organisation_role_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        refresh_search_keywords([instance.initiative_id])


def _remember_old_name(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("name", "slug").first()
    instance._name_changed = old is None or old[0] != instance.name
    # What public entries show of it: its name and its slug (in its links).
    instance._shown_changed = old is None or old != (instance.name, instance.slug)


def _on_name_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or created or not instance.__dict__.pop("_name_changed", False):
        return
    ids = Initiative.objects.filter(**{NAMED_LINKS[sender]: instance}).values_list(
        "pk", flat=True
    )
    refresh_search_keywords(list(ids))


for _model in NAMED_LINKS:
    pre_save.connect(_remember_old_name, sender=_model, weak=False)
    post_save.connect(_on_name_saved, sender=_model, weak=False)


# What the public can see, and how a write to it is recorded. An initiative's
# public entry (and the related rows it shows) changing writes a row for the
# changes feed and bumps the content version (initiatives.services.
# public_changes); a briefing's, only when it is or was public; reference
# data the API lists whatever is published (areas, themes, target groups,
# organisations, sources) bumps the version, and records the public entries
# that show it. Drafts, entries in review, suggestions and API keys change
# nothing public: no row, no bump, no new validator, no emptied cache.


def _published_ids(initiatives: QuerySet[Initiative]) -> list[int]:
    return list(
        initiatives.filter(state=EditorialState.PUBLISHED)
        .values_list("pk", flat=True)
        .distinct()
    )


def _with_relatives(ids: Iterable[int]) -> set[int]:
    """The entries and those whose public entry names them: their parent
    and their programmes (``parent`` and ``programmes`` show titles)."""
    ids = set(ids)
    if not ids:
        return ids
    related = Initiative.objects.filter(Q(parent__in=ids) | Q(programmes__in=ids))
    return ids | set(_published_ids(related))


def _remember_old_state(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._was_public = False
        return
    old = sender.objects.filter(pk=instance.pk).values_list("state", flat=True)
    instance._was_public = old.first() == EditorialState.PUBLISHED


@receiver(post_save, sender=Initiative)
def _on_initiative_saved(sender, instance, raw=False, **kwargs) -> None:
    was_public = instance.__dict__.pop("_was_public", False)
    if raw:
        return
    if instance.state == EditorialState.PUBLISHED:
        record_public_changes(_with_relatives([instance.pk]))
    elif was_public:
        record_public_changes(
            _with_relatives([instance.pk]) - {instance.pk},
            departed=[(instance.pk, instance.slug)],
        )


@receiver(post_delete, sender=Initiative)
def _on_initiative_deleted(sender, instance, **kwargs) -> None:
    if instance.state == EditorialState.PUBLISHED:
        record_public_changes([], departed=[(instance.pk, instance.slug)])


pre_save.connect(_remember_old_state, sender=Initiative, weak=False)


def _on_entry_part_changed(sender, instance, raw=False, **kwargs) -> None:
    """A row an initiative's entry shows (a role, funding, a toolkit link, a
    cited source, a briefing mention) was saved or deleted."""
    if not raw:
        record_public_changes([instance.initiative_id])


for _part in (InitiativeOrganisation, Funding, ToolkitLink, InitiativeSource):
    post_save.connect(_on_entry_part_changed, sender=_part, weak=False)
    post_delete.connect(_on_entry_part_changed, sender=_part, weak=False)


def _on_entry_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"pre_clear", "post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        if action != "pre_clear":
            record_public_changes([instance.pk])
        return
    # Changed from the far side (theme.initiatives.add(...)).
    if action == "pre_clear":
        instance._public_before_clear = _published_ids(instance.initiatives.all())
    elif action == "post_clear":
        record_public_changes(instance.__dict__.pop("_public_before_clear", []))
    else:
        record_public_changes(pk_set or [])


for _links in (
    Initiative.police_areas.through,
    Initiative.themes.through,
    Initiative.target_groups.through,
):
    m2m_changed.connect(_on_entry_links_changed, sender=_links, weak=False)


# Reference data, and the public entries that show it.
def _showing_theme(theme: Theme) -> QuerySet[Initiative]:
    return Initiative.objects.filter(themes=theme)


def _showing_area(area: PoliceArea) -> QuerySet[Initiative]:
    return Initiative.objects.filter(police_areas=area)


def _showing_group(group: TargetGroup) -> QuerySet[Initiative]:
    return Initiative.objects.filter(target_groups=group)


def _showing_organisation(organisation: Organisation) -> QuerySet[Initiative]:
    return Initiative.objects.filter(
        Q(organisation_roles__organisation=organisation)
        | Q(funding__funder=organisation)
    )


def _showing_source(source: Source) -> QuerySet[Initiative]:
    return Initiative.objects.filter(
        Q(source_citations__source=source) | Q(funding__source=source)
    )


SHOWN_IN_ENTRIES: dict[type[models.Model], Callable[[Any], QuerySet[Initiative]]] = {
    Theme: _showing_theme,
    PoliceArea: _showing_area,
    TargetGroup: _showing_group,
    Organisation: _showing_organisation,
    Source: _showing_source,
}


def _on_reference_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    bump_content_version()
    # A source's title and address are shown; of the others, name and slug.
    shown_changed = instance.__dict__.pop("_shown_changed", True)
    if not created and shown_changed:
        record_public_changes(_published_ids(SHOWN_IN_ENTRIES[sender](instance)))


def _on_reference_deleted(sender, instance, **kwargs) -> None:
    bump_content_version()  # links to it went first, each recorded


for _model in SHOWN_IN_ENTRIES:
    post_save.connect(_on_reference_saved, sender=_model, weak=False)
    post_delete.connect(_on_reference_deleted, sender=_model, weak=False)


def _on_governance_changed(sender, raw=False, **kwargs) -> None:
    if not raw:
        bump_content_version()


post_save.connect(_on_governance_changed, sender=GovernancePeriod, weak=False)
post_delete.connect(_on_governance_changed, sender=GovernancePeriod, weak=False)


def _on_source_publishers_changed(sender, instance, action, reverse, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_content_version()
        if not reverse:
            record_public_changes(_published_ids(_showing_source(instance)))


m2m_changed.connect(
    _on_source_publishers_changed, sender=Source.publishers.through, weak=False
)


# Briefings: public when published, or published until this write.
def _remember_briefing_state(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._was_public = False
        return
    old = sender.objects.filter(pk=instance.pk).values_list("state", flat=True)
    instance._was_public = old.first() == EditorialState.PUBLISHED


def _briefing_changed(briefing: Briefing, *, was_public: bool = False) -> None:
    if was_public or briefing.state == EditorialState.PUBLISHED:
        bump_content_version()
        # Entries list the published briefings that feature them.
        record_public_changes(
            _published_ids(
                Initiative.objects.filter(briefing_mentions__briefing=briefing)
            )
        )


@receiver(post_save, sender=Briefing)
def _on_briefing_saved(sender, instance, raw=False, **kwargs) -> None:
    was_public = instance.__dict__.pop("_was_public", False)
    if not raw:
        _briefing_changed(instance, was_public=was_public)


@receiver(post_delete, sender=Briefing)
def _on_briefing_deleted(sender, instance, **kwargs) -> None:
    _briefing_changed(instance)


pre_save.connect(_remember_briefing_state, sender=Briefing, weak=False)


def _on_briefing_part_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    briefing = Briefing.objects.filter(pk=instance.briefing_id).first()
    if briefing is not None and briefing.state == EditorialState.PUBLISHED:
        bump_content_version()
        if sender is BriefingMention:
            record_public_changes([instance.initiative_id])


for _briefing_part in (KeyFinding, BriefingMention):
    post_save.connect(_on_briefing_part_changed, sender=_briefing_part, weak=False)
    post_delete.connect(_on_briefing_part_changed, sender=_briefing_part, weak=False)


def _on_briefing_links_changed(sender, instance, action, reverse, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse or instance.state == EditorialState.PUBLISHED:
        bump_content_version()


for _briefing_links in (Briefing.publishers.through, Briefing.themes.through):
    m2m_changed.connect(_on_briefing_links_changed, sender=_briefing_links, weak=False)
