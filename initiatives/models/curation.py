"""The record of curation: moves between editorial states, suggestions
from the field and problems reported with the website, waiting for a
curator."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from initiatives.models.library import Briefing, EditorialState, Initiative

# The longest description of a problem a visitor may send: several
# paragraphs, well short of what a robot would paste.
PROBLEM_REPORT_MAX_LENGTH = 3000


class StateChange(models.Model):
    """One move of an initiative or a briefing between editorial states.

    Written only by ``initiatives.services.publishing.transition``: who moved which entry
    from which state to which, when, and why.
    """

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="state_changes",
    )
    briefing = models.ForeignKey(
        Briefing,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="state_changes",
    )
    from_state = models.CharField(max_length=10, choices=EditorialState.choices)
    to_state = models.CharField(max_length=10, choices=EditorialState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when a command made the change.",
    )
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(initiative__isnull=False, briefing__isnull=True)
                | Q(initiative__isnull=True, briefing__isnull=False),
                name="state_change_one_entry",
                violation_error_message="A state change belongs to one initiative "
                "or one briefing.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.entry}: {self.get_from_state_display()} to "
            f"{self.get_to_state_display()}"
        )

    @property
    def entry(self) -> "Initiative | Briefing | None":
        return self.initiative or self.briefing


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def new(self) -> Self:
        return self.filter(status=Suggestion.Status.NEW)


class Suggestion(models.Model):
    """An initiative proposed from the field, waiting for a curator.

    What was proposed is a draft initiative (origin "suggestion"), published
    only by a publisher. The submitter's contact details are private: they
    live only here, for curators to follow the suggestion up, and never reach
    a public page, a feed, an export of initiatives or the API.
    """

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_HAND = "in-hand", "Being looked at"
        DONE = "done", "Dealt with"

    class Source(models.TextChoices):
        FORM = "form", "Public form"
        PARTNER_API = "partner-api", "Partner API"

    initiative = models.OneToOneField(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestion",
        help_text="The draft this suggestion created; empty if it was deleted.",
    )
    title = models.CharField(
        max_length=200, help_text="The title as suggested, kept if the draft goes."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    source = models.CharField(
        max_length=15, choices=Source.choices, default=Source.FORM, editable=False
    )
    api_key = models.ForeignKey(
        "PartnerApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="suggestions",
        verbose_name="partner API key",
        help_text="The partner key that sent it, for suggestions made through the API.",
    )
    submitter_name = models.CharField(max_length=200)
    submitter_email = models.EmailField()
    submitter_organisation = models.CharField(max_length=200, blank=True)
    consent_given_at = models.DateTimeField(
        editable=False,
        help_text="When the submitter agreed that the library keeps these details "
        "to follow the suggestion up.",
    )
    curator_note = models.TextField(blank=True, help_text="Private to curators.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ProblemReportQuerySet(models.QuerySet["ProblemReport"]):
    def new(self) -> Self:
        return self.filter(status=ProblemReport.Status.NEW)


class ProblemReport(models.Model):
    """A problem with the website reported by a visitor, for curators.

    The default way the accessibility statement offers to report a problem
    (``LIBRARY_CONTACT_EMAIL`` adds an address beside it). Private: reports
    never reach a public page, a feed, a download or the API. The reply
    address, when given, is kept only to answer the report.
    """

    class Kind(models.TextChoices):
        ACCESSIBILITY = "accessibility", "An accessibility problem"
        INFORMATION = "information", "Wrong or missing information"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_HAND = "in-hand", "Being looked at"
        DONE = "done", "Dealt with"

    kind = models.CharField(max_length=15, choices=Kind.choices)
    description = models.TextField(
        "what went wrong", max_length=PROBLEM_REPORT_MAX_LENGTH
    )
    page = models.CharField(
        "page address",
        max_length=500,
        blank=True,
        help_text="The path on this site the report is about, if one was given.",
    )
    reply_email = models.EmailField(
        "reply e-mail address",
        blank=True,
        help_text="Given only to be answered; never published.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    curator_note = models.TextField(blank=True, help_text="Private to curators.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {Truncator(self.description).chars(60)}"
