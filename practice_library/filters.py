"""django-filter behind the API's lists, with the API's 400 for bad parameters.

Kept apart from the viewsets: DRF imports the filter backend named in
``DEFAULT_FILTER_BACKENDS`` while its own generic views are being built.
"""

import copy

import django_filters
from django import forms
from django.http import QueryDict
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


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, whose instances share their filters' querysets.

    django-filter deep-copies every filter for each FilterSet it makes, and
    with each model filter its queryset, cloning the whole query: for the
    initiatives' dozen model filters, about 10 ms of every list request.
    What a filter keeps in ``extra`` (its queryset, choices, widget) is only
    handed to the form field it makes, which copies what it keeps (a clone
    of the queryset, its own list of choices, a copy of the widget), and a
    filter's queryset is never evaluated itself; so every instance can share
    them. The filters themselves are copied as django-filter copies them,
    and the rest of ``__init__`` is django-filter's (26.2).
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        shared = {
            id(value): value
            for filter_ in self.base_filters.values()
            for value in filter_.extra.values()
        }
        self.filters = copy.deepcopy(self.base_filters, shared)
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self


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
