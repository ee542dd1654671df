"""A dropped database connection is recovered without restarting the web process."""

from urllib.request import urlopen

import psycopg2
import pytest
from django.conf import settings


def terminate_portal_connections() -> int:
    """Kill every other session on the test database, as a failover or a DBA's pg_terminate_backend would."""
    db = settings.DATABASES["default"]
    admin = psycopg2.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user="postgres", dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND application_name NOT LIKE 'pytest%%'",
            [db["NAME"]],
        )
        (killed,) = cursor.fetchone()
    admin.close()
    return killed


def get(url: str):
    with urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_web_process_recovers_after_its_database_connection_is_killed(gunicorn_server, django_db_blocker):
    status, body = get(gunicorn_server + "/score-sheets/")
    assert status == 200
    # The worker keeps its connection open between requests (DB_CONN_MAX_AGE=600): kill it under its feet.
    with django_db_blocker.unblock():
        from django.db import connection

        connection.close()  # the test's own connection goes too; it reconnects on next use
    assert terminate_portal_connections() >= 1
    for _ in range(3):
        status, body = get(gunicorn_server + "/score-sheets/")
        assert status == 200
        assert "Bộ tiêu chí và phiếu đánh giá sản phẩm OCOP" in body
    status, body = get(gunicorn_server + "/healthz/")
    assert (status, body) == (200, '{"status": "ok"}')
