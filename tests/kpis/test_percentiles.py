"""The nearest-rank percentiles the selectors pick equal PostgreSQL's percentile_disc."""

import random

import pytest
from django.db import connection

from tierdesk.domain.kpi.summary import nearest_rank


@pytest.mark.skipif(connection.vendor != "postgresql", reason="percentile_disc is PostgreSQL's")
@pytest.mark.django_db
def test_nearest_rank_equals_percentile_disc():
    rng = random.Random(19)
    samples = [sorted(rng.choices(range(50), k=n)) for n in range(1, 301)]  # ties included
    with connection.cursor() as cursor:
        for values in samples:
            cursor.execute(
                "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v),"
                " percentile_disc(0.9) WITHIN GROUP (ORDER BY v) FROM unnest(%s::int[]) v",
                [values],
            )
            assert cursor.fetchone() == (nearest_rank(values, 50), nearest_rank(values, 90))
