#!/usr/bin/env bash
# Runs the whole suite. Database: $DATABASE_URL if set, else the local PostgreSQL on 127.0.0.1:5432 if reachable,
# else SQLite (said loudly: CI and real checks run on PostgreSQL). Says plainly which one it used.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

if [ -z "${DATABASE_URL:-}" ]; then
  if $PY - <<'PYEOF' 2>/dev/null
import psycopg2
conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3)
conn.autocommit = True
with conn.cursor() as cursor:  # the checks below connect to it; pytest makes its own test_ocop
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = 'ocop'")
    if cursor.fetchone() is None:
        cursor.execute("CREATE DATABASE ocop")
conn.close()
PYEOF
  then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/ocop"
  else
    echo "!! PostgreSQL không truy cập được trên 127.0.0.1:5432 — chạy kiểm thử trên SQLite."
    echo "!! PostgreSQL is not reachable on 127.0.0.1:5432 — running the tests on SQLite instead."
    export DATABASE_URL="sqlite:///$(pwd)/.test-db.sqlite3"
  fi
fi
if [ -z "${TEST_REDIS_URL:-}" ]; then
  export TEST_REDIS_URL="redis://127.0.0.1:6379/9"
fi

# Browser tests drive Debian's Chromium; install it when missing and we are allowed to (root).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Cài Chromium cho kiểm thử trình duyệt / installing Chromium for browser tests…"
  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "!! Chromium install failed"
fi
# tests/test_i18n.py re-extracts the catalogue with makemessages, which needs GNU gettext's xgettext.
if ! command -v xgettext >/dev/null && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  apt-get install -y -qq gettext >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null) || echo "!! gettext install failed"
fi
if ! command -v docker-compose >/dev/null && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  apt-get install -y -qq docker-compose >/dev/null 2>&1 || true
fi

engine=$($PY -c "import dj_database_url,os; print(dj_database_url.parse(os.environ['DATABASE_URL'])['ENGINE'].rsplit('.',1)[-1])")
echo "== Cơ sở dữ liệu kiểm thử / test database: ${engine} (${DATABASE_URL%%\?*})"
$PY manage.py compile_translations >/dev/null || exit 1
$PY manage.py check --fail-level WARNING || exit 1
$PY manage.py makemigrations --check --dry-run >/dev/null || { echo "!! models and migrations disagree"; exit 1; }
$PY -m pytest "$@"
status=$?
echo "== Đã chạy trên / ran on: ${engine}"
exit $status
