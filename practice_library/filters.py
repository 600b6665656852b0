"""django-filter behind the API's lists, with the API's 400 for bad parameters.

Kept apart from the viewsets: DRF imports the filter backend named in
``DEFAULT_FILTER_BACKENDS`` while its own generic views are being built.
"""

from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions

from practice_library.paging import PageForm


def raise_for_parameters(*parameter_forms: forms.Form) -> None:
    """A 400 naming every bad parameter of these bound forms at once.

    In the API's error shape (``practice_library.api_errors``); the same
    message from two forms is given once.
    """
    errors: dict[str, list[str]] = {}
    for form in parameter_forms:
        for name, messages in form.errors.items():
            errors.setdefault(name, []).extend(str(message) for message in messages)
    if errors:
        raise exceptions.ValidationError(
            {name: list(dict.fromkeys(messages)) for name, messages in errors.items()}
        )


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend for the API's lists; only the 400 is ours.

    The view's ``filterset_class`` filters its list, and drf-spectacular
    documents the list's parameters from it. A bad parameter, of the
    FilterSet or of the paging, is a 400 naming every bad one at once. An
    entry is found by its slug alone: filters apply to lists only.
    """

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        checked = [] if filterset is None else [filterset.form]
        raise_for_parameters(*checked, PageForm(request.query_params))
        return queryset if filterset is None else filterset.qs

    def to_html(self, request, queryset, view):
        # No filter form in the browsable API: django-filter's template
        # carries inline styles that the Content Security Policy refuses.
        return None
