"""Rules for query parameters that pages and the API share.

A form over query parameters (``ParameterForm``: the filters of a FilterSet,
the paging) refuses, against the parameter's name:

- several different values for a parameter that takes one (a field that is
  not a multiple-choice field); the same value twice is taken once;
- values that are not text: a NUL character, or bytes that were not UTF-8
  (Django decodes them as U+FFFD; a lone surrogate is never text either).
  Such a value never reaches a field, let alone the database, which would
  refuse a NUL with an error of its own. Forms of other kinds use the same
  rule (``unreadable``): the suggestion form does.

A parameter that nothing reads (``themes=`` for ``theme=``, ``limit=``) is
refused too, on the pages and in the API alike, naming it and the names
accepted (``unknown_parameters``): a misspelt filter must never silently
return everything.
"""

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.http import QueryDict

NULL_CHARACTERS = "Null characters are not allowed."
NOT_UTF8 = "This value has characters that could not be read (not UTF-8)."
SURROGATE = re.compile("[\ud800-\udfff]")


def takes_many(field: forms.Field) -> bool:
    """Whether a form field takes several values (any of them matches)."""
    return isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)


def more_than_one(values: list[str]) -> str | None:
    """The problem with a single-valued parameter given several values."""
    given = len(set(values))
    if given > 1:
        return f"Give one value only: the address gives {given}."
    return None


def unreadable(values: list[str]) -> str | None:
    """Why some raw values cannot be used as text, or None when they can."""
    if any("\x00" in value for value in values):
        return NULL_CHARACTERS
    # Bytes that are not UTF-8 (such as a lone surrogate, %ED%A0%80) arrive
    # decoded as U+FFFD REPLACEMENT CHARACTER; a surrogate given as such (by
    # code, not a request) cannot be stored as text either.
    if any("\ufffd" in value or SURROGATE.search(value) for value in values):
        return NOT_UTF8
    return None


SHOWN_NAME_LENGTH = 40
MAX_UNKNOWN_REPORTED = 10


def shown_name(name: str) -> str:
    """A parameter name as given, made safe and short enough to quote back."""
    name = name.replace("\x00", "\N{SYMBOL FOR NULL}")
    if len(name) > SHOWN_NAME_LENGTH:
        return name[: SHOWN_NAME_LENGTH - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return name


def unknown_parameters(names: Iterable[str], accepted: Iterable[str]) -> dict[str, str]:
    """A message for each parameter name that is not accepted, by shown name.

    The message names the accepted parameters and, when one is close, the
    one probably meant. At most ``MAX_UNKNOWN_REPORTED`` are reported.
    """
    known = sorted(set(accepted))
    problems: dict[str, str] = {}
    for name in names:
        if name in known:
            continue
        shown = shown_name(name)
        guess = difflib.get_close_matches(name.replace("-", "_"), known, n=1)
        meant = f" (did you mean '{guess[0]}'?)" if guess else ""
        problems[shown] = (
            f"Unknown parameter '{shown}'{meant}; accepted: {', '.join(known)}."
        )
        if len(problems) == MAX_UNKNOWN_REPORTED:
            break
    return problems


def as_query_dict(data: Mapping[str, Any]) -> QueryDict:
    """A mutable copy of the parameters, whether given as a QueryDict or dict."""
    if isinstance(data, QueryDict):
        return data.copy()
    copy = QueryDict(mutable=True)
    for key, value in data.items():
        copy.setlist(key, list(value) if isinstance(value, list | tuple) else [value])
    return copy


class ParameterForm(forms.Form):
    """A form bound to query parameters, with the rules above.

    FilterSets use it as their ``Meta.form``; the paging form is one.
    """

    def __init__(self, data: Mapping[str, Any] | None = None, *args, **kwargs):
        # Problems with the raw parameters that the fields cannot see, by name.
        self.parameter_problems: dict[str, str] = {}
        if data is not None:
            data = as_query_dict(data)
            for name, field in self.base_fields.items():
                values = data.getlist(name)
                problem = unreadable(values)
                if problem:
                    data.pop(name)
                elif not takes_many(field):
                    problem = more_than_one(values)
                if problem:
                    self.parameter_problems[name] = problem
        super().__init__(data, *args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound:
            for name, problem in self.parameter_problems.items():
                self.add_error(name, problem)
