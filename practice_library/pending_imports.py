"""The file an admin import keeps between its preview and its confirmation.

django-import-export saves the uploaded file for the preview, puts its name
in the confirmation form, and on confirmation reads and deletes the file of
whatever name the form sends back: by default in the system's temporary
folder, by the name's last part. A crafted name (``../../tmp/x``) then read
and deleted any file there, and anyone allowed to import could read or
confirm another user's pending import. Here instead:

- the upload is kept in the shared cache, never on disk, under the uploading
  user's id and a random 128-bit name, for ``PENDING_IMPORT_SECONDS`` at most;
- the confirmation form carries a token signed with the site's secret key
  that binds that user to that name, not the name itself;
- a confirmation whose token is not signed for the same user, has expired,
  or names anything but a pending import's random name is refused with a
  message, before anything is read or removed; the storage itself only
  works inside one user's import and looks only under that user's id.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import uuid4

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.shortcuts import redirect
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm
from import_export.tmp_storages import BaseStorage

PENDING_IMPORT_SECONDS = 24 * 60 * 60
SIGNING_SALT = "practice_library.pending-import"
NAME = re.compile(r"[0-9a-f]{32}")
START_AGAIN = "Choose the file and import it again."

# The id of the user whose import this request is working on.
_importing_user: ContextVar[int | None] = ContextVar("importing_user", default=None)


class PendingImportRefused(Exception):
    """The pending import named cannot be used (gone, foreign or malformed)."""


@contextmanager
def importing_as(user: Any) -> Iterator[None]:
    """Let ``PendingImportStorage`` work on ``user``'s pending imports."""
    token = _importing_user.set(user.pk)
    try:
        yield
    finally:
        _importing_user.reset(token)


def sign_pending_import(user: Any, name: str) -> str:
    """The token the confirmation form carries for ``user``'s upload ``name``."""
    return signing.dumps({"user": user.pk, "name": name}, salt=SIGNING_SALT)


def pending_import_name(token: str, user: Any) -> str:
    """The upload's name from a token signed for ``user``; refused otherwise."""
    try:
        signed = signing.loads(token, salt=SIGNING_SALT, max_age=PENDING_IMPORT_SECONDS)
    except signing.SignatureExpired:
        raise PendingImportRefused(
            f"This import was previewed too long ago. {START_AGAIN}"
        ) from None
    except signing.BadSignature:
        raise PendingImportRefused(
            f"This confirmation does not come from your own preview. {START_AGAIN}"
        ) from None
    if not isinstance(signed, dict) or signed.get("user") != user.pk:
        raise PendingImportRefused(
            f"This confirmation does not come from your own preview. {START_AGAIN}"
        )
    name = signed.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise PendingImportRefused(f"This import cannot be confirmed. {START_AGAIN}")
    return name


class PendingImportStorage(BaseStorage):
    """django-import-export's temporary storage, kept per user in the cache."""

    def _key(self) -> str:
        user = _importing_user.get()
        if (
            user is None
            or not isinstance(self.name, str)
            or not NAME.fullmatch(self.name)
        ):
            raise PendingImportRefused(
                f"This import cannot be confirmed. {START_AGAIN}"
            )
        return f"pending-import:{user}:{self.name}"

    def save(self, data: bytes) -> None:
        if not self.name:
            self.name: str = uuid4().hex
        cache.set(self._key(), data, PENDING_IMPORT_SECONDS)

    def read(self) -> bytes:
        data = cache.get(self._key())
        if data is None:
            # Expired, or lost with the cache (a restart, or an outage).
            raise PendingImportRefused(
                f"The uploaded file is no longer kept. {START_AGAIN}"
            )
        return data

    def remove(self) -> None:
        cache.delete(self._key())


class PendingImportConfirmForm(ConfirmImportForm):
    """The confirmation form, whose file is a token signed for one user."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_import_file_name(self) -> str:
        try:
            return pending_import_name(self.cleaned_data["import_file_name"], self.user)
        except PendingImportRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None


class PendingImportMixin(ImportMixin):
    """An admin import whose confirmation only reaches the same user's upload."""

    tmp_storage_class = PendingImportStorage
    confirm_form_class = PendingImportConfirmForm

    def get_confirm_form_class(self, request):
        form_class = super().get_confirm_form_class(request)
        if not issubclass(form_class, PendingImportConfirmForm):
            raise TypeError(f"{form_class} must be a PendingImportConfirmForm.")
        return form_class

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "user": request.user,
        }

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["import_file_name"] = sign_pending_import(
                request.user, initial["import_file_name"]
            )
        return initial

    def import_action(self, request, **kwargs):
        with importing_as(request.user):
            return super().import_action(request, **kwargs)

    def process_import(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            # Refused before django-import-export reads or removes anything.
            problems = self.create_confirm_form(request).errors.get("import_file_name")
            if problems:
                return self._start_again(request, problems[0])
        with importing_as(request.user):
            try:
                return super().process_import(request, **kwargs)
            except PendingImportRefused as refusal:
                return self._start_again(request, str(refusal))

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, PendingImportRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def _start_again(self, request, message: str):
        self.message_user(request, message, messages.ERROR)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
