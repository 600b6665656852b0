"""Keep each initiative's search keywords in step with its related names.

Search weighs the names of an initiative's areas, themes, target groups and
organisations (weight D). Those names live in other tables, so they are copied
into ``Initiative.search_keywords`` whenever a link or a name changes, by
whatever path: admin, import, API or shell.
"""

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from initiatives.models import (
    Briefing,
    BriefingMention,
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
    old_name = sender.objects.filter(pk=instance.pk).values_list("name", flat=True)
    instance._name_changed = old_name.first() != instance.name


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


# Anything the public can see: a change to any of these bumps the content
# version, which makes every ETag and cached result stale.
PUBLIC_CONTENT = [
    Initiative,
    InitiativeOrganisation,
    Funding,
    ToolkitLink,
    Source,
    InitiativeSource,
    Briefing,
    BriefingMention,
    KeyFinding,
    PoliceArea,
    GovernancePeriod,
    Organisation,
    TargetGroup,
    Theme,
]


def _on_public_content_changed(sender, raw=False, **kwargs) -> None:
    if not raw:
        bump_content_version()


def _on_public_links_changed(sender, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_content_version()


for _model in PUBLIC_CONTENT:
    post_save.connect(_on_public_content_changed, sender=_model, weak=False)
    post_delete.connect(_on_public_content_changed, sender=_model, weak=False)
for _links in (
    Initiative.police_areas.through,
    Initiative.themes.through,
    Initiative.target_groups.through,
    Briefing.publishers.through,
    Briefing.themes.through,
    Source.publishers.through,
):
    m2m_changed.connect(_on_public_links_changed, sender=_links, weak=False)
