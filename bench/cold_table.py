#!/usr/bin/env python3
"""The cold-column table of BENCHMARKS.md from one bench/cold.sh folder: per row, the median over
the runs of each run's median items/s, [min-max] over the runs, for Python's Pool (fork, spawn)
and procpool's ProcessPool (JDK 17, JDK 25), and procpool / Python fork. Standard library only.

    python3 bench/cold_table.py bench/results/<date>/cold-<time>
"""
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale_table  # noqa: E402  (newest_folder)

COLS = [("python-fork", "Python Pool, fork"), ("python-spawn", "Python Pool, spawn"),
        ("java17", "ProcessPool, JDK 17"), ("java25", "ProcessPool, JDK 25")]


def load(folder, side):
    rows = {}
    for f in sorted(glob.glob(os.path.join(folder, side + "-*.jsonl"))):
        for line in open(f):
            r = json.loads(line)
            if r.get("scenario") == "COLD":
                rows.setdefault(r["variant"], []).append((r["median"], r["n_items"], r["total_ms"]["median"]))
    return rows


def fmt(x):
    return "%.2fM" % (x / 1e6) if x >= 1e6 else "%.0fk" % (x / 1e3) if x >= 1e4 else "%.0f" % x


def cell(vals):
    if not vals:
        return "–", None
    rates = [v[0] for v in vals]
    m = statistics.median(rates)
    ms = statistics.median([v[2] for v in vals])
    return "%s [%s–%s] (%.0f ms)" % (fmt(m), fmt(min(rates)), fmt(max(rates)), ms), m


def latest_cold(root):
    """The newest <date>/cold-<time>/ folder under root holding a java17-1.jsonl, or None."""
    return scale_table.newest_folder(root, "cold-*", "java17-1.jsonl")


def section(folder):
    """The "Cold pools" section of BENCHMARKS.md (a list of lines), with bench/cold-notes.md after the table."""
    return scale_table.titled_section(
        "## Cold pools: a fresh pool per call (issue 13's cold column)",
        "Each row on a fresh pool, timed from its creation to the end of `close()` and `join()` (Python: "
           "`Pool(2)`, one call, `close()`, `join()`; procpool: `ProcessPool.create(2)`, one call, `close()`, "
           "`join()`, default settings, so the startup cache is on), as most programs use a pool. One untimed "
           "repetition, then 3 timed ones per run; each figure is the median over the runs of each run's median "
           "items/s, [min–max] over the runs, (median total ms). The sides run alternately in each run: "
           "Python fork, JDK 17, Python spawn, JDK 25. Command: `bash bench/cold.sh --runs 3` "
           "(`bench/python_cold.py`, `java -jar procpool-bench.jar --cold`).",
        table(folder), "cold-notes.md")


def table(folder):
    lines = []
    data = {side: load(folder, side) for side, _ in COLS}
    run = json.load(open(os.path.join(folder, "run.json"))) if os.path.exists(os.path.join(folder, "run.json")) else {}
    variants = list(data["java17"]) or list(data["python-fork"])
    lines.append("| row (fresh pool: create, one call, close; 2 workers; items/s) | "
          + " | ".join(c for _, c in COLS) + " | JDK 17 / fork | JDK 25 / fork | target ≥ 1× fork |")
    lines.append("|---" * (len(COLS) + 4) + "|")
    met = 0
    for v in variants:
        n = (data["java17"].get(v) or data["python-fork"].get(v))[0][1]
        cells, meds = [], {}
        for side, _ in COLS:
            c, m = cell(data[side].get(v, []))
            cells.append(c)
            meds[side] = m
        fork = meds["python-fork"]
        r17 = meds["java17"] / fork if fork and meds["java17"] else None
        r25 = meds["java25"] / fork if fork and meds["java25"] else None
        ok = r17 is not None and r17 >= 1 and (r25 is None or r25 >= 1)
        met += ok
        lines.append("| %s, %s items | %s | %s | %s | %s |" % (v, "{:,}".format(n), " | ".join(cells),
              "%.2f×" % r17 if r17 else "–", "%.2f×" % r25 if r25 else "–", "yes" if ok else "no"))
    lines.append("")
    lines.append("Targets met: %d of %d. Results: `%s`; git %s; %s; %s." % (met, len(variants), os.path.relpath(folder),
                 run.get("git", "?"), run.get("java", "?"), run.get("java25", "?")))
    return lines


def main():
    print("\n".join(section(sys.argv[1])))


if __name__ == "__main__":
    main()
