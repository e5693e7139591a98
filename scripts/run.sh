#!/usr/bin/env bash
# Starts Rasa (internal, :5005) and the API (:8000) on the embedded defaults; Ctrl-C stops both.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MADOGUCHI_ROOT"

# The schema first, as a step of its own (the API only checks it is at head when it starts).
.venv/api/bin/madoguchi db upgrade

.venv/bot/bin/rasa run --model models/madoguchi.tar.gz \
  --endpoints bot/endpoints.yml --credentials bot/credentials.yml \
  --interface 127.0.0.1 --port "$RASA_PORT" --enable-api --auth-token "$RASA_AUTH_TOKEN" \
  > var/rasa.log 2>&1 &
rasa_pid=$!
trap 'kill $rasa_pid 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  madoguchi is starting (the conversation engine takes about half a minute).
    demo city page: http://$API_HOST:$API_PORT/   (the chat widget is at the bottom right)
    API:            http://$API_HOST:$API_PORT/docs   (OpenAPI)
    health:         http://$API_HOST:$API_PORT/health
    chat:           curl -s -X POST http://$API_HOST:$API_PORT/api/v1/chat/sessions   (sender, token)
                    curl -s http://$API_HOST:$API_PORT/api/v1/chat -H 'Content-Type: application/json' \\
                      -H 'Authorization: Bearer <token>' \\
                      -d '{"sender": "<sender>", "message": "粗大ごみの出し方を教えて"}'
    admin token:    var/admin-token (send as: Authorization: Bearer \$(cat var/admin-token))
    Rasa log:       var/rasa.log

MSG
.venv/api/bin/uvicorn --factory api.main:app --host "$API_HOST" --port "$API_PORT"
