"""Paging for pages and the API, and the problems a visitor's parameters can have.

One form validates ``page`` and ``page_size`` everywhere, and one function
finds the page asked for, with one message for a page past the last: a page
shows it in its error summary (answered 404), the API in a 404 naming
``page``. Bad
parameters never raise a 404 or a 500 on a page: they come back as problems
that name the parameter and the value given, shown above the form.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import QueryDict

from practice_library.parameters import ParameterForm, unknown_parameters
from practice_library.result_cache import CachedResultPaginator

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SHOWN_VALUE_LENGTH = 60
PAGING_PARAMETERS = ("page", "page_size")


class PageForm(ParameterForm):
    """The paging parameters, validated the same way by pages and API."""

    page = forms.IntegerField(label="Page", min_value=1, required=False)
    page_size = forms.IntegerField(
        label="Results per page",
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        help_text=f"Results per page, at most {MAX_PAGE_SIZE}.",
    )


class NoSuchPage(Exception):
    """A page past the last; the message says how many there are."""

    def __init__(self, number: int, count: int, pages: int):
        self.number = number
        super().__init__(
            f"There is no page {number:,}: the {count:,} "
            f"result{'' if count == 1 else 's'} fit on "
            f"{pages:,} page{'' if pages == 1 else 's'}."
        )


def page_of(
    queryset: QuerySet,
    form: PageForm,
    *,
    default_size: int = PAGE_SIZE,
    result_key: str | None = None,
) -> Page:
    """The page a valid PageForm asks for; NoSuchPage past the last.

    Costs one count query, unless ``result_key`` names the results in the
    result cache and they are there.
    """
    size = form.cleaned_data.get("page_size") or default_size
    number = form.cleaned_data.get("page") or 1
    paginator = CachedResultPaginator(queryset, size, result_key=result_key)
    if number > paginator.num_pages:
        raise NoSuchPage(number, paginator.count, paginator.num_pages)
    return paginator.page(number)


@dataclass(frozen=True)
class Problem:
    """Something wrong with one parameter, in words a visitor can act on."""

    name: str
    label: str
    value: str
    message: str
    # A parameter nothing reads has no field of its own to link to.
    known: bool = True

    @property
    def anchor(self) -> str:
        """The id of the page element the error summary links to."""
        if self.name in PAGING_PARAMETERS or not self.known:
            return "results"
        return f"filter-{self.name}"


def shown_value(values: list[str]) -> str:
    """Values as given, made safe and short enough to quote back."""
    text = ", ".join(values).replace("\x00", "\N{SYMBOL FOR NULL}")
    if len(text) > SHOWN_VALUE_LENGTH:
        return text[: SHOWN_VALUE_LENGTH - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return text


def form_problems(form: forms.Form, params: QueryDict) -> list[Problem]:
    """A problem for each invalid field of a bound form, in field order."""
    problems = []
    for name, field in form.fields.items():
        for message in form.errors.get(name, []):
            problems.append(
                Problem(
                    name=name,
                    label=str(field.label or name.replace("_", " ").capitalize()),
                    value=shown_value(params.getlist(name)),
                    message=str(message),
                )
            )
    return problems


def unknown_parameter_problems(
    params: QueryDict, accepted: Iterable[str]
) -> list[Problem]:
    """A problem for each parameter nothing on the page reads (a misspelt
    filter), the same message as the API's 400."""
    return [
        Problem(
            name=name,
            label="Parameter",
            value=shown_value(params.getlist(name)),
            message=message,
            known=False,
        )
        for name, message in unknown_parameters(params, accepted).items()
    ]


def paginate(
    queryset: QuerySet,
    form: PageForm,
    *,
    default_size: int = PAGE_SIZE,
    result_key: str | None = None,
) -> tuple[Page | None, list[Problem]]:
    """The page a valid PageForm asks for, or None and the problem when the
    page does not exist."""
    try:
        page = page_of(queryset, form, default_size=default_size, result_key=result_key)
    except NoSuchPage as error:
        return None, [Problem("page", "Page", str(error.number), str(error))]
    return page, []


def paginate_params(
    queryset: QuerySet, params: QueryDict, *, default_size: int = PAGE_SIZE
) -> tuple[Page | None, list[Problem]]:
    """The page the parameters ask for, or None and what is wrong with them."""
    form = PageForm(params)
    if not form.is_valid():
        return None, form_problems(form, params)
    return paginate(queryset, form, default_size=default_size)
