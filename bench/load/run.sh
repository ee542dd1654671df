#!/usr/bin/env bash
# Load test in one command (also `make bench-load`): gunicorn with production settings on 127.0.0.1 against the
# scale data, locust headless and bounded in time, then the figures. Exit status 1 when any request failed.
#   LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ocop_load; made with the scale data when missing)
#   LOAD_USERS=100 LOAD_SPAWN_RATE=20 LOAD_DURATION=2m LOAD_WORKERS=4 LOAD_PORT=8765 LOAD_OUT=<folder for the CSVs>
#   LOAD_REDIS_URL (default redis://127.0.0.1:6379/14: throttle counters shared by the workers, as in production)
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
export DATABASE_URL="${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ocop_load}"
USERS="${LOAD_USERS:-100}" RATE="${LOAD_SPAWN_RATE:-20}" DURATION="${LOAD_DURATION:-2m}"
WORKERS="${LOAD_WORKERS:-4}" PORT="${LOAD_PORT:-8765}" PRODUCTS="${LOAD_PRODUCTS:-200000}"
SCRATCH="$(mktemp -d -t ocop-load.XXXXXX)"
OUT="${LOAD_OUT:-$SCRATCH}"
mkdir -p "$OUT"

db=$($PY -c "import dj_database_url,os; print(dj_database_url.parse(os.environ['DATABASE_URL'])['NAME'])")
if ! psql "${DATABASE_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
  psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE $db"
fi
$PY manage.py migrate --noinput -v0
count=$($PY manage.py shell -c "from products.models import Product; print(Product.objects.filter(slug__startswith='san-pham-').count())" 2>/dev/null | tail -1)
if [ "${count:-0}" -lt 1 ]; then
  echo "== generating ${PRODUCTS} products in ${db} (once, about 10 minutes)"
  $PY manage.py load_admin_units
  $PY manage.py load_score_sheets
  $PY manage.py generate_scale_data --products "$PRODUCTS"
fi

echo "== bench officers and URL sample"
$PY bench/load/prepare.py --out "$SCRATCH/sample.json"

# The server: production settings (DEBUG off, HTTPS-only cookies, HSTS, SSL redirect behind the proxy header).
# Static files are collected (manifest + compression, as in production, about a minute of CPU) into bench/out/
# once, and again only when a source file changed.
export DJANGO_SETTINGS_MODULE=bench.load.settings LOAD_STATIC_ROOT="${LOAD_STATIC_ROOT:-$PWD/bench/out/load-static}" DEBUG=0
SECRET_KEY="load-bench-$($PY -c 'import secrets; print(secrets.token_urlsafe(48))')"
export SECRET_KEY ALLOWED_HOSTS=127.0.0.1 REDIS_URL="${LOAD_REDIS_URL:-redis://127.0.0.1:6379/14}"
# One address plays every visitor here: lift the per-address API and log-in throttles for this server only.
export API_THROTTLE_ANON=1000000/min API_THROTTLE_USER=1000000/min API_THROTTLE_EXPORT=1000000/hour
export AXES_FAILURE_LIMIT=1000000
# Connections kept for the whole run (production: 60 s), so that the backends' CPU time can be read at the end.
export DB_CONN_MAX_AGE=600
$PY manage.py compile_translations >/dev/null
manifest="$LOAD_STATIC_ROOT/staticfiles.json"
if [ ! -f "$manifest" ] || [ -n "$(find static requirements.txt -newer "$manifest" -print -quit)" ]; then
  echo "== collectstatic into $LOAD_STATIC_ROOT"
  $PY manage.py collectstatic --noinput --clear -v0
fi

$PY -m gunicorn ocop_portal.wsgi -b "127.0.0.1:$PORT" -w "$WORKERS" --timeout 60 \
  >"$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
stop() { kill "$GUNICORN" 2>/dev/null && wait "$GUNICORN" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 120); do
  if curl -fsS -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/healthz/" >/dev/null 2>&1; then break; fi
  kill -0 "$GUNICORN" 2>/dev/null || { echo "gunicorn exited:"; cat "$OUT/gunicorn.log"; exit 1; }
  sleep 0.5
done
curl -fsS -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/healthz/" >/dev/null
sleep 2  # every worker has loaded the application
$PY bench/load/cpu.py snapshot "$SCRATCH/cpu-before.json" "$GUNICORN" "$db"

echo "== locust: $USERS users (spawn $RATE/s) for $DURATION against $WORKERS gunicorn workers; load before: $(uptime)"
status=0
LOAD_SAMPLE="$SCRATCH/sample.json" /usr/bin/time -f "%U %S" -o "$SCRATCH/locust.time" \
  .venv/bin/locust -f bench/load/locustfile.py --headless \
  -u "$USERS" -r "$RATE" -t "$DURATION" --stop-timeout 10 --host "http://127.0.0.1:$PORT" \
  --csv "$OUT/load" --only-summary --loglevel WARNING || status=$?
echo "== load after: $(uptime)"
$PY bench/load/cpu.py snapshot "$SCRATCH/cpu-after.json" "$GUNICORN" "$db"
stop
trap - EXIT
$PY bench/load/cpu.py diff "$SCRATCH/cpu-before.json" "$SCRATCH/cpu-after.json" >"$OUT/cpu.json"
$PY -c "import json,sys; d=json.load(open(sys.argv[1])); u,s=open(sys.argv[2]).read().split()[-2:]; \
d['locust']=round(float(u)+float(s),2); json.dump(d,open(sys.argv[1],'w'))" "$OUT/cpu.json" "$SCRATCH/locust.time"
$PY bench/load/summary.py "$OUT/load" --cpu "$OUT/cpu.json" --workers "$WORKERS" || status=1
echo "CSV: $OUT/load_stats.csv  gunicorn log: $OUT/gunicorn.log"
exit "$status"
