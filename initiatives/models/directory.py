"""Who does the work: organisations, and the groups of people it is for."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from initiatives.models.places import PoliceArea
from initiatives.validators import WebAddressField
from practice_library.optimistic_locking import Versioned


class OrganisationKind(models.TextChoices):
    PCC_OFFICE = "pcc-office", "Office of a police and crime commissioner or mayor"
    POLICE_FORCE = "police-force", "Police force"
    LOCAL_AUTHORITY = "local-authority", "Local authority"
    HEALTH = "health", "Health body"
    VOLUNTARY_SECTOR = "voluntary-sector", "Voluntary or community sector"
    RESEARCH = "research", "Research or policy body"
    PARTNERSHIP = "partnership", "Partnership"
    GOVERNMENT = "government", "Government department or agency"
    OTHER = "other", "Other"


class Organisation(Versioned):
    """A body that leads, funds, commissions, partners in or publishes work."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    police_area = models.ForeignKey(
        PoliceArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="The area the organisation serves, if it serves one area.",
    )
    website = WebAddressField(blank=True)
    org_id = models.CharField(
        "organisation identifier",
        max_length=60,
        blank=True,
        help_text="An org-id.guide identifier such as GB-CHC-1234567, where known.",
    )
    description = models.TextField(blank=True)
    is_demo = models.BooleanField(
        default=False,
        editable=False,
        help_text="Synthetic demo data, never curated content.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("initiatives:organisation-detail", kwargs={"slug": self.slug})


class TargetGroup(models.Model):
    """A group of people an initiative works with, e.g. young adults aged 18-25."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(min_age__lte=120),
                name="target_group_min_age_sane",
                violation_error_message="The lowest age must be 120 or under.",
            ),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__lte=120),
                name="target_group_max_age_sane",
                violation_error_message="The highest age must be 120 or under.",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gte=F("min_age")),
                name="target_group_age_range_ordered",
                violation_error_message="The highest age cannot be below the lowest.",
            ),
        ]

    def __str__(self) -> str:
        return self.name
