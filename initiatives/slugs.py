"""Slugs for new rows: made from a title, never taken."""

from django.db import models
from django.utils.text import slugify

from initiatives.models import Initiative

# Addresses under /initiatives/ that are pages, not entries.
RESERVED = {"compare"}


def unique_slug(title: str, model: type[models.Model] = Initiative) -> str:
    """A slug from the title that no row of the model uses yet."""
    base = slugify(title)[:180].strip("-") or "initiative"
    slug, n = base, 1
    while slug in RESERVED or model._default_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
