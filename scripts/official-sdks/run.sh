#!/usr/bin/env bash
# Runs Skyvern's official Python and TypeScript SDKs against the fake
# (cmd/skyvern-fake) and prints, for each SDK, how many of its methods took
# the fake's answers.
#
# Usage: scripts/official-sdks/run.sh [SKYVERN_CHECKOUT]
#
# SKYVERN_CHECKOUT (or $SKYVERN_SRC) is a checkout of Skyvern's repository:
# the Python SDK is its skyvern/client package, the TypeScript SDK its
# skyvern-ts/client/src. Neither is committed here, nor is anything this
# script installs: it all goes to a scratch directory ($OFFICIAL_SDKS_WORK,
# default a new temporary one).
#
# Needs:
#   - go (builds the fake);
#   - python 3 ($PYTHON, default python3) with pydantic 2; httpx is taken
#     from that python if it has it, else from Debian's python3-httpx
#     (apt-get install python3-httpx), whose pure-Python packages are put on
#     PYTHONPATH: only httpx and what it imports, not Debian's pydantic 1;
#   - node and npm: typescript and @types/node are installed with npm into
#     the scratch directory.
#
# How the SDKs are loaded:
#   - Python: importing skyvern.client would run skyvern/__init__.py, which
#     pulls in the server. The client package only uses relative imports,
#     so the script links it into the scratch directory as `skyvern_sdk`
#     and the driver imports that.
#   - TypeScript: src/ is copied and compiled with tsc from Client.ts
#     (src/index.ts also exports the browser library, which needs
#     playwright). A resource that Client.ts imports but the checkout lacks
#     (Skyvern's .gitignore has `artifacts/`, which drops the generated
#     api/resources/artifacts) is replaced by an empty stub, and its methods
#     (from reference.md) are reported as not applicable.
#
# Exit status: 0 when every driven call was accepted or refused as the real
# server would refuse it, and no method went undriven; 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=${1:-${SKYVERN_SRC:-}}
if [[ -z "$src" ]]; then
	echo "usage: $0 SKYVERN_CHECKOUT (or set SKYVERN_SRC)" >&2
	exit 2
fi
src=$(cd "$src" && pwd)
for d in "$src/skyvern/client" "$src/skyvern-ts/client/src"; do
	[[ -d "$d" ]] || { echo "$0: $d not found: is $src a Skyvern checkout?" >&2; exit 2; }
done
PYTHON=${PYTHON:-python3}
work=${OFFICIAL_SDKS_WORK:-$(mktemp -d -t official-sdks.XXXXXX)}
mkdir -p "$work"
echo "scratch directory: $work"

fake_pid=
stop_fake() {
	if [[ -n "$fake_pid" ]]; then
		kill "$fake_pid" 2>/dev/null || true
		wait "$fake_pid" 2>/dev/null || true
		fake_pid=
	fi
}
trap stop_fake EXIT

# --- the fake ---------------------------------------------------------------
(cd "$repo" && go build -o "$work/skyvern-fake" ./cmd/skyvern-fake)

# start_fake NAME: a fresh fake for one SDK; sets SKYVERN_BASE_URL and SKYVERN_API_KEY.
start_fake() {
	local out="$work/fake-$1.out" err="$work/fake-$1.err"
	: >"$out"
	"$work/skyvern-fake" -api-key "sdk-check-$RANDOM$RANDOM" -run-duration 300ms >"$out" 2>"$err" &
	fake_pid=$!
	for _ in $(seq 100); do
		grep -q '^SKYVERN_API_KEY=' "$out" && break
		kill -0 "$fake_pid" 2>/dev/null || { cat "$err" >&2; exit 1; }
		sleep 0.1
	done
	SKYVERN_BASE_URL=$(sed -n 's/^SKYVERN_BASE_URL=//p' "$out")
	SKYVERN_API_KEY=$(sed -n 's/^SKYVERN_API_KEY=//p' "$out")
	[[ -n "$SKYVERN_BASE_URL" ]] || { echo "$0: the fake did not start" >&2; cat "$err" >&2; exit 1; }
	export SKYVERN_BASE_URL SKYVERN_API_KEY
}

# --- Python SDK -------------------------------------------------------------
mkdir -p "$work/py"
ln -sfn "$src/skyvern/client" "$work/py/skyvern_sdk"
"$PYTHON" -c 'import pydantic, sys; sys.exit(0 if pydantic.VERSION.startswith("2") else 1)' ||
	{ echo "$0: $PYTHON needs pydantic 2" >&2; exit 2; }
if ! "$PYTHON" -c 'import httpx' 2>/dev/null; then
	deb=/usr/lib/python3/dist-packages
	[[ -d "$deb/httpx" ]] || { echo "$0: no httpx: apt-get install python3-httpx" >&2; exit 2; }
	for p in httpx httpcore h11 anyio sniffio certifi idna rfc3986; do
		[[ -e "$deb/$p" ]] && ln -sfn "$deb/$p" "$work/py/$p"
	done
fi
start_fake python
echo "python SDK against $SKYVERN_BASE_URL"
PYTHONPATH="$work/py" RESULTS_JSON="$work/python.json" "$PYTHON" "$here/py_driver.py" ||
	echo "[]" >"$work/python.json"
stop_fake

# --- TypeScript SDK ---------------------------------------------------------
ts="$work/ts"
mkdir -p "$ts"
if [[ ! -x "$ts/node_modules/.bin/tsc" ]]; then
	(cd "$ts" && { [[ -f package.json ]] || npm init -y >/dev/null; } &&
		npm install --no-audit --no-fund --silent typescript@~5.7.2 @types/node@^18.19.70)
fi
rm -rf "$ts/sdk" && mkdir -p "$ts/sdk" && cp -R "$src/skyvern-ts/client/src" "$ts/sdk/src"
missing=()
for res in $(sed -n 's#^import { [A-Za-z]* } from "./api/resources/\([a-zA-Z]*\)/client/Client.js";#\1#p' "$ts/sdk/src/Client.ts"); do
	dir="$ts/sdk/src/api/resources/$res"
	[[ -f "$dir/client/Client.ts" ]] && continue
	class=$(sed -n "s#^import { \([A-Za-z]*\) } from \"./api/resources/$res/client/Client.js\";#\1#p" "$ts/sdk/src/Client.ts")
	mkdir -p "$dir/client"
	printf 'export class %s {\n    constructor(_options: unknown = {}) {}\n}\n' "$class" >"$dir/client/Client.ts"
	printf 'export {};\n' >"$dir/index.ts"
	while read -r m; do missing+=("$res.$m"); done < <(
		sed -n "s#.*client\.$res\.<a href=\"[^\"]*\">\([A-Za-z]*\)</a>.*#\1#p" "$src/skyvern-ts/client/reference.md")
	echo "typescript SDK: api/resources/$res is missing from the checkout; stubbed"
done
cp "$here/ts_driver.ts" "$ts/driver.ts"
cat >"$ts/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "target": "ES2020",
    "module": "CommonJS",
    "moduleResolution": "node",
    "esModuleInterop": true,
    "skipLibCheck": true,
    "types": ["node"],
    "outDir": "out"
  },
  "files": ["driver.ts"]
}
EOF
(cd "$ts" && rm -rf out && node_modules/.bin/tsc -p tsconfig.json)
start_fake typescript
echo "typescript SDK against $SKYVERN_BASE_URL"
TS_MISSING_METHODS=$(IFS=,; echo "${missing[*]:-}") RESULTS_JSON="$work/typescript.json" node "$ts/out/driver.js" ||
	echo "[]" >"$work/typescript.json"
stop_fake

# --- summary ----------------------------------------------------------------
"$PYTHON" "$here/summarize.py" "$work/python.json" "$work/typescript.json"
