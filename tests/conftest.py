"""Named example users and a small organisation, shared by every test.

The organisation mirrors a real province in miniature:

    province P (supervisor, editor)
    ├── department "Sở Tư pháp" (officer, leader)
    ├── district D1 (supervisor_d1)
    │   ├── commune C1 (clerk, officer_c1, leader_c1)
    │   └── commune C2 (other_clerk)
    └── district D2
        └── commune C3
"""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from portal.models import Role
from tests.factories import CitizenFactory, UnitFactory, level, staff
from tests.helpers import pass_second_step


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: rate-limit counters (per address, and every test
    client is 127.0.0.1), cached counters and disclosure tables must not leak between tests."""
    cache.clear()
    yield


@pytest.fixture
def org(db):
    province = UnitFactory(name="Ủy ban nhân dân tỉnh Thử Nghiệm", code="P01", level=level("province"))
    department = UnitFactory(
        name="Sở Tư pháp tỉnh Thử Nghiệm", code="P01.15", level=level("province-department"), parent=province
    )
    d1 = UnitFactory(name="Ủy ban nhân dân huyện Mỹ Lộc", code="P01.20", level=level("district"), parent=province)
    d2 = UnitFactory(name="Ủy ban nhân dân huyện Yên Thế", code="P01.30", level=level("district"), parent=province)
    c1 = UnitFactory(name="Ủy ban nhân dân xã Mỹ Hà", code="P01.20.01", parent=d1)
    c2 = UnitFactory(name="Ủy ban nhân dân xã Mỹ Thắng", code="P01.20.02", parent=d1)
    c3 = UnitFactory(name="Ủy ban nhân dân xã Đồng Tâm", code="P01.30.01", parent=d2)
    return SimpleNamespace(province=province, department=department, d1=d1, d2=d2, c1=c1, c2=c2, c3=c3)


@pytest.fixture
def clerk(org):
    return staff(Role.CLERK, org.c1, username="clerk", full_name="Nguyễn Thị Hoa")


@pytest.fixture
def other_clerk(org):
    return staff(Role.CLERK, org.c2, username="other_clerk", full_name="Phạm Thu Trang")


@pytest.fixture
def officer(org):
    return staff(Role.OFFICER, org.department, username="officer", full_name="Kiều Minh Tâm")


@pytest.fixture
def officer_c1(org):
    return staff(Role.OFFICER, org.c1, username="officer_c1", full_name="Trần Văn Bình")


@pytest.fixture
def leader(org):
    return staff(Role.LEADER, org.department, username="leader", full_name="Nguyễn Hữu Dũng")


@pytest.fixture
def leader_c1(org):
    return staff(Role.LEADER, org.c1, username="leader_c1", full_name="Lê Quang Minh")


@pytest.fixture
def supervisor(org):
    return staff(Role.SUPERVISOR, org.province, username="supervisor", full_name="Trịnh Thị Loan")


@pytest.fixture
def supervisor_d1(org):
    return staff(Role.SUPERVISOR, org.d1, username="supervisor_d1", full_name="Tạ Quốc Việt")


@pytest.fixture
def editor(org):
    return staff(Role.EDITOR, org.province, username="editor", full_name="Đặng Văn Hải")


@pytest.fixture
def citizen(db):
    return CitizenFactory(username="citizen", full_name="Nguyễn Văn An")


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as `user`."""

    def login(user):
        client.force_login(user)
        pass_second_step(client, user)
        return client

    return login


@pytest.fixture
def celery_on_redis(settings):
    """Point the in-process Celery app at the test Redis (not eager) for the test's duration."""
    from portal.celery import app

    previous = {
        "broker_url": app.conf.broker_url,
        "result_backend": app.conf.result_backend,
        "task_always_eager": app.conf.task_always_eager,
    }
    app.conf.update(
        broker_url=settings.TEST_REDIS_URL, result_backend=settings.TEST_REDIS_URL, task_always_eager=False
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_connections(app)
    yield app
    app.conf.update(previous)
    _reset_connections(app)


def _reset_connections(app):
    """Drop the app's cached producer pool and result backend so the next use reads conf."""
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture(scope="session", autouse=True)
def _no_session_left_on_the_test_database(django_db_setup, django_db_blocker):
    """At the very end, before pytest-django drops the test database: end the sessions other
    processes left on it (the live server's threads, the Celery worker under test), which made
    the drop fail with "being accessed by other users" and leave the database behind."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


# --- digital signatures: a CA made in the test run, its CRL served on loopback ----------------

@pytest.fixture(scope="session")
def _pki_session():
    import datetime

    from portal.signatures.demo_ca import DemoCA
    from tests.signatures.servers import crl_server, url_of

    ca = DemoCA(name="Test Root CA")
    with crl_server(ca) as server:
        ca.crl_url = url_of(server, "/intermediate.crl")
        good = ca.issue("UBND xã Mỹ Hà", organisation="Ủy ban nhân dân xã Mỹ Hà")
        other = ca.issue("Sở Tư pháp tỉnh Thử Nghiệm")
        expired = ca.issue("Chứng thư hết hạn", not_before=ca.now - datetime.timedelta(days=400), days=365)
        revoked = ca.issue("Chứng thư bị thu hồi")
        ca.revoke(revoked)
        yield SimpleNamespace(ca=ca, crl=server, good=good, other=other, expired=expired, revoked=revoked)


@pytest.fixture
def pki(_pki_session, db):
    """The test CA's root in the trust list; `pki.good`, `other`, `expired`, `revoked` are
    issued certificates (`.pkcs12(password)` gives the file an administrator uploads)."""
    from portal.signatures.keys import trust_anchor_add

    trust_anchor_add(pem_or_der=_pki_session.ca.root.pem(), name="Test Root CA")
    return _pki_session


@pytest.fixture
def unit_certificate(pki, org):
    """A usable certificate of commune C1 (the org fixture's commune with a counter)."""
    from portal.signatures.keys import certificate_upload

    return certificate_upload(unit=org.c1, data=pki.good.pkcs12("mat-khau"), password="mat-khau")
