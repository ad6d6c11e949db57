#!/usr/bin/env bash
# The cold column: every throughput row on a fresh pool (create, one call, close), Python's Pool
# (fork and spawn) and procpool's ProcessPool on JDK 17 and JDK 25, interleaved in each run.
# With --recycle, the rows that replace workers instead (maxtasksperchild=1, a crash; procpool with
# and without spares): bench/python_recycle.py and procpool-bench.jar --recycle.
#
#   bash bench/cold.sh [--recycle] [--runs 3] [--quick]
#
# Saves bench/results/<date>/{cold,recycle}-<time>/{python-fork,python-spawn,java17,java25}-N.jsonl
# and prints the table (bench/cold_table.py or bench/recycle_table.py). JAVA25 (default
# /usr/lib/jvm/temurin-25-jdk-amd64/bin/java) is skipped when absent.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=3
MODE=cold
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --recycle) MODE=recycle; shift ;;
    --quick) EXTRA+=(--quick); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PYTHON="${PYTHON:-python3}"
JAVA="${JAVA:-java}"
JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAR="$REPO/procpool-bench/target/procpool-bench.jar"
(cd "$REPO" && mvn -q -B -Dstyle.color=never -pl procpool-bench -am package -DskipTests)
OUT="$REPO/bench/results/$(date +%F)/$MODE-$(date +%H%M%S)"
mkdir -p "$OUT"
for i in $(seq 1 "$RUNS"); do
  echo "[$MODE] run $i/$RUNS" >&2
  "$PYTHON" "$REPO/bench/python_$MODE.py" --start-method fork "${EXTRA[@]}" >"$OUT/python-fork-$i.jsonl" 2>>"$OUT/log"
  "$JAVA" -jar "$JAR" --$MODE "${EXTRA[@]}" >"$OUT/java17-$i.jsonl" 2>>"$OUT/log"
  "$PYTHON" "$REPO/bench/python_$MODE.py" --start-method spawn "${EXTRA[@]}" >"$OUT/python-spawn-$i.jsonl" 2>>"$OUT/log"
  if [ -x "$JAVA25" ]; then
    "$JAVA25" -jar "$JAR" --$MODE "${EXTRA[@]}" >"$OUT/java25-$i.jsonl" 2>>"$OUT/log"
  fi
done
"$PYTHON" - "$OUT" "$RUNS" "$MODE" "$(cd "$REPO" && git rev-parse --short HEAD)" "$("$JAVA" -version 2>&1 | head -1)" \
  "$([ -x "$JAVA25" ] && "$JAVA25" -version 2>&1 | head -1)" <<'PY'
import json, os, sys
out, runs, mode, git, java, java25 = sys.argv[1:7]
with open(os.path.join(out, "run.json"), "w") as f:
    json.dump({"started": os.path.basename(out), "kind": mode, "runs": int(runs), "git": git,
               "java": java, "java25": java25}, f)
PY
"$PYTHON" "$REPO/bench/${MODE}_table.py" "$OUT"
