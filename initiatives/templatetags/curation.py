"""Template tags for the curators' admin pages."""

from django import template

from initiatives.models import ProblemReport, Suggestion

register = template.Library()


@register.simple_tag
def new_suggestion_count() -> int:
    """How many suggestions from the field nobody has looked at yet."""
    return Suggestion.objects.new().count()


@register.simple_tag
def new_problem_report_count() -> int:
    """How many problems reported with the website nobody has looked at yet."""
    return ProblemReport.objects.new().count()
