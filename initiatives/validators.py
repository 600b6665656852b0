"""Validation shared by every model field that holds a web address."""

from typing import Any

from django.core.validators import URLValidator
from django.db import models

# Only addresses a reader can open in a browser: no ftp:, javascript:, data:.
web_address_validator = URLValidator(
    schemes=["http", "https"],
    message="Enter a full web address starting with http:// or https://.",
)


class WebAddressField(models.URLField):
    """A URL field that accepts only http and https addresses."""

    default_validators = [web_address_validator]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 500)
        super().__init__(*args, **kwargs)

    # django-stubs gives URLField.formfield the positional parameters of the
    # base Field's, which Django's URLField.formfield does not take.
    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        # An address typed without a scheme is taken to be https, as browsers do.
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)
