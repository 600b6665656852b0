"""What the app sets on its own PostgreSQL connections (settings.DATABASES)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def test_connections_run_without_jit_whatever_the_server_says():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        # Set by the app when connecting, not by the server's configuration.
        cursor.execute("SELECT source FROM pg_settings WHERE name = 'jit'")
        assert cursor.fetchone()[0] == "client"


def test_connections_plan_for_pages_read_from_memory_or_ssd():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setting, source FROM pg_settings WHERE name = 'random_page_cost'"
        )
        assert cursor.fetchone() == ("1.1", "client")


def test_queries_start_no_parallel_workers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setting, source FROM pg_settings "
            "WHERE name = 'max_parallel_workers_per_gather'"
        )
        assert cursor.fetchone() == ("0", "client")
