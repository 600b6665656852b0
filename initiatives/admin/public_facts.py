"""Public facts that only a publisher may change.

Initiatives and briefings reach the public only through a publisher (their
editorial states). Organisations and sources have no states: an editor's
change to one the public can already see goes live at once. Most of such a
change is a correction a reader would welcome, but a web address sends
readers elsewhere, and an organisation's name is how they know it, so on a
record the public can see those fields are changed by publishers only. An
editor who tries gets the field's error, naming why and whom to ask; the
rest of the form is kept for them to save without it. The check compares
with the stored row, so restoring an old version cannot bring back an old
address either.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet

from initiatives.models import Initiative
from initiatives.services.publishing import may_publish

ASK_A_PUBLISHER = (
    "Only a publisher can change this on a {name} the public can see, as it "
    "goes live at once. Ask a publisher to make this change; save your other "
    "changes without it."
)


class PublisherFieldsAdminMixin(admin.ModelAdmin):
    """Some fields of a public record are a publisher's to change."""

    publisher_fields: tuple[str, ...] = ()

    def public_records(self) -> QuerySet:
        """The records the public can see (a selector)."""
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or obj.pk is None or may_publish(request.user, Initiative):
            return form_class
        if not self.public_records().filter(pk=obj.pk).exists():
            return form_class
        guarded = list(self.publisher_fields)
        model: type[Model] = self.model
        message = ASK_A_PUBLISHER.format(name=model._meta.verbose_name)
        # A form class made at run time, which mypy cannot subclass as such.
        base: Any = form_class

        class PublisherFieldsForm(base):
            def clean(self):
                cleaned = super().clean()
                stored = (
                    model._default_manager.filter(pk=self.instance.pk)
                    .values(*guarded)
                    .first()
                    or {}
                )
                for name in guarded:
                    if name in cleaned and cleaned[name] != stored.get(name):
                        self.add_error(name, message)
                return cleaned

        PublisherFieldsForm.__name__ = form_class.__name__
        return PublisherFieldsForm
