#!/usr/bin/env bash
# The whole suite, in the order that fails fastest: lint, training data, unit tests in both
# environments, the trained model's conversation tests, then API and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export MADOGUCHI_TEST_POSTGRES_URL="${MADOGUCHI_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"

echo "== lint"
make --no-print-directory lint
echo "== rasa data validate"
make --no-print-directory validate
echo "== bot environment: tokenizer"
.venv/bot/bin/python -m pytest -q tests/bot tests/jatext
echo "== train (only when the training data changed)"
make --no-print-directory train
echo "== conversation tests"
rm -rf var/rasa-test-results
.venv/bot/bin/rasa test core --model models/madoguchi.tar.gz --stories tests/conversations \
  --endpoints bot/endpoints.yml --fail-on-prediction-errors --out var/rasa-test-results
echo "== api environment: unit, API and end-to-end tests"
.venv/api/bin/python -m pytest -q tests --ignore=tests/bot
