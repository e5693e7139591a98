#!/usr/bin/env bash
# The production profile on one machine: PostgreSQL for the API's database and Rasa's tracker
# store, Redis as Rasa's lock store, two Rasa replicas (the API spreads conversations over
# them by sender and fails over when one is down), several API workers. The schema and the
# demo city are loaded first, once, so that the workers start without racing. Ctrl-C stops all.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MADOGUCHI_ROOT"

POSTGRES="${MADOGUCHI_POSTGRES:-postgres@127.0.0.1:5432}"
export DATABASE_URL="${PROD_DATABASE_URL:-postgresql+psycopg://$POSTGRES/madoguchi}"
export TRACKER_STORE_DIALECT=postgresql
export TRACKER_STORE_URL="${PROD_TRACKER_STORE_URL:-postgresql://$POSTGRES/madoguchi_tracker}"
export LOCK_STORE_TYPE=redis
export LOCK_STORE_HOST="${REDIS_HOST:-127.0.0.1}"
# A replica killed mid-message leaves its conversation locked in Redis until the lock's
# lifetime ends (Rasa's default: 60 s). No one waits for an answer longer than the API's Rasa
# timeout (RASA_TIMEOUT_SECONDS, 20 s), so the lock need not outlive it.
export TICKET_LOCK_LIFETIME="${TICKET_LOCK_LIFETIME:-20}"
API_WORKERS="${API_WORKERS:-2}"
RASA_PORTS="${RASA_PORTS:-5005 5006}"
RASA_URL=""
for port in $RASA_PORTS; do RASA_URL="${RASA_URL:+$RASA_URL,}http://127.0.0.1:$port"; done
export RASA_URL

# The two databases, created when missing (the server's superuser, as on this machine).
.venv/api/bin/python - <<'PY'
import os
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

for url in (os.environ["DATABASE_URL"], os.environ["TRACKER_STORE_URL"]):
    target = make_url(url)
    admin = create_engine(
        target.set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
PY
.venv/api/bin/madoguchi db upgrade
.venv/api/bin/madoguchi city load demo_city

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
for port in $RASA_PORTS; do
  .venv/bot/bin/rasa run --model models/madoguchi.tar.gz \
    --endpoints bot/endpoints.yml --credentials bot/credentials.yml \
    --interface 127.0.0.1 --port "$port" --enable-api --auth-token "$RASA_AUTH_TOKEN" \
    > "var/rasa-$port.log" 2>&1 &
  pids+=($!)
done

cat <<MSG

  madoguchi (production profile) is starting: $API_WORKERS API workers on
  http://$API_HOST:$API_PORT/, Rasa replicas $RASA_URL (logs: var/rasa-<port>.log),
  database $DATABASE_URL, Rasa's tracker store on PostgreSQL, its lock store on Redis.

MSG
# Workers load spaCy and build the knowledge before they answer the supervisor's health pings.
MADOGUCHI_SEED_DEMO_CITY=false .venv/api/bin/uvicorn --factory api.main:app \
  --host "$API_HOST" --port "$API_PORT" --workers "$API_WORKERS" --no-access-log \
  --timeout-worker-healthcheck 120 &
pids+=($!)
wait "${pids[-1]}"
