"""Initiatives suggested from the field, by the public form or a partner."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from initiatives.models import (
    EditorialState,
    Initiative,
    PartnerApiKey,
    PoliceArea,
    Suggestion,
)
from initiatives.slugs import unique_slug
from practice_library.history import recorded_as
from themes.models import Theme


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
    with recorded_as(reason="Suggested from the field"):
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
