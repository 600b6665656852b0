"""Partners' API keys: issued once, stored hashed, revoked rather than deleted."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from initiatives.models import PartnerApiKey


def issue_api_key(key: PartnerApiKey) -> str:
    """Give a new partner key its secret and save it; returns the whole key.

    Only the prefix and a hash of the secret are stored, so the whole key is
    shown once, by the caller, and cannot be recovered later: a partner who
    loses it gets a new one.
    """
    secret = secrets.token_urlsafe(32)
    key.secret_hash = PartnerApiKey.hash_secret(secret)
    for _ in range(5):
        key.prefix = secrets.token_hex(PartnerApiKey.PREFIX_LENGTH // 2)
        try:
            with transaction.atomic():
                key.save()
        except IntegrityError:  # the prefix is taken: draw another
            continue
        return f"{key.prefix}.{secret}"
    raise RuntimeError("Could not draw an unused API key prefix.")


def revoke_api_key(key: PartnerApiKey) -> None:
    """Refuse a key from the next request on; revoking twice changes nothing."""
    PartnerApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    key.refresh_from_db(fields=["revoked_at"])
