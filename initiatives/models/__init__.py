"""The models of the library, one module per concern, under one name.

- ``places``: police force areas and their governance;
- ``directory``: organisations and target groups;
- ``library``: initiatives, briefings and what links them (sources belong
  here too);
- ``curation``: editorial state changes and suggestions from the field;
- ``platform``: what the site runs on (content version, API keys, the
  spelling word list).

Django, migrations and the rest of the code import them from here.
"""

from initiatives.models.curation import StateChange, Suggestion, SuggestionQuerySet
from initiatives.models.directory import Organisation, OrganisationKind, TargetGroup
from initiatives.models.library import (
    LIST_DEFERRED,
    REVIEW_INTERVAL,
    Briefing,
    BriefingMention,
    BriefingQuerySet,
    EditorialState,
    Funding,
    Initiative,
    InitiativeOrganisation,
    InitiativeQuerySet,
    KeyFinding,
    ToolkitLink,
)
from initiatives.models.places import (
    GovernanceKind,
    GovernancePeriod,
    Nation,
    PoliceArea,
    PoliceAreaQuerySet,
    Region,
)
from initiatives.models.platform import (
    ContentVersion,
    PartnerApiKey,
    PartnerApiKeyQuerySet,
    SearchWord,
)

__all__ = [
    "LIST_DEFERRED",
    "REVIEW_INTERVAL",
    "Briefing",
    "BriefingMention",
    "BriefingQuerySet",
    "ContentVersion",
    "EditorialState",
    "Funding",
    "GovernanceKind",
    "GovernancePeriod",
    "Initiative",
    "InitiativeOrganisation",
    "InitiativeQuerySet",
    "KeyFinding",
    "Nation",
    "Organisation",
    "OrganisationKind",
    "PartnerApiKey",
    "PartnerApiKeyQuerySet",
    "PoliceArea",
    "PoliceAreaQuerySet",
    "Region",
    "SearchWord",
    "StateChange",
    "Suggestion",
    "SuggestionQuerySet",
    "TargetGroup",
    "ToolkitLink",
]
