"""Writes and checks of connected systems: create (the key shown once), revoke, rotate, and the
key and webhook-secret arithmetic. The system account's memberships follow the scopes, so that
workflow/policies.py, unchanged, decides what the system may see and do:

| scope | membership of the system account in the client's unit | so it may |
|---|---|---|
| `dossiers:read` | supervisor | read the dossiers of the unit and of the units below it |
| `dossiers:create` | (none: the unit must be the client's or below it) | submit dossiers, as online submissions |
| `steps:act` | officer and leader | approve, refuse, request a supplement on the unit's active steps |
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from portal.models import Membership, Role, User
from portal.permissions import forget_memberships

from .models import ApiClient, Scope

KEY_PREFIX_LENGTH = 8
SCOPE_ROLES = {
    Scope.DOSSIERS_READ: (Role.SUPERVISOR,),
    Scope.STEPS_ACT: (Role.OFFICER, Role.LEADER),
}


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_key():
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"


def webhook_secret(client):
    """The client's HMAC secret, derived (never stored): SECRET_KEY and the client's salt."""
    return hmac.new(settings.SECRET_KEY.encode(), f"webhook:{client.pk}:{client.webhook_salt}".encode(),
                    hashlib.sha256).hexdigest()


def client_for_key(key):
    """The active client whose key this is, or None. Compared in constant time."""
    prefix, _dot, _rest = (key or "").partition(".")
    if not prefix or not _rest:
        return None
    client = ApiClient.objects.select_related("unit", "user").filter(key_prefix=prefix, revoked_at=None).first()
    if client is None or not constant_time_compare(client.key_hash, _hash(key)):
        return None
    return client


def _sync_memberships(client):
    roles = {role for scope in client.scopes for role in SCOPE_ROLES.get(scope, ())}
    Membership.objects.filter(user=client.user).exclude(unit=client.unit, role__in=roles).delete()
    for role in roles:
        Membership.objects.get_or_create(user=client.user, unit=client.unit, role=role,
                                         defaults={"title": "API"})
    forget_memberships(client.user)


@transaction.atomic
def api_client_create(*, name, unit, scopes, created_by, webhook_url="", webhook_events=()):
    """A new connected system. Returns (client, key, webhook secret): the key and secret are
    shown once, to the administrator who created them."""
    prefix, key = _new_key()
    user = User.objects.create(username=f"api-{prefix}", full_name=name[:150], is_active=True)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client = ApiClient.objects.create(
        name=name, unit=unit, user=user, scopes=sorted(set(scopes)), key_prefix=prefix, key_hash=_hash(key),
        webhook_url=webhook_url, webhook_events=sorted(set(webhook_events)), webhook_salt=secrets.token_hex(16),
        created_by=created_by)
    _sync_memberships(client)
    return client, key, webhook_secret(client)


@transaction.atomic
def api_client_rotate(*, client):
    """A new key and a new webhook secret; the old ones stop working at once."""
    prefix, key = _new_key()
    client.key_prefix, client.key_hash, client.webhook_salt = prefix, _hash(key), secrets.token_hex(16)
    client.save(update_fields=["key_prefix", "key_hash", "webhook_salt"])
    return key, webhook_secret(client)


@transaction.atomic
def api_client_revoke(*, client):
    """The key stops working and the system account can do nothing any more."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    User.objects.filter(pk=client.user_id).update(is_active=False)
    return client
