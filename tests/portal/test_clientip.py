import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.clientip import client_ip
from tests.factories import PASSWORD


def _request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="203.0.113.7")) == "10.0.0.2"


@pytest.mark.parametrize("forwarded, hops, expected", [
    ("203.0.113.7", 1, "203.0.113.7"),
    # The client wrote the left-most entry itself: one proxy of ours means the right-most counts.
    ("1.2.3.4, 203.0.113.7", 1, "203.0.113.7"),
    ("1.2.3.4, 203.0.113.7, 10.0.0.9", 2, "203.0.113.7"),
    (" 2001:db8::1 ", 1, "2001:db8::1"),
])
def test_the_address_written_by_our_own_proxies_is_used(settings, forwarded, hops, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    assert client_ip(_request(forwarded=forwarded)) == expected


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "<script>"])
def test_missing_or_forged_header_falls_back_to_the_peer(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded=forwarded)) == "10.0.0.2"


def test_behind_a_proxy_one_visitors_lookups_do_not_block_another(client, settings, db, time_machine):
    settings.TRUSTED_PROXY_COUNT = 1
    time_machine.move_to(timezone.now(), tick=False)  # the 31 requests stay in one rate-limit window
    url = reverse("dossiers:track")
    for _ in range(31):
        client.get(url, {"code": "H56-KHONG-CO"}, HTTP_X_FORWARDED_FOR="203.0.113.7")
    blocked = client.post(url, {"code": "H56-KHONG-CO", "secret": "000000"}, HTTP_X_FORWARDED_FOR="203.0.113.7")
    other = client.post(url, {"code": "H56-KHONG-CO", "secret": "000000"}, HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert blocked.status_code == 429
    assert other.status_code == 200
    assert "Không tìm thấy hồ sơ" in other.content.decode()


def test_behind_a_proxy_the_address_lockout_is_per_visitor(client, clerk, settings, db):
    # One visitor trying many accounts locks their own address, not the proxy's: the clerk
    # signs in from another address.
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        client.post(reverse("login"), {"username": f"khong-co-{n}", "password": "sai"},
                    HTTP_X_FORWARDED_FOR="203.0.113.7")
    locked = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD},
                         HTTP_X_FORWARDED_FOR="203.0.113.7")
    elsewhere = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD},
                            HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert locked.status_code == 429
    assert elsewhere.status_code == 302
