import datetime
import threading

import pytest
from django.db import connection, transaction

from dossiers.services import next_dossier_code


def test_codes_follow_the_national_format(org):
    with transaction.atomic():
        first = next_dossier_code(unit=org.c1, day=datetime.date(2026, 11, 22))
        second = next_dossier_code(unit=org.c1, day=datetime.date(2026, 11, 22))
        other_unit = next_dossier_code(unit=org.c2, day=datetime.date(2026, 11, 22))
        next_day = next_dossier_code(unit=org.c1, day=datetime.date(2026, 11, 23))
    assert (first, second) == ("P01.20.01-261122-0001", "P01.20.01-261122-0002")
    assert other_unit == "P01.20.02-261122-0001"
    assert next_day == "P01.20.01-261123-0001"


def test_a_rolled_back_reception_gives_its_number_back(org):
    day = datetime.date(2026, 11, 22)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_dossier_code(unit=org.c1, day=day)
        raise RuntimeError
    with transaction.atomic():
        assert next_dossier_code(unit=org.c1, day=day) == "P01.20.01-261122-0001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_receptions_get_distinct_gap_free_codes(org):
    day = datetime.date(2026, 11, 22)
    codes, errors = [], []
    barrier = threading.Barrier(8)

    def receive():
        try:
            barrier.wait()
            for _ in range(5):
                with transaction.atomic():
                    codes.append(next_dossier_code(unit=org.c1, day=day))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=receive) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(codes) == [f"P01.20.01-261122-{n:04d}" for n in range(1, 41)]
