"""FilterSets share their filters' querysets, and nothing else, across instances."""

import pytest
from django.http import QueryDict

from initiatives.filters import InitiativeFilterSet
from initiatives.models import Initiative
from tests.factories import make_police_area

pytestmark = pytest.mark.django_db


def test_instances_share_querysets_but_not_filters():
    first, second = InitiativeFilterSet(), InitiativeFilterSet()

    assert first.filters["police_area"] is not second.filters["police_area"]
    assert first.filters["police_area"].parent is first
    assert second.filters["police_area"].parent is second
    shared = InitiativeFilterSet.base_filters["police_area"].queryset
    assert first.filters["police_area"].queryset is shared
    assert first.filters["police_area"].extra["queryset"] is shared
    assert first.filters["theme"].queryset is not shared
    status = InitiativeFilterSet.base_filters["status"].extra["choices"]
    assert first.filters["status"].extra["choices"] is status
    # The form field makes its own copy of what it keeps.
    first_field = first.form.fields["police_area"]
    second_field = second.form.fields["police_area"]
    assert first_field.queryset is not shared
    assert first_field.widget is not second_field.widget


def test_a_shared_queryset_never_holds_rows():
    make_police_area(slug="kent")
    first = InitiativeFilterSet(QueryDict("police_area=kent"), Initiative.objects.all())
    assert first.is_valid(), first.errors
    list(first.form.fields["police_area"].choices)

    # An area added afterwards is known to the next search.
    make_police_area(slug="essex")
    later = InitiativeFilterSet(
        QueryDict("police_area=essex"), Initiative.objects.all()
    )
    assert later.is_valid(), later.errors
    assert (
        InitiativeFilterSet.base_filters["police_area"].queryset._result_cache is None
    )
