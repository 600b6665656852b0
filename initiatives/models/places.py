"""Where the work happens: the 43 police force areas and who governed them."""

import datetime
from typing import Self

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from initiatives.partial_dates import DatePrecision, format_partial_date
from initiatives.validators import WebAddressField


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"


class Region(models.TextChoices):
    """The ITL1 regions of England, with Wales as a region of its own."""

    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE_AND_THE_HUMBER = "yorkshire-and-the-humber", "Yorkshire and The Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST_OF_ENGLAND = "east-of-england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"
    WALES = "wales", "Wales"


# Where each region is, as a sentence says it: "in the North West of England".
REGION_PHRASES = {
    Region.NORTH_EAST: "in the North East of England",
    Region.NORTH_WEST: "in the North West of England",
    Region.YORKSHIRE_AND_THE_HUMBER: "in Yorkshire and the Humber, England",
    Region.EAST_MIDLANDS: "in the East Midlands of England",
    Region.WEST_MIDLANDS: "in the West Midlands of England",
    Region.EAST_OF_ENGLAND: "in the East of England",
    Region.LONDON: "in London",
    Region.SOUTH_EAST: "in the South East of England",
    Region.SOUTH_WEST: "in the South West of England",
    Region.WALES: "in Wales",
}


class PoliceAreaQuerySet(models.QuerySet["PoliceArea"]):
    def with_governance(self) -> Self:
        """Load governance periods, newest first, for pages that show them."""
        return self.prefetch_related(
            models.Prefetch(
                "governance_periods",
                queryset=GovernancePeriod.objects.order_by(
                    F("started_on").desc(nulls_last=True), "-pk"
                ),
            )
        )


class PoliceArea(models.Model):
    """One of the 43 territorial police force areas of England and Wales."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=50,
        unique=True,
        help_text="The force identifier used by data.police.uk, e.g. 'south-wales'.",
    )
    gss_code = models.CharField(
        "GSS code",
        max_length=9,
        unique=True,
        validators=[
            RegexValidator(
                r"^(E23|W15)\d{6}$",
                "Enter the ONS code of a police force area, e.g. E23000003.",
            )
        ],
        help_text="The ONS/GSS police force area code (E23 England, W15 Wales).",
    )
    nation = models.CharField(max_length=10, choices=Nation.choices, db_index=True)
    region = models.CharField(max_length=30, choices=Region.choices, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PoliceAreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nation=Nation.WALES, region=Region.WALES)
                | (Q(nation=Nation.ENGLAND) & ~Q(region=Region.WALES)),
                name="police_area_region_in_nation",
                violation_error_message="Welsh areas sit in the Wales region, "
                "English areas in an English region.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("initiatives:police-area-detail", kwargs={"slug": self.slug})

    @property
    def whereabouts(self) -> str:
        """Where the area lies, for a sentence: 'in the North West of England'."""
        return REGION_PHRASES[Region(self.region)]

    def governance_on(self, day: datetime.date) -> "GovernancePeriod | None":
        """The governance period in force on a day (uses prefetched periods)."""
        for period in self.governance_periods.all():
            if period.is_in_force_on(day):
                return period
        return None

    @property
    def current_governance(self) -> "GovernancePeriod | None":
        return self.governance_on(timezone.localdate())


class GovernanceKind(models.TextChoices):
    PCC = "pcc", "Police and crime commissioner"
    PFCC = "pfcc", "Police, fire and crime commissioner"
    MAYOR = "mayor", "Mayor with police and crime functions"
    POLICE_AUTHORITY = "police-authority", "Police authority"
    COUNCIL_LEADER = "council-leader", "Council leader with police and crime functions"
    POLICING_AND_CRIME_BOARD = "policing-and-crime-board", "Policing and crime board"


class GovernancePeriod(models.Model):
    """Who governed policing in an area, and from when to when.

    Governance is data, not code: when PCC functions pass to mayors or council
    leaders (announced for May 2028), curators add a period; nothing changes in
    the code.
    """

    police_area = models.ForeignKey(
        PoliceArea, on_delete=models.CASCADE, related_name="governance_periods"
    )
    kind = models.CharField(max_length=30, choices=GovernanceKind.choices)
    body_name = models.CharField(
        max_length=200,
        help_text="E.g. 'Mayor of London (Mayor's Office for Policing and Crime)'.",
    )
    started_on = models.DateField(null=True, blank=True)
    started_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    ended_on = models.DateField(null=True, blank=True)
    ended_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    note = models.TextField(blank=True)
    source_url = WebAddressField("source", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["police_area", F("started_on").desc(nulls_last=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="governance_period_ends_after_start",
                violation_error_message="A governance period cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body_name} ({self.period_label})"

    @property
    def started(self) -> str:
        return format_partial_date(self.started_on, self.started_on_precision)

    @property
    def ended(self) -> str:
        return format_partial_date(self.ended_on, self.ended_on_precision)

    @property
    def period_label(self) -> str:
        start = self.started or "date not recorded"
        end = self.ended or "present"
        if self.ended_on is None and self.started_on is not None:
            return f"since {start}"
        return f"{start} to {end}"

    def is_in_force_on(self, day: datetime.date) -> bool:
        if self.started_on is not None and self.started_on > day:
            return False
        return self.ended_on is None or self.ended_on >= day
