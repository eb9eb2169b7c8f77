"""The client's address, for lockouts (portal/throttle.py) and rate limits (django-ratelimit).

Behind a reverse proxy every request comes from the proxy, so REMOTE_ADDR alone would make one
visitor's mistakes lock out everybody. `TRUSTED_PROXY_COUNT` says how many proxies of our own
stand in front of the portal; each appends the address it received the request from to
X-Forwarded-For, so the client is the entry that many places from the right. Entries further
left were written by the client itself and are never trusted.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        # The request did not pass through all our proxies (or a proxy dropped the header):
        # the nearest address we know is the only honest answer.
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_in_networks(request, networks):
    """Is the client's address in one of `networks` (ipaddress networks, or strings such as
    "10.20.0.0/24" and "10.20.1.5")? The one allow-list rule of the admin and of /metrics."""
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in (ipaddress.ip_network(network, strict=False) if isinstance(network, str) else network)
               for network in networks)
