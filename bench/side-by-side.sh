#!/usr/bin/env bash
# Runs Python's multiprocessing.Pool reference and procpool's benchmark alternately on this machine
# (Python, Java, Python, Java), saves the JSON lines under bench/results/<date>/<time>[-quick]/ and
# writes the side-by-side table into BENCHMARKS.md at the repository root.
#
#   bash bench/side-by-side.sh --quick                  # smoke test, a few minutes
#   bash bench/side-by-side.sh --scenarios S2,S4        # full sizes, two scenarios
#   bash bench/side-by-side.sh                          # everything (~15-20 min on 2 cores)
#   bash bench/side-by-side.sh --scale                  # procpool's scale curves only (~1-2 min)
#   bash bench/side-by-side.sh --workers                # S2 on 1-16 workers, both sides (~10 min)
#   bash bench/side-by-side.sh --cluster --runs 3       # ClusterPool vs ProcessPool (~4 min a run)
#   bash bench/cold.sh --runs 3                        # the cold column: a fresh pool per call (~5 min a run)
#
# Options:
#   --quick                 small sizes on both sides (passed through)
#   --scenarios S1,S2,...   scenarios (passed through to both; default: all, plus L1 for Python)
#   --processes 2,4         pool sizes (passed through to both)
#   --repeats N             timed repetitions (passed through to both)
#   --runs N                pairs of runs (default 2: Python, Java, Python, Java)
#   --wait-quiet SECONDS    passed through: wait for a quiet machine before each scenario
#   --python-bench PATH     the Python reference script (default: $PYTHON_POOL_BENCH, else
#                           ../shared/bench/python_pool_bench.py next to the repository)
#   --with-ppe              also run Python's ProcessPoolExecutor variants (default: --no-ppe)
#   --rebuild               rebuild procpool-bench.jar even if it looks current
#   --no-table              do not rewrite BENCHMARKS.md
#   --scale                 instead of the side-by-side runs: the scale curves of procpool alone
#                           (java $SCALE_JAVA_OPTS -jar procpool-bench.jar --scale, default -Xmx2g:
#                           map over 10^7 Longs holds both lists), saved under
#                           bench/results/<date>/<time>-scale/; BENCHMARKS.md gets its Scale section
#   --workers               the workers curve side by side: S2 (map, default chunks and chunksize 1)
#                           on 1, 2, 4, 8 and 16 workers for Python and procpool's ProcessPool, saved
#                           under bench/results/<date>/<time>-workers/; BENCHMARKS.md gets its section
#   --cluster               instead of the side-by-side runs: the cluster benchmark (ClusterPool on
#                           agent JVMs on 127.0.0.1 versus ProcessPool, same run), --runs times
#                           (java -jar procpool-bench.jar --cluster [--quick] [--repeats N]), saved
#                           under bench/results/<date>/cluster-<time>/; BENCHMARKS.md gets its section
# Environment: PYTHON (default python3), JAVA (default java), JAVA_OPTS (options of the bench JVM),
#   PYTHON_POOL_BENCH, MVN (default mvn), SCALE_JAVA_OPTS (bench JVM options with --scale, default -Xmx2g).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$REPO/procpool-bench/target/procpool-bench.jar"
PYTHON="${PYTHON:-python3}"
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"
PY_BENCH="${PYTHON_POOL_BENCH:-$REPO/../shared/bench/python_pool_bench.py}"

QUICK=0
RUNS=2
REBUILD=0
TABLE=1
PPE=0
SCALE=0
WORKERS=0
CLUSTER=0
COMMON=()
ORIG_ARGS="$*"

die() { echo "side-by-side.sh: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; COMMON+=(--quick); shift ;;
    --scenarios|--processes|--repeats|--wait-quiet)
      [ $# -ge 2 ] || die "missing value for $1"
      COMMON+=("$1" "$2"); shift 2 ;;
    --scenarios=*|--processes=*|--repeats=*|--wait-quiet=*) COMMON+=("${1%%=*}" "${1#*=}"); shift ;;
    --runs) [ $# -ge 2 ] || die "missing value for $1"; RUNS="$2"; shift 2 ;;
    --runs=*) RUNS="${1#*=}"; shift ;;
    --python-bench) [ $# -ge 2 ] || die "missing value for $1"; PY_BENCH="$2"; shift 2 ;;
    --python-bench=*) PY_BENCH="${1#*=}"; shift ;;
    --with-ppe) PPE=1; shift ;;
    --rebuild) REBUILD=1; shift ;;
    --no-table) TABLE=0; shift ;;
    --scale) SCALE=1; shift ;;
    --workers) WORKERS=1; shift ;;
    --cluster) CLUSTER=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number, got '$RUNS'"
if [ "$SCALE" = 0 ] && [ "$CLUSTER" = 0 ] && [ ! -f "$PY_BENCH" ]; then
  die "the Python reference script is missing: $PY_BENCH
  It is not part of this repository. Pass its path with --python-bench PATH or set
  PYTHON_POOL_BENCH=/path/to/python_pool_bench.py (default: ../shared/bench/ next to the repo)."
fi
[ "$SCALE" = 1 ] || [ "$CLUSTER" = 1 ] || PY_BENCH="$(cd "$(dirname "$PY_BENCH")" && pwd)/$(basename "$PY_BENCH")"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON=...)"
command -v "$JAVA" >/dev/null || die "$JAVA not found (set JAVA=...)"

# Build the jar when it is missing or older than the sources it is made of.
stale=""
if [ -f "$JAR" ]; then
  stale="$(find "$REPO/procpool-core/src/main" "$REPO/procpool-hazelcast/src/main" "$REPO/procpool-bench/src/main" "$REPO/procpool-core/pom.xml" \
            "$REPO/procpool-bench/pom.xml" "$REPO/pom.xml" -newer "$JAR" -type f 2>/dev/null | head -1 || true)"
fi
if [ ! -f "$JAR" ] || [ -n "$stale" ] || [ "$REBUILD" = 1 ]; then
  echo "[side-by-side] building $JAR${stale:+ (sources changed: $stale)}" >&2
  (cd "$REPO" && "$MVN" -q -B -Dstyle.color=never -pl procpool-bench -am package -DskipTests) || die "the build failed"
fi
[ -f "$JAR" ] || die "no $JAR after the build"

if [ "$SCALE" = 1 ]; then
  OUT="$REPO/bench/results/$(date +%F)/$(date +%H%M%S)-scale"
  mkdir -p "$OUT"
  # shellcheck disable=SC2206
  SCALE_OPTS=(${SCALE_JAVA_OPTS:--Xmx2g})
  echo "[side-by-side] scale curves: $JAVA ${SCALE_OPTS[*]} -jar procpool-bench.jar --scale -> $OUT" >&2
  status=0
  "$JAVA" "${SCALE_OPTS[@]}" -jar "$JAR" --scale >"$OUT/scale.jsonl" 2>"$OUT/scale.log" || status=$?
  [ "$status" = 0 ] || echo "[side-by-side] warning: the scale run had failures (see $OUT/scale.log)" >&2
  if [ "$TABLE" = 1 ]; then
    "$PYTHON" "$REPO/bench/side_by_side_table.py" --out "$REPO/BENCHMARKS.md" --latest "$REPO/bench/results"
    echo "[side-by-side] wrote $REPO/BENCHMARKS.md" >&2
  fi
  "$PYTHON" "$REPO/bench/scale_table.py" "$OUT"
  exit "$status"
fi

if [ "$CLUSTER" = 1 ]; then
  DAY="$(date +%F)"; STAMP="$(date +%H%M%S)"
  OUT="$REPO/bench/results/$DAY/cluster-$STAMP"
  mkdir -p "$OUT"
  CL_ARGS=(--cluster)
  for x in "${COMMON[@]}"; do case "$x" in --quick) CL_ARGS+=(--quick) ;; esac; done
  for ((k = 0; k < ${#COMMON[@]}; k++)); do
    [ "${COMMON[$k]}" = --repeats ] && CL_ARGS+=(--repeats "${COMMON[$((k + 1))]}")
  done
  # shellcheck disable=SC2206
  JAVA_OPTS_ARR=(${JAVA_OPTS:-})
  GIT="$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  status=0
  for i in $(seq 1 "$RUNS"); do
    echo "[side-by-side] cluster run $i/$RUNS: $JAVA ${JAVA_OPTS:-} -jar procpool-bench.jar ${CL_ARGS[*]} -> $OUT" >&2
    "$JAVA" "${JAVA_OPTS_ARR[@]}" -jar "$JAR" "${CL_ARGS[@]}" >"$OUT/cluster-$i.jsonl" 2>"$OUT/cluster-$i.log" || {
      status=$?; echo "[side-by-side] warning: cluster run $i had failures (see $OUT/cluster-$i.log)" >&2; }
  done
  printf '{\n "started": "%s %s:%s:%s",\n "kind": "cluster",\n "complete": true,\n "command": "bash bench/side-by-side.sh%s",\n "runs": %s,\n "java_args": "%s",\n "git": "%s"\n}\n' \
    "$DAY" "${STAMP:0:2}" "${STAMP:2:2}" "${STAMP:4:2}" "${ORIG_ARGS:+ }$ORIG_ARGS" "$RUNS" \
    "${JAVA_OPTS:-}${JAVA_OPTS:+ }-jar procpool-bench.jar ${CL_ARGS[*]}" "$GIT" >"$OUT/run.json"
  if [ "$TABLE" = 1 ]; then
    "$PYTHON" "$REPO/bench/side_by_side_table.py" --out "$REPO/BENCHMARKS.md" --latest "$REPO/bench/results"
    echo "[side-by-side] wrote $REPO/BENCHMARKS.md" >&2
  fi
  "$PYTHON" "$REPO/bench/cluster_table.py" "$OUT"
  exit "$status"
fi

STAMP="$(date +%H%M%S)"
DAY="$(date +%F)"
KIND=side-by-side
if [ "$WORKERS" = 1 ]; then
  # the scale question "does throughput collapse with more workers than CPUs?", asked of both
  KIND=workers
  COMMON+=(--scenarios S2 --processes 1,2,4,8,16)
fi
OUT="$REPO/bench/results/$DAY/$STAMP$([ "$QUICK" = 1 ] && echo -quick || true)$([ "$WORKERS" = 1 ] && echo -workers || true)"
mkdir -p "$OUT"

PY_ARGS=("${COMMON[@]}")
[ "$PPE" = 1 ] || PY_ARGS+=(--no-ppe)
JAVA_ARGS=("${COMMON[@]}")
[ "$WORKERS" = 0 ] || JAVA_ARGS+=(--impls ProcessPool)
# shellcheck disable=SC2206
JAVA_OPTS_ARR=(${JAVA_OPTS:-})

GIT="$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ "$GIT" != unknown ] && [ -n "$(cd "$REPO" && git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  GIT="$GIT (with uncommitted changes)"
fi

ORDER=()
for i in $(seq 1 "$RUNS"); do ORDER+=("python-$i" "java-$i"); done

manifest() { # complete: true|false
  SBS_OUT="$OUT/run.json" SBS_COMPLETE="$1" SBS_KIND="$KIND" SBS_DAY="$DAY" SBS_STAMP="$STAMP" SBS_QUICK="$QUICK" \
  SBS_COMMAND="bash bench/side-by-side.sh${ORIG_ARGS:+ }$ORIG_ARGS" SBS_ORDER="${ORDER[*]}" \
  SBS_PY_BENCH="$PY_BENCH" SBS_PY_ARGS="${PY_ARGS[*]}" SBS_GIT="$GIT" SBS_REPO="$REPO" \
  SBS_JAVA_ARGS="${JAVA_OPTS:-}${JAVA_OPTS:+ }-jar procpool-bench.jar ${JAVA_ARGS[*]}" \
  "$PYTHON" - <<'EOF'
import json, os
e = os.environ
st = e["SBS_STAMP"]
json.dump({
    "started": "%s %s:%s:%s" % (e["SBS_DAY"], st[0:2], st[2:4], st[4:6]),
    "quick": e["SBS_QUICK"] == "1",
    "kind": e["SBS_KIND"],
    "complete": e["SBS_COMPLETE"] == "true",
    "command": e["SBS_COMMAND"],
    "order": e["SBS_ORDER"].split(),
    "python_bench": e["SBS_PY_BENCH"],
    "python_args": e["SBS_PY_ARGS"],
    "java_args": e["SBS_JAVA_ARGS"],
    "git": e["SBS_GIT"],
    "repo": e["SBS_REPO"],
}, open(e["SBS_OUT"], "w"), indent=1)
EOF
}
manifest false

echo "[side-by-side] results in $OUT" >&2
for i in $(seq 1 "$RUNS"); do
  echo "[side-by-side] run $i/$RUNS: Python $(basename "$PY_BENCH") ${PY_ARGS[*]}" >&2
  if ! "$PYTHON" "$PY_BENCH" "${PY_ARGS[@]}" >"$OUT/python-$i.jsonl" 2>"$OUT/python-$i.log"; then
    echo "[side-by-side] warning: the Python run $i failed (see $OUT/python-$i.log)" >&2
  fi
  echo "[side-by-side] run $i/$RUNS: java -jar procpool-bench.jar ${JAVA_ARGS[*]}" >&2
  if ! "$JAVA" "${JAVA_OPTS_ARR[@]}" -jar "$JAR" "${JAVA_ARGS[@]}" >"$OUT/java-$i.jsonl" 2>"$OUT/java-$i.log"; then
    echo "[side-by-side] warning: the Java run $i had failures (see $OUT/java-$i.log)" >&2
  fi
done
manifest true

if [ "$TABLE" = 1 ]; then
  "$PYTHON" "$REPO/bench/side_by_side_table.py" --out "$REPO/BENCHMARKS.md" --latest "$REPO/bench/results"
  echo "[side-by-side] wrote $REPO/BENCHMARKS.md" >&2
fi
if [ "$WORKERS" = 1 ]; then
  "$PYTHON" "$REPO/bench/side_by_side_table.py" "$OUT"
else
  "$PYTHON" "$REPO/bench/side_by_side_table.py" "$OUT" | sed -n '/^### Targets/,/targets met/p'
fi
