"""Identity providers for national sign-in (VNeID, any OIDC provider) plugged in by settings.

A provider turns a browser round-trip into verified claims; the views and the account service
never know which provider it was. Configure in settings:

    CITIZEN_IDENTITY_PROVIDERS = {"vneid": {"class": "myproject.vneid.VNeIDProvider", ...options}}
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class IdentityClaims:
    """What a national identity provider asserts about the person who signed in."""

    personal_id: str
    full_name: str
    phone: str = ""
    email: str = ""
    birth_date: object = None


class IdentityError(Exception):
    """The provider refused, or its answer could not be verified."""


class IdentityProvider:
    """Interface: subclass and implement both methods."""

    name = ""
    label = ""

    def __init__(self, name, **options):
        self.name = name
        self.options = options

    def authorization_url(self, *, request, state, callback_url):
        """Where to send the browser to sign in; `state` must come back unchanged."""
        raise NotImplementedError

    def complete(self, *, request, callback_url):
        """Verify the provider's answer in `request.GET` and return IdentityClaims, or raise
        IdentityError."""
        raise NotImplementedError


def configured_providers():
    providers = []
    for name, options in getattr(settings, "CITIZEN_IDENTITY_PROVIDERS", {}).items():
        options = dict(options)
        cls = import_string(options.pop("class"))
        providers.append(cls(name, **options))
    return providers


def get_provider(name):
    for provider in configured_providers():
        if provider.name == name:
            return provider
    return None
