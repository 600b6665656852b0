"""The models of the library, one module per concern, under one name.

- ``places``: police force areas and their governance;
- ``directory``: organisations and target groups;
- ``library``: initiatives, briefings, the sources they cite and what
  links them;
- ``curation``: editorial state changes, suggestions from the field and
  problems reported with the website;
- ``platform``: what the site runs on (content version, API keys, the
  spelling word list, what the content files loaded).

Django, migrations and the rest of the code import them from here.
"""

from initiatives.models.curation import (
    PROBLEM_REPORT_MAX_LENGTH,
    ProblemReport,
    ProblemReportQuerySet,
    StateChange,
    Suggestion,
    SuggestionQuerySet,
)
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
    InitiativeSource,
    KeyFinding,
    Source,
    SourceQuerySet,
    ToolkitLink,
    listed_relations,
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
    ContentLoad,
    ContentVersion,
    PartnerApiKey,
    PartnerApiKeyQuerySet,
    PublicChange,
    SearchWord,
)

__all__ = [
    "LIST_DEFERRED",
    "PROBLEM_REPORT_MAX_LENGTH",
    "listed_relations",
    "REVIEW_INTERVAL",
    "Briefing",
    "BriefingMention",
    "BriefingQuerySet",
    "ContentLoad",
    "ContentVersion",
    "EditorialState",
    "Funding",
    "GovernanceKind",
    "GovernancePeriod",
    "Initiative",
    "InitiativeOrganisation",
    "InitiativeQuerySet",
    "InitiativeSource",
    "KeyFinding",
    "Nation",
    "Organisation",
    "OrganisationKind",
    "PartnerApiKey",
    "PartnerApiKeyQuerySet",
    "PublicChange",
    "PoliceArea",
    "PoliceAreaQuerySet",
    "ProblemReport",
    "ProblemReportQuerySet",
    "Region",
    "SearchWord",
    "Source",
    "SourceQuerySet",
    "StateChange",
    "Suggestion",
    "SuggestionQuerySet",
    "TargetGroup",
    "ToolkitLink",
]
