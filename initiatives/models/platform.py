"""Tables the site runs on rather than content: the content version that
caches are keyed on, partners' API keys, the spelling word list, and what
the content files loaded."""

import datetime
import hashlib
import hmac
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from initiatives.models.directory import Organisation


class SearchWord(models.Model):
    """A word that occurs in published initiatives, for "did you mean" spelling.

    Derived data, rebuilt by ``initiatives.search.rebuild_search_words`` and
    topped up on publication. On PostgreSQL a trigram index (migration 0002)
    finds the nearest word to a misspelt one.
    """

    word = models.CharField(max_length=100, unique=True)
    document_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class ContentLoad(models.Model):
    """What ``load_seed_content`` last loaded of one record of the content files.

    The digest of the record as the files had it, and when it was loaded:
    the next run updates the row only if the file changed and no person has
    edited the row since (see ``initiatives.services.seed``).
    """

    key = models.CharField(
        max_length=250, unique=True, help_text="E.g. 'initiative:durham-checkpoint'."
    )
    digest = models.CharField(
        max_length=64, help_text="SHA-256 of the record as it was in the files."
    )
    object_id = models.PositiveBigIntegerField(
        null=True, help_text="The primary key of the row loaded."
    )
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["key"]
        verbose_name = "record loaded from the content files"
        verbose_name_plural = "records loaded from the content files"

    def __str__(self) -> str:
        return f"{self.key} ({self.loaded_at:%Y-%m-%d %H:%M})"


class ContentVersion(models.Model):
    """One row that changes whenever anything the public can see may change.

    Validators (ETag, Last-Modified) and cached results are keyed on it, so a
    publish, withdrawal or edit makes every cached answer stale at once, in
    every process. Bumped by ``initiatives.services.content_version``.
    """

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="content_version_singleton")
        ]

    def __str__(self) -> str:
        return f"Content version {self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class PublicChange(models.Model):
    """A change to one initiative's public entry: the changes feed's log.

    Written, in the same transaction as the change, whenever an initiative's
    public entry may have changed: published, edited (or a related row it
    shows edited) while published, withdrawn or returned to draft. The
    feed serves each entry's current state (or a tombstone) at the position
    of its latest change; ``id`` is that position. See
    ``initiatives.services.public_changes`` for why ids are assigned in
    commit order.
    """

    id = models.BigAutoField(primary_key=True)
    # Not a foreign key: the row must outlive a deleted initiative.
    initiative_id = models.PositiveBigIntegerField()
    slug = models.SlugField(
        max_length=200, help_text="The entry's slug when it changed."
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["initiative_id", "-id"], name="public_change_latest")
        ]

    def __str__(self) -> str:
        return f"Change {self.pk}: {self.slug}"


class PartnerApiKeyQuerySet(models.QuerySet["PartnerApiKey"]):
    def active(self) -> Self:
        return self.filter(revoked_at__isnull=True)


class PartnerApiKey(models.Model):
    """A partner's key to the API: a higher rate limit, and nothing else.

    The key is ``<prefix>.<secret>``. Only the prefix (to tell keys apart) and
    a SHA-256 hash of the secret are stored; the whole key is shown once, when
    an admin issues it. A key grants no access to the admin or to unpublished
    content.
    """

    PREFIX_LENGTH = 8
    # Recording every use would be a write per request; once a minute is
    # precise enough to tell whether a partner still uses its key.
    LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)

    partner_name = models.CharField(
        max_length=200, help_text="Who uses the key, e.g. 'Essex PFCC data team'."
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_keys",
    )
    prefix = models.CharField(
        max_length=PREFIX_LENGTH,
        unique=True,
        editable=False,
        help_text="The start of the key, to tell keys apart; not a secret.",
    )
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="To within a minute."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PartnerApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["partner_name", "-created_at"]
        verbose_name = "partner API key"

    def __str__(self) -> str:
        return f"{self.partner_name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    def secret_matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, self.hash_secret(secret))
