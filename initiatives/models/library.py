"""The library itself: initiatives, briefings and what links them.

Two ideas are kept apart everywhere, in names and in fields:
- the editorial ``state`` (draft, in review, published, withdrawn) says
  whether the public may see an entry;
- the lifecycle ``status`` (planned, pilot, active, ended) says what the
  initiative itself is doing.

``Initiative.objects.published()`` is the only door to public data.
"""

import datetime
from typing import Self

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from initiatives.models.directory import Organisation, TargetGroup
from initiatives.models.places import PoliceArea
from initiatives.partial_dates import DatePrecision, format_partial_date
from initiatives.validators import WebAddressField
from practice_library.optimistic_locking import Versioned
from themes.models import Theme


class EditorialState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in-review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


# How often a publisher re-checks that a published entry is still right.
REVIEW_INTERVAL = datetime.timedelta(days=365)


# Columns that no list row shows (see InitiativeQuerySet.for_listing).
SEARCH_COLUMNS = ("search_keywords", "search_rank_vector")
LIST_DEFERRED = ("description", "evidence_note", *SEARCH_COLUMNS)


def listed_relations(*, as_lists: bool = False) -> list[models.Prefetch]:
    """What a list row shows of an initiative's areas and themes: their
    names and slugs. ``as_lists`` loads them as plain lists
    (``listed_areas``, ``listed_themes``) rather than into the managers
    (``police_areas.all()``), which costs a queryset per row and relation:
    most of the time of serialising a page of 50."""
    return [
        models.Prefetch(
            "police_areas",
            queryset=PoliceArea.objects.only("pk", "name", "slug").order_by("name"),
            to_attr="listed_areas" if as_lists else None,
        ),
        models.Prefetch(
            "themes",
            queryset=Theme.objects.only("pk", "name", "slug", "order"),
            to_attr="listed_themes" if as_lists else None,
        ),
    ]


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def published(self) -> Self:
        """Initiatives the public may see: the only door to public data."""
        return self.filter(state=EditorialState.PUBLISHED)

    def for_listing(self) -> Self:
        """Load everything a list row shows, so rendering it costs no queries.

        A row shows neither the long texts nor the search machinery, and of an
        area or a theme only its name and slug: reading and converting the
        rest is most of the work of a long list.
        """
        return self.defer(*LIST_DEFERRED).prefetch_related(*listed_relations())

    def for_detail(self) -> Self:
        """Load everything the detail page and API detail show."""
        return (
            self.for_listing()
            .defer(None)
            .defer(*SEARCH_COLUMNS)
            .prefetch_related(
                "target_groups",
                models.Prefetch(
                    "organisation_roles",
                    queryset=InitiativeOrganisation.objects.select_related(
                        "organisation"
                    ).order_by("role", "organisation__name"),
                ),
                models.Prefetch(
                    "briefing_mentions",
                    queryset=BriefingMention.objects.filter(
                        briefing__state=EditorialState.PUBLISHED
                    )
                    .select_related("briefing")
                    .prefetch_related(
                        models.Prefetch(
                            "briefing__publishers",
                            queryset=Organisation.objects.order_by("name"),
                        )
                    )
                    .order_by("-briefing__published_on", "briefing__title"),
                ),
                models.Prefetch(
                    "source_citations",
                    queryset=InitiativeSource.objects.select_related("source")
                    .prefetch_related(
                        models.Prefetch(
                            "source__publishers",
                            queryset=Organisation.objects.order_by("name"),
                        )
                    )
                    .order_by("order", "pk"),
                ),
                models.Prefetch(
                    "programmes",
                    queryset=Initiative.objects.published().order_by("title"),
                    to_attr="published_programmes",
                ),
                "toolkit_links",
                models.Prefetch(
                    "funding",
                    queryset=Funding.objects.select_related("funder", "source"),
                ),
            )
            .select_related("parent")
        )

    def review_due(self, now: datetime.datetime | None = None) -> Self:
        """Published entries nobody has checked for 12 months or more.

        An entry never reviewed counts from its first publication.
        """
        cutoff = (now or timezone.now()) - REVIEW_INTERVAL
        return self.published().filter(
            Q(last_reviewed_at__lt=cutoff)
            | Q(last_reviewed_at__isnull=True, published_at__lt=cutoff)
        )

    def withdrawn_since(self, moment: datetime.datetime) -> Self:
        """Entries that left the public since a moment: tombstones for mirrors."""
        return self.exclude(state=EditorialState.PUBLISHED).filter(
            withdrawn_at__gte=moment
        )

    def demo(self) -> Self:
        return self.filter(origin=Initiative.Origin.DEMO)

    def curated(self) -> Self:
        return self.exclude(origin=Initiative.Origin.DEMO)


class Initiative(Versioned):
    """A piece of early-intervention or prevention work in one or more areas."""

    State = EditorialState

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        PILOT = "pilot", "Pilot"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class EvidenceStage(models.TextChoices):
        """Stage of practice, as in the College of Policing Practice bank."""

        UNTESTED = "untested", "Untested"
        EVALUATED_LOCALLY = "evaluated-locally", "Evaluated locally"
        INDEPENDENTLY_EVALUATED = "independently-evaluated", "Independently evaluated"

    class EvidenceOutcome(models.TextChoices):
        """What the evidence says, as in the College of Policing Practice bank."""

        WORKED = "worked", "Worked"
        PROMISING = "promising", "Promising"
        NEW_OR_INNOVATIVE = "new-or-innovative", "New or innovative"
        DID_NOT_WORK = "did-not-work", "Did not work"
        MIXED = "mixed", "Mixed"

    class Origin(models.TextChoices):
        CURATED = "curated", "Entered by a curator"
        IMPORT = "import", "Imported from a spreadsheet"
        SUGGESTION = "suggestion", "Suggested from the field"
        DEMO = "demo", "Synthetic demo data"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="Used in the permanent address; fixed once the entry is published.",
    )
    police_areas = models.ManyToManyField(
        PoliceArea, related_name="initiatives", help_text="Every area the work covers."
    )
    themes = models.ManyToManyField(
        "themes.Theme", related_name="initiatives", blank=True
    )
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="initiatives", blank=True
    )
    organisations: "models.ManyToManyField[Organisation, InitiativeOrganisation]"
    organisations = models.ManyToManyField(
        Organisation,
        through="InitiativeOrganisation",
        related_name="initiatives",
        blank=True,
    )
    sources: "models.ManyToManyField[Source, InitiativeSource]"
    sources = models.ManyToManyField(
        "Source",
        through="InitiativeSource",
        related_name="initiatives",
        blank=True,
        help_text="The documents every fact of the entry comes from.",
    )
    summary = models.TextField(
        max_length=1000,
        blank=True,
        help_text="One or two plain sentences, shown in lists and search results. "
        "Required before publishing.",
    )
    description = models.TextField(
        blank=True, help_text="The fuller account. Markdown is allowed."
    )
    status = models.CharField(
        "lifecycle status",
        max_length=10,
        choices=Status.choices,
        blank=True,
        help_text="Leave empty when the sources do not say.",
    )
    start_date = models.DateField(null=True, blank=True)
    start_date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    end_date = models.DateField(null=True, blank=True)
    end_date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    evidence_stage = models.CharField(
        "stage of practice",
        max_length=30,
        choices=EvidenceStage.choices,
        blank=True,
    )
    evidence_outcome = models.CharField(
        "what the evidence says",
        max_length=20,
        choices=EvidenceOutcome.choices,
        blank=True,
        help_text="Failures are as useful to researchers as successes.",
    )
    evidence_msms_level = models.PositiveSmallIntegerField(
        "Maryland Scientific Methods Scale level",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Level 1-5 of the strongest evaluation, where one exists.",
    )
    evidence_note = models.TextField(blank=True)
    website = WebAddressField(blank=True)
    contact_name = models.CharField("public contact", max_length=200, blank=True)
    contact_email = models.EmailField("public contact e-mail", blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name="part of",
        help_text="The wider initiative or partnership this is a programme of.",
    )
    state = models.CharField(
        "editorial state",
        max_length=10,
        choices=EditorialState.choices,
        default=EditorialState.DRAFT,
    )
    origin = models.CharField(
        max_length=10, choices=Origin.choices, default=Origin.CURATED, editable=False
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="First publication."
    )
    withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the entry last left public view.",
    )
    last_reviewed_at = models.DateTimeField("last reviewed", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Names of the related areas, themes, target groups and organisations, kept
    # in step by initiatives.signals so that search can weigh them (weight D).
    search_keywords = models.TextField(blank=True, editable=False)
    # On PostgreSQL a search matches the title (A), summary (B), description
    # (C) and search_keywords (D) through a GIN index on that expression
    # (initiatives.full_text.SEARCH_DOCUMENT, migration 0017), and a trigger
    # fills this small vector of the short texts only (title, summary,
    # search_keywords), to rank by: it stays in the row, where ranking every
    # match of a broad search by the whole document would read each
    # description (see README "Performance").
    search_rank_vector = SearchVectorField(null=True, editable=False)

    objects = InitiativeQuerySet.as_manager()
    # Derived search columns are left out: they follow from the rest.
    history = HistoricalRecords(
        m2m_fields=["police_areas", "themes", "target_groups"],
        excluded_fields=list(SEARCH_COLUMNS),
    )

    class Meta:
        ordering = ["title", "pk"]
        permissions = [
            (
                "publish_initiative",
                "Can publish, withdraw and return published initiatives to draft",
            ),
        ]
        # Few indexes, each serving a query the site makes: a query plans
        # with (and locks) every index of the table, and past 16 relations a
        # backend queues on the shared lock manager under load (issue 16).
        # Public queries start from the state, so these lead with it; the
        # search's GIN index covers published rows only (migration 0017).
        indexes = [
            models.Index(
                fields=["state", "title", "id"], name="initiative_state_title"
            ),
            # The default order when demo data is shown: real entries first
            # (initiatives.selectors.DEMO_LAST), then by title.
            models.Index(
                F("state"),
                models.Case(
                    models.When(origin="demo", then=models.Value(1)),
                    default=models.Value(0),
                ),
                F("title"),
                F("id"),
                name="initiative_state_real_first",
            ),
            models.Index(
                fields=["state", "-updated_at"], name="initiative_state_updated"
            ),
            models.Index(
                fields=["state", "-start_date"], name="initiative_state_start"
            ),
            models.Index(fields=["withdrawn_at"], name="initiative_withdrawn_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="initiative_ends_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(evidence_msms_level__isnull=True)
                | Q(evidence_msms_level__gte=1, evidence_msms_level__lte=5),
                name="initiative_msms_level_1_to_5",
                violation_error_message="The Maryland scale runs from 1 to 5.",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="initiative_not_its_own_parent",
                violation_error_message="An initiative cannot be part of itself.",
            ),
            models.CheckConstraint(
                condition=~Q(state=EditorialState.PUBLISHED)
                | Q(published_at__isnull=False),
                name="initiative_published_has_date",
                violation_error_message="A published initiative needs its "
                "publication date.",
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="initiative_title_not_blank",
                violation_error_message="An initiative needs a title.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.state == EditorialState.PUBLISHED

    @property
    def is_demo(self) -> bool:
        return self.origin == Initiative.Origin.DEMO

    @property
    def area_names(self) -> str:
        """The names of its police areas, joined (uses prefetched rows)."""
        return ", ".join(area.name for area in self.police_areas.all())

    @property
    def headline(self) -> str:
        """The title with the areas it covers, marked when it is demo data:
        what names the entry where it stands alone, as in a feed."""
        areas = f" ({self.area_names})" if self.area_names else ""
        return f"{self.title}{areas}{' [demo data]' if self.is_demo else ''}"

    @property
    def category_names(self) -> list[str]:
        """The names of its themes (uses prefetched rows)."""
        return [theme.name for theme in self.themes.all()]

    @property
    def started(self) -> str:
        return format_partial_date(self.start_date, self.start_date_precision)

    @property
    def ended(self) -> str:
        return format_partial_date(self.end_date, self.end_date_precision)

    @property
    def start_year(self) -> int | None:
        return self.start_date.year if self.start_date else None

    @property
    def evaluations(self) -> list["InitiativeSource"]:
        """The cited sources that evaluate it (uses prefetched rows)."""
        return [c for c in self.source_citations.all() if c.is_evaluation]

    @property
    def not_recorded(self) -> list[str]:
        """What the sources do not record about it, to say once on its page
        (uses prefetched rows)."""
        missing = []
        if not any(r.role == "lead" for r in self.organisation_roles.all()):
            missing.append("lead organisation")
        if not self.target_groups.all():
            missing.append("who it works with")
        if not self.status:
            missing.append("lifecycle status")
        if not self.start_date:
            missing.append("start date")
        if not (self.evidence_stage or self.evidence_outcome or self.evidence_note):
            missing.append("evidence")
        if not self.funding.all():
            missing.append("funding")
        return missing

    def build_search_keywords(self) -> str:
        """The related names search should know about (uses prefetched rows)."""
        names = [area.name for area in self.police_areas.all()]
        names += [theme.name for theme in self.themes.all()]
        names += [group.name for group in self.target_groups.all()]
        names += [organisation.name for organisation in self.organisations.all()]
        return " ".join(dict.fromkeys(names))


class InitiativeOrganisation(models.Model):
    """The part an organisation plays in an initiative."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead organisation"
        PARTNER = "partner", "Partner"
        COMMISSIONER = "commissioner", "Commissioner"
        FUNDER = "funder", "Funder"

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="initiative_roles"
    )
    role = models.CharField(max_length=15, choices=Role.choices)

    class Meta:
        ordering = ["role", "organisation__name"]
        verbose_name = "organisation's role"
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation", "role"],
                name="initiative_organisation_role_unique",
                violation_error_message="This organisation already has this role.",
            ),
            models.UniqueConstraint(
                fields=["initiative"],
                condition=Q(role="lead"),
                name="initiative_one_lead_organisation",
                violation_error_message="An initiative has one lead organisation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_role_display()}"


class Funding(models.Model):
    """Money behind an initiative, where a source states it (360Giving-like)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="funding"
    )
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_given",
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(
        max_length=3,
        default="GBP",
        validators=[
            RegexValidator(r"^[A-Z]{3}$", "Use a three-letter currency code, e.g. GBP.")
        ],
    )
    period_start = models.DateField(null=True, blank=True)
    period_start_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    period_end = models.DateField(null=True, blank=True)
    period_end_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    note = models.CharField(max_length=300, blank=True)
    source = models.ForeignKey(
        "Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_stated",
        help_text="The source that states this funding.",
    )

    class Meta:
        ordering = ["period_start", "pk"]
        verbose_name_plural = "funding"
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="funding_amount_not_negative",
                violation_error_message="An amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="funding_period_ends_after_start",
                violation_error_message="The funding period cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        funder = self.funder or "Unknown funder"
        return f"{funder}: {self.amount or 'amount not known'}"

    @property
    def period_started(self) -> str:
        return format_partial_date(self.period_start, self.period_start_precision)

    @property
    def period_ended(self) -> str:
        return format_partial_date(self.period_end, self.period_end_precision)

    @property
    def period_label(self) -> str:
        """'April 2019 to March 2020', 'from 2019', 'to March 2020' or ''."""
        start, end = self.period_started, self.period_ended
        if start and end:
            return f"{start} to {end}"
        if start:
            return f"from {start}"
        return f"to {end}" if end else ""


class ToolkitLink(models.Model):
    """Where a national toolkit rates the approach an initiative takes."""

    class Toolkit(models.TextChoices):
        CRIME_REDUCTION = (
            "crime-reduction-toolkit",
            "College of Policing Crime Reduction Toolkit",
        )
        YOUTH_ENDOWMENT_FUND = "yef-toolkit", "Youth Endowment Fund Toolkit"
        FOUNDATIONS = "foundations-guidebook", "Foundations Guidebook"

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="toolkit_links"
    )
    toolkit = models.CharField(max_length=30, choices=Toolkit.choices)
    approach = models.CharField(
        max_length=200, help_text="The approach as the toolkit names it."
    )
    url = WebAddressField("address")
    rating = models.CharField(
        max_length=200,
        blank=True,
        help_text="The toolkit's own rating, as it words it.",
    )

    class Meta:
        ordering = ["toolkit", "approach"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "toolkit", "url"],
                name="toolkit_link_unique",
                violation_error_message="This toolkit entry is already linked.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_toolkit_display()}: {self.approach}"


class BriefingQuerySet(models.QuerySet["Briefing"]):
    def published(self) -> Self:
        """Briefings the public may see."""
        return self.filter(state=EditorialState.PUBLISHED)

    def withdrawn_since(self, moment: datetime.datetime) -> Self:
        """Briefings that left the public since a moment: tombstones for mirrors."""
        return self.exclude(state=EditorialState.PUBLISHED).filter(
            withdrawn_at__gte=moment
        )


class Briefing(Versioned):
    """A published report that describes initiatives and draws out themes."""

    State = EditorialState

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    series = models.CharField(max_length=200, blank=True)
    number = models.PositiveSmallIntegerField("number in series", null=True, blank=True)
    publishers = models.ManyToManyField(
        Organisation, related_name="published_briefings", blank=True
    )
    published_on = models.DateField("publication date", null=True, blank=True)
    published_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    url = WebAddressField("address", blank=True)
    accessed_on = models.DateField(
        "date accessed",
        null=True,
        blank=True,
        help_text="When a curator last read the briefing at its address.",
    )
    summary = models.TextField(blank=True)
    themes = models.ManyToManyField(
        "themes.Theme", related_name="briefings", blank=True
    )
    initiatives: "models.ManyToManyField[Initiative, BriefingMention]"
    initiatives = models.ManyToManyField(
        Initiative, through="BriefingMention", related_name="briefings", blank=True
    )
    state = models.CharField(
        "editorial state",
        max_length=10,
        choices=EditorialState.choices,
        default=EditorialState.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BriefingQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["publishers", "themes"])

    class Meta:
        ordering = [F("published_on").desc(nulls_last=True), "title"]
        permissions = [
            (
                "publish_briefing",
                "Can publish, withdraw and return published briefings to draft",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"],
                condition=Q(number__isnull=False),
                name="briefing_number_unique_in_series",
                violation_error_message="That series already has a briefing "
                "with this number.",
            ),
            models.CheckConstraint(
                condition=~Q(state=EditorialState.PUBLISHED)
                | Q(published_at__isnull=False),
                name="briefing_published_has_date",
                violation_error_message="A published briefing needs its "
                "publication date.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:briefing-detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.state == EditorialState.PUBLISHED

    @property
    def published(self) -> str:
        """Its publication date at the precision known: '2015', 'December 2015'."""
        return format_partial_date(self.published_on, self.published_on_precision)


class KeyFinding(models.Model):
    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="key_findings"
    )
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class BriefingMention(models.Model):
    """A briefing featuring an initiative, with an optional note or page."""

    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="mentions"
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="briefing_mentions"
    )
    note = models.CharField(max_length=300, blank=True)
    page_reference = models.CharField(
        max_length=30, blank=True, help_text="E.g. 'p. 4' or 'section 2'."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "initiative"],
                name="briefing_mention_unique",
                violation_error_message="The briefing already features this initiative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.briefing} features {self.initiative}"


class SourceQuerySet(models.QuerySet["Source"]):
    def public(self) -> Self:
        """Sources the public may see: cited by a published initiative, directly
        or as the source of its funding. A source cited only by drafts,
        entries in review or withdrawn entries stays out of view."""
        published = EditorialState.PUBLISHED
        return self.filter(
            Exists(
                InitiativeSource.objects.filter(
                    source=OuterRef("pk"), initiative__state=published
                )
            )
            | Exists(
                Funding.objects.filter(
                    source=OuterRef("pk"), initiative__state=published
                )
            )
        )


class Source(Versioned):
    """A document the library cites: a report, an evaluation, a plan, a page.

    Its own dates (when it was published, when a curator read it) are facts
    about the document, kept apart from the dates of the library's entries.
    """

    class Kind(models.TextChoices):
        BRIEFING = "briefing", "Briefing"
        REPORT = "report", "Report"
        EVALUATION = "evaluation", "Evaluation"
        JOURNAL_ARTICLE = "journal-article", "Journal article"
        PLAN = "plan", "Plan or strategy"
        NEWS = "news", "News report"
        PRESS_RELEASE = "press-release", "Press release"
        WEB_PAGE = "web-page", "Web page"
        PARLIAMENTARY = "parliamentary", "Parliamentary publication"
        GOVERNMENT_PUBLICATION = "government-publication", "Government publication"
        PODCAST = "podcast", "Podcast"

    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    title = models.CharField(
        max_length=500,
        help_text="Exactly as published. A title the curator had to supply goes "
        "in square brackets.",
    )
    slug = models.SlugField(max_length=200, unique=True)
    publishers = models.ManyToManyField(
        Organisation, related_name="published_sources", blank=True
    )
    authors = models.CharField(
        max_length=500, blank=True, help_text="As the source gives them."
    )
    published_on = models.DateField("publication date", null=True, blank=True)
    published_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    url = WebAddressField("address", help_text="The original's own address.")
    accessed_on = models.DateField(
        "date accessed",
        default=timezone.localdate,
        help_text="When a curator read it at this address.",
    )
    archived_url = WebAddressField(
        "archived copy",
        blank=True,
        help_text="A copy kept elsewhere, e.g. in a web archive, if the curator read it.",
    )
    summary = models.TextField(
        blank=True, help_text="What the document is, in a sentence or two."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["publishers"])

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:source-detail", kwargs={"slug": self.slug})

    @property
    def published(self) -> str:
        """Its publication date at the precision known: '2015', 'December 2015'."""
        return format_partial_date(self.published_on, self.published_on_precision)


class InitiativeSource(models.Model):
    """A source an initiative cites, with what it supports."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="source_citations"
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations"
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="What this source supports."
    )
    is_evaluation = models.BooleanField(
        "evaluation of this initiative",
        default=False,
        help_text="The source evaluates this very initiative.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "source cited"
        verbose_name_plural = "sources cited"
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "source"],
                name="initiative_source_unique",
                violation_error_message="The initiative already cites this source.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} cites {self.source}"
