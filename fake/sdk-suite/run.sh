#!/usr/bin/env bash
# Runs scenario.json through Stripe's official SDKs (stripe-node 23.1.0, stripe-python 16.1.0)
# against the fake, or against Stripe's test mode when STRIPE_SECRET_KEY=sk_test_… is set.
#
#   bash fake/sdk-suite/run.sh [FAKE_BINARY]     # default: ${CARGO_TARGET_DIR:-target}/debug/stripe-identity-fake
#   STRIPE_SECRET_KEY=sk_test_… bash fake/sdk-suite/run.sh   # Stripe's test mode, fake_only steps skipped
#
# The SDKs are installed once into sdk-suite/ of Cargo's target directory (${CARGO_TARGET_DIR:-target};
# override with SDK_SUITE_CACHE) and reused.
# Exits non-zero when either runner reports a failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
# Cargo's target directory (a relative CARGO_TARGET_DIR is taken from the repository's root):
# not target/ when CARGO_TARGET_DIR says otherwise.
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
CACHE="${SDK_SUITE_CACHE:-$TARGET_DIR/sdk-suite}"
SPEC="$ROOT/spec/stripe.json"
SCENARIO="$HERE/scenario.json"
NODE_SDK_VERSION=23.1.0
PYTHON_SDK_VERSION=16.1.0
RUNNER_TIMEOUT="${SDK_SUITE_TIMEOUT:-600}"

mkdir -p "$CACHE"

# ---------------------------------------------------------------- SDKs
installed_node() {
  [ -f "$CACHE/node/node_modules/stripe/package.json" ] &&
    node -e 'process.exit(require(process.argv[1]).version === process.argv[2] ? 0 : 1)' \
      "$CACHE/node/node_modules/stripe/package.json" "$NODE_SDK_VERSION"
}
if ! installed_node; then
  echo "sdk-suite: installing stripe-node $NODE_SDK_VERSION into $CACHE/node"
  npm install --silent --no-audit --no-fund --prefix "$CACHE/node" "stripe@$NODE_SDK_VERSION" >"$CACHE/npm-install.log" 2>&1 ||
    { cat "$CACHE/npm-install.log"; exit 1; }
fi
if [ ! -d "$CACHE/python/stripe-$PYTHON_SDK_VERSION.dist-info" ]; then
  echo "sdk-suite: installing stripe-python $PYTHON_SDK_VERSION into $CACHE/python"
  rm -rf "$CACHE/python"
  python3 -m pip install --quiet --disable-pip-version-check --target "$CACHE/python" "stripe==$PYTHON_SDK_VERSION" \
    >"$CACHE/pip-install.log" 2>&1 || { cat "$CACHE/pip-install.log"; exit 1; }
fi

# ---------------------------------------------------------------- target
BASE_ARGS=()
FAKE_PID=""
WORK="$(mktemp -d)"
cleanup() {
  if [ -n "$FAKE_PID" ] && kill -0 "$FAKE_PID" 2>/dev/null; then
    kill "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${STRIPE_SECRET_KEY:-}" ]; then
  case "$STRIPE_SECRET_KEY" in
    sk_test_*) ;;
    *) echo "sdk-suite: refusing: STRIPE_SECRET_KEY must be a test-mode secret key (sk_test_…)" >&2; exit 2 ;;
  esac
  echo "sdk-suite: against Stripe's test mode (https://api.stripe.com); fake_only steps are skipped"
else
  FAKE="${1:-$TARGET_DIR/debug/stripe-identity-fake}"
  if [ ! -x "$FAKE" ]; then
    echo "sdk-suite: no fake binary at $FAKE (build it, or pass its path)" >&2
    exit 2
  fi
  "$FAKE" --port 0 >"$WORK/fake.out" 2>"$WORK/fake.err" &
  FAKE_PID=$!
  URL=""
  for _ in $(seq 1 100); do
    URL="$(head -n 1 "$WORK/fake.out" 2>/dev/null | grep -o 'http://127\.0\.0\.1:[0-9]*' || true)"
    [ -n "$URL" ] && break
    kill -0 "$FAKE_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$URL" ]; then
    echo "sdk-suite: the fake did not start:" >&2
    cat "$WORK/fake.err" >&2
    exit 1
  fi
  echo "sdk-suite: fake $FAKE on $URL"
  BASE_ARGS=(--base "$URL")
fi

# ---------------------------------------------------------------- runners
status=0
start=$SECONDS
timeout "$RUNNER_TIMEOUT" node "$HERE/node/run.mjs" --spec "$SPEC" --scenario "$SCENARIO" --sdk "$CACHE/node" \
  --wire "$CACHE/wire-node.txt" "${BASE_ARGS[@]}" || status=1
timeout "$RUNNER_TIMEOUT" python3 "$HERE/python/run.py" --spec "$SPEC" --scenario "$SCENARIO" --sdk "$CACHE/python" \
  --wire "$CACHE/wire-python.txt" "${BASE_ARGS[@]}" || status=1
echo "sdk-suite: $((SECONDS - start)) s; what each SDK sent (names only): $CACHE/wire-node.txt, $CACHE/wire-python.txt"
exit $status
