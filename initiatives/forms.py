"""Forms: curation in the admin, and the forms visitors send."""

import datetime
import re
import secrets
import time
from urllib.parse import urlsplit

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import slug_re

from initiatives.models import (
    PROBLEM_REPORT_MAX_LENGTH,
    Briefing,
    Funding,
    GovernancePeriod,
    Initiative,
    PoliceArea,
    ProblemReport,
    Source,
)
from initiatives.partial_dates import (
    DatePrecision,
    parse_partial_date,
    partial_date_iso,
)
from initiatives.validators import web_address_validator
from practice_library.parameters import unreadable
from themes.models import Theme


class PartialDateField(forms.CharField):
    """A date as a source gives it: '2024', '2024-03' or '2024-03-05'.

    Cleans to ``(first day of the period, precision)``, or ``None`` when left
    empty; the same reading as the spreadsheet import and the content files
    (``parse_partial_date``), and the same form the API writes.
    """

    default_help_text = (
        "As the source gives it: a year (2024), a month (2024-03) or a full "
        "date (2024-03-05)."
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", self.default_help_text)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("size", 10)
        self.widget.attrs.setdefault("placeholder", "YYYY-MM-DD")

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return value.isoformat()
        return super().prepare_value(value)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_partial_date(text)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class PartialDatesMixin(forms.BaseModelForm):
    """Partial dates entered in one field each, as sources give them.

    ``partial_dates`` pairs each date field (a ``PartialDateField`` on the
    form) with the model field that keeps its precision. The date is stored as
    the first day of the period it names, so sorting and year filters work,
    and the precision is set from what was typed: '2015' is "Year only".
    """

    partial_dates: tuple[tuple[str, str], ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for date_field, precision_field in self.partial_dates:
            day = getattr(self.instance, date_field, None)
            if date_field in self.fields and day is not None:
                precision = getattr(self.instance, precision_field)
                self.initial[date_field] = partial_date_iso(day, precision)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for date_field, precision_field in self.partial_dates:
            if date_field not in cleaned:
                continue  # refused: its error is already on the field
            day, precision = cleaned[date_field] or (None, DatePrecision.YEAR)
            cleaned[date_field] = day
            setattr(self.instance, precision_field, precision)
        return cleaned


class InitiativeAdminForm(PartialDatesMixin, forms.ModelForm):
    start_date = PartialDateField(label="Start date")
    end_date = PartialDateField(label="End date")
    partial_dates = (
        ("start_date", "start_date_precision"),
        ("end_date", "end_date_precision"),
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "police_areas",
            "themes",
            "target_groups",
            "parent",
            "status",
            "start_date",
            "end_date",
            "evidence_stage",
            "evidence_outcome",
            "evidence_msms_level",
            "evidence_note",
            "website",
            "contact_name",
            "contact_email",
            "last_reviewed_at",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.is_published and not cleaned.get("police_areas"):
            self.add_error(
                "police_areas", "A published initiative needs at least one police area."
            )
        if self.instance.is_published and not (cleaned.get("summary") or "").strip():
            self.add_error("summary", "A published initiative needs a summary.")
        parent = cleaned.get("parent")
        if parent is not None and self.instance.pk is not None:
            ancestor, seen = parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.instance.pk:
                    self.add_error(
                        "parent",
                        "An initiative cannot be part of one of its own programmes.",
                    )
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        return cleaned


class GovernancePeriodForm(PartialDatesMixin, forms.ModelForm):
    started_on = PartialDateField(label="Started on")
    ended_on = PartialDateField(label="Ended on")
    partial_dates = (
        ("started_on", "started_on_precision"),
        ("ended_on", "ended_on_precision"),
    )

    class Meta:
        model = GovernancePeriod
        fields = [
            "police_area",
            "kind",
            "body_name",
            "started_on",
            "ended_on",
            "note",
            "source_url",
        ]


class FundingForm(PartialDatesMixin, forms.ModelForm):
    period_start = PartialDateField(label="Period start")
    period_end = PartialDateField(label="Period end")
    partial_dates = (
        ("period_start", "period_start_precision"),
        ("period_end", "period_end_precision"),
    )

    class Meta:
        model = Funding
        fields = [
            "funder",
            "amount",
            "currency",
            "period_start",
            "period_end",
            "source",
            "note",
        ]


class SourceAdminForm(PartialDatesMixin, forms.ModelForm):
    published_on = PartialDateField(label="Publication date")
    partial_dates = (("published_on", "published_on_precision"),)

    class Meta:
        model = Source
        fields = [
            "title",
            "slug",
            "kind",
            "publishers",
            "authors",
            "published_on",
            "url",
            "accessed_on",
            "archived_url",
            "summary",
        ]


class BriefingAdminForm(PartialDatesMixin, forms.ModelForm):
    published_on = PartialDateField(label="Publication date")
    partial_dates = (("published_on", "published_on_precision"),)

    class Meta:
        model = Briefing
        fields = [
            "title",
            "slug",
            "series",
            "number",
            "publishers",
            "published_on",
            "url",
            "accessed_on",
            "summary",
            "themes",
        ]


class SlugChoiceField(forms.ModelChoiceField):
    """A choice by slug that refuses a value that cannot be a slug before it
    reaches the database (PostgreSQL refuses a NUL byte outright)."""

    def to_python(self, value):
        if value not in self.empty_values and not slug_re.fullmatch(str(value)):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class MapThemeForm(forms.Form):
    """Narrows the police area map to one theme (``?theme=<slug>``)."""

    theme = SlugChoiceField(
        queryset=Theme.objects.in_order(),
        to_field_name="slug",
        required=False,
        empty_label="All themes",
        label="Show initiatives under",
    )


SUGGESTION_FORM_SALT = "initiatives.suggestion-form"
FORM_NONCE = re.compile(r"[0-9a-f]{32}")


def fill_time_token(moment: float | None = None) -> str:
    """A signed note of when the form was shown, to spot forms sent too fast,
    with a random nonce, so that each form shown can be sent only once."""
    return signing.dumps(
        [time.time() if moment is None else moment, secrets.token_hex(16)],
        salt=SUGGESTION_FORM_SALT,
    )


class WebAddressFormField(forms.URLField):
    """http and https addresses only; one message for any other."""

    default_validators = [web_address_validator]
    default_error_messages = {"invalid": web_address_validator.message}

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class PublicForm(forms.Form):
    """A form anyone may send, with two quiet checks that keep robots out
    without a third-party CAPTCHA: a field people never see (robots fill it
    in), and a signed note of when the form was shown (robots send it within
    a second or two), which the view lets through once only (``nonce_key``).

    Both fields are added after the form's own, in ``__init__``, so a form's
    fields keep their order. ``sent_thing`` names what is sent in the
    messages; ``sent_key`` starts the cache key that remembers a note used.
    """

    sent_thing = "form"
    sent_key = "form-sent"

    def __init__(
        self, *args, min_seconds: float = 3, max_seconds: float = 86400, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.min_seconds = min_seconds
        self.max_seconds = max_seconds
        # The trap: hidden from people (and from screen readers), filled by robots.
        self.fields["fax_number"] = forms.CharField(
            label="Leave this empty", required=False, max_length=200
        )
        self.fields["fax_number"].widget.attrs.update(
            {"tabindex": "-1", "autocomplete": "off"}
        )
        self.fields["started"] = forms.CharField(widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial["started"] = fill_time_token()

    @property
    def is_trapped(self) -> bool:
        """Whether a robot filled in the hidden field (call after is_valid)."""
        return bool(self.cleaned_data.get("fax_number"))

    def clean_started(self) -> float:
        too_long = (
            f"This form was open for too long. Please check your {self.sent_thing} "
            "and send it again."
        )
        try:
            moment, nonce = signing.loads(
                self.cleaned_data["started"],
                salt=SUGGESTION_FORM_SALT,
                max_age=datetime.timedelta(seconds=self.max_seconds),
            )
            shown_at = float(moment)
            if not isinstance(nonce, str) or not FORM_NONCE.fullmatch(nonce):
                raise ValueError("not a nonce")
        except signing.SignatureExpired:
            raise forms.ValidationError(too_long) from None
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(
                f"Please send the {self.sent_thing} from the form on this page."
            ) from None
        if time.time() - shown_at > self.max_seconds:
            raise forms.ValidationError(too_long)
        if time.time() - shown_at < self.min_seconds:
            raise forms.ValidationError(
                f"That was sent very quickly. Please check your {self.sent_thing} "
                "and send it again."
            )
        self.nonce = nonce
        return shown_at

    @property
    def nonce_key(self) -> str:
        """The cache key that remembers this form was sent (after is_valid)."""
        return f"{self.sent_key}:{self.nonce}"

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        # Text that is not text (bytes that were not UTF-8, such as a lone
        # surrogate) is refused, as the API refuses it, not kept as "�". The
        # trap says nothing: whatever fills it is dropped anyway.
        for name, value in list(cleaned.items()):
            readable = name == "fax_number" or not isinstance(value, str)
            problem = None if readable else unreadable([value])
            if problem:
                self.add_error(name, problem)
        return cleaned

    def add_error(self, field, error):
        # The timing check is about the whole form, not a field people see.
        super().add_error(None if field == "started" else field, error)


class SuggestionForm(PublicForm):
    """An initiative suggested by a PCC office or a practitioner."""

    sent_thing = "suggestion"
    sent_key = "suggestion-form-sent"

    title = forms.CharField(
        max_length=200, help_text="The name the initiative goes by locally."
    )
    police_areas = forms.ModelMultipleChoiceField(
        label="Police areas",
        queryset=PoliceArea.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Every police force area the work covers.",
        error_messages={"required": "Choose at least one police area."},
    )
    summary = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two plain sentences: what the initiative does, for whom.",
    )
    description = forms.CharField(
        label="More detail (optional)",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="How it works, who runs it, any evaluation. Markdown is allowed.",
    )
    website = WebAddressFormField(
        label="Web address (optional)", required=False, max_length=500
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes (optional)",
        queryset=Theme.objects.in_order(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    submitter_name = forms.CharField(label="Your name", max_length=200)
    submitter_email = forms.EmailField(
        label="Your e-mail address",
        help_text="Only for the library's curators, to ask about your suggestion.",
    )
    submitter_organisation = forms.CharField(
        label="Your organisation (optional)", max_length=200, required=False
    )
    consent = forms.BooleanField(
        label="I agree that the library keeps my name, e-mail address and "
        "organisation to follow up this suggestion. They are never published.",
        error_messages={"required": "Tick the box so that we may keep your details."},
    )


PAGE_ADDRESS_MAX_LENGTH = 500


def site_path(address: str, host: str) -> str | None:
    """The path (and query) of ``address`` when it names a page on this site
    (a path such as ``/initiatives/``, or a whole address on ``host``), else
    None: another site, a scheme other than http(s), or text no address has."""
    address = address.strip()
    if (
        not address
        or len(address) > PAGE_ADDRESS_MAX_LENGTH
        or unreadable([address])
        # Browsers read a backslash as a slash: "/\\evil.example" is off site.
        or any(character < " " or character in "\\\x7f" for character in address)
    ):
        return None
    try:
        parts = urlsplit(address)
    except ValueError:  # such as an unclosed "[" in the host
        return None
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != (
            host.lower()
        ):
            return None
    elif not address.startswith("/") or address.startswith("//"):
        return None
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


class ProblemReportForm(PublicForm):
    """A problem with the website, reported by a visitor."""

    sent_thing = "report"
    sent_key = "problem-report-sent"

    kind = forms.ChoiceField(
        label="What kind of problem is it?",
        choices=ProblemReport.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of problem it is."},
    )
    description = forms.CharField(
        label="What went wrong?",
        max_length=PROBLEM_REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you were doing, what happened and what you expected. If "
        "it matters, say what you use, such as a screen reader or zoom. Please "
        "leave out personal information.",
        error_messages={"required": "Tell us what went wrong."},
    )
    page = forms.CharField(
        label="Address of the page (optional)",
        required=False,
        max_length=PAGE_ADDRESS_MAX_LENGTH,
        help_text="The page the problem is on: its address from your browser, or "
        "its path, such as /initiatives/.",
    )
    reply_email = forms.EmailField(
        label="Your e-mail address (optional)",
        required=False,
        max_length=254,
        help_text="Only if you would like a reply. It is used only to answer "
        "this report and is never published.",
    )

    def __init__(self, *args, site_host: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_host = site_host

    def clean_page(self) -> str:
        address = self.cleaned_data["page"]
        if not address:
            return ""
        path = site_path(address, self.site_host)
        if path is None:
            raise ValidationError(
                "Enter the address of a page on this website, such as "
                f"/initiatives/ or https://{self.site_host}/initiatives/."
            )
        return path
