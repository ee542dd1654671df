#!/usr/bin/env bash
# One command per benchmark: makes the national-scale data set in its own PostgreSQL database when it is not there
# yet (2.5–10 minutes depending on the load), then measures. Usage:
#   bash bench/run.sh [public|workflow|SCENARIO …] [--requests N] [--warmup N] [--seed N] [--no-plain]
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ocop_bench}"
export PRIVATE_MEDIA_ROOT="${PRIVATE_MEDIA_ROOT:-$(mktemp -d)}"  # the dossier benchmark uploads three small PDFs
PRODUCTS="${BENCH_PRODUCTS:-200000}"
PY=.venv/bin/python
db=$($PY -c "import dj_database_url,os; print(dj_database_url.parse(os.environ['DATABASE_URL'])['NAME'])")
if ! psql "${DATABASE_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
  psql "${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE $db" >/dev/null
fi
# SSD storage: random reads cost little more than sequential ones (recommended in production too, see bench/README).
psql "${DATABASE_URL%/*}/postgres" -qc "ALTER DATABASE $db SET random_page_cost = 1.1"
$PY manage.py migrate --noinput -v0
count=$($PY manage.py shell -c "from products.models import Product; print(Product.objects.filter(slug__startswith='san-pham-').count())" 2>/dev/null | tail -1)
if [ "${count:-0}" -lt "$PRODUCTS" ]; then
  echo "== generating ${PRODUCTS} products in ${db} (once)"
  $PY manage.py load_admin_units
  $PY manage.py load_score_sheets
  time $PY manage.py generate_scale_data --products "$PRODUCTS"
fi
$PY bench/run.py "$@"
