"""What a browser sends back for an admin page's form, as the page shows it."""

import datetime
from typing import Any

from django import forms


def form_values(form: forms.BaseForm) -> dict[str, Any]:
    """Each field of a form as a browser would send it, under its HTML name."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue  # an empty field, or a box left unticked, sends nothing
        if isinstance(bound.field.widget, forms.SplitDateTimeWidget):
            if isinstance(value, str):  # as typed, when the form was bound
                value = datetime.datetime.fromisoformat(value)
            data[f"{bound.html_name}_0"] = value.date().isoformat()
            data[f"{bound.html_name}_1"] = value.time().isoformat()
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        else:
            data[bound.html_name] = value
    return data


def admin_form_data(response, **changes: Any) -> dict[str, Any]:
    """The POST data of the admin form on a page as displayed, with changes.

    ``response`` is the GET of an add, change or history (restore) page. Its
    inlines are sent as shown, with their management forms; ``changes`` set
    or replace fields by name (a list for several values).
    """
    context = response.context
    data = form_values(context["adminform"].form)
    for inline in context.get("inline_admin_formsets") or []:
        formset = inline.formset
        data |= form_values(formset.management_form)
        for form in formset.forms:
            data |= form_values(form)
    return data | changes


def new_initiative_data(client, area, **changes: Any) -> dict[str, Any]:
    """The admin's add form for an initiative, filled in as a curator would:
    "Street triage" (slug street-triage) in ``area``, with ``changes``."""
    from django.urls import reverse

    page = client.get(reverse("admin:initiatives_initiative_add"))
    assert page.status_code == 200
    fields = {
        "title": "Street triage",
        "slug": "street-triage",
        "summary": "Nurses with officers.",
        "police_areas": [str(area.pk)],
    }
    return admin_form_data(page, **fields) | changes
