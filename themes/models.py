from typing import Self

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class ThemeQuerySet(models.QuerySet["Theme"]):
    def in_order(self) -> Self:
        return self.order_by("order", "name")


class Theme(models.Model):
    """A theme of prevention work, from the controlled vocabulary of the library.

    The seven themes come from the Revolving Doors Agency spotlight briefing
    of December 2015; curators may add more.
    """

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="Used in addresses and API filters; do not change once published.",
    )
    description = models.TextField(
        help_text="What work under this theme looks like, in a few sentences."
    )
    order = models.PositiveSmallIntegerField(
        default=100, help_text="Themes are listed from the lowest number up."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ThemeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("themes:detail", kwargs={"slug": self.slug})
