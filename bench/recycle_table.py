#!/usr/bin/env python3
"""The "Replacing workers" table of BENCHMARKS.md from one `bench/cold.sh --recycle` folder: per
row, the median over the runs of each run's median milliseconds, [min-max] over the runs, for
Python's Pool (fork, spawn) and procpool's ProcessPool (JDK 17, JDK 25) without and with spares,
and procpool / Python fork (lower is faster). Standard library only.

    python3 bench/recycle_table.py bench/results/<date>/recycle-<time>
"""
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale_table  # noqa: E402  (newest_folder)

ROWS = [("map_maxtasksperchild_1", "`map` of 40 items, chunk size 1, 2 workers that retire after each task"),
        ("crash_then_next_task", "1 worker: a task halts it, then `apply` of another (time to that result)")]


def load(folder, side):
    """{variant: [(median ms, crash-reported median ms or None), ...]} over the runs of one side."""
    rows = {}
    for f in sorted(glob.glob(os.path.join(folder, side + "-*.jsonl"))):
        for line in open(f):
            r = json.loads(line)
            if r.get("scenario") == "RECYCLE":
                rep = (r.get("crash_reported_ms") or {}).get("median")
                rows.setdefault(r["variant"], []).append((r["median"], rep))
    return rows


def cell(vals):
    if not vals:
        return "–", None
    ms = [v[0] for v in vals]
    m = statistics.median(ms)
    return "%.0f ms [%.0f–%.0f]" % (m, min(ms), max(ms)), m


def latest_recycle(root):
    """The newest <date>/recycle-<time>/ folder under root holding a java17-1.jsonl, or None."""
    return scale_table.newest_folder(root, "recycle-*", "java17-1.jsonl")


def section(folder):
    """The "Replacing workers" section of BENCHMARKS.md (a list of lines), with bench/recycle-notes.md after it."""
    return scale_table.titled_section(
        "## Replacing workers: maxTasksPerChild(1) and a crash, with and without spares (issue 13)",
        "Every repetition on a fresh pool, built and warmed before the clock starts (procpool: its workers and "
           "spares are up). `spares(n)` keeps n extra worker JVMs started and idle, to take a leaving worker's "
           "place at once. Each figure is the median over the runs of each run's median of 5 repetitions, "
           "[min–max] over the runs; lower is faster. Python's Pool has no spares; after a crash it loses the "
           "crashed task (no error ever comes), so its row is terminated, not joined. Command: "
           "`bash bench/cold.sh --recycle --runs 3` (`bench/python_recycle.py`, "
           "`java -jar procpool-bench.jar --recycle`).",
        table(folder), "recycle-notes.md")


def table(folder):
    data = {side: load(folder, side) for side in ("python-fork", "python-spawn", "java17", "java25")}
    run = json.load(open(os.path.join(folder, "run.json"))) if os.path.exists(os.path.join(folder, "run.json")) else {}
    lines = ["| row | Python fork | Python spawn | JDK 17, no spares | JDK 17, spares | JDK 25, no spares | "
             "JDK 25, spares | JDK 17 spares / no spares | JDK 17 spares / fork |", "|---" * 9 + "|"]
    for variant, what in ROWS:
        spares = sorted({v.split("+spares_")[1] for v in data["java17"] if v.startswith(variant + "+")} - {"0"})
        with_spares = variant + "+spares_" + (spares[0] if spares else "1")
        cells, meds = [], {}
        for key, side, v in (("fork", "python-fork", variant), ("spawn", "python-spawn", variant),
                             ("j17", "java17", variant + "+spares_0"), ("j17s", "java17", with_spares),
                             ("j25", "java25", variant + "+spares_0"), ("j25s", "java25", with_spares)):
            c, m = cell(data[side].get(v, []))
            cells.append(c)
            meds[key] = m
        gain = "%.2f×" % (meds["j17s"] / meds["j17"]) if meds["j17s"] and meds["j17"] else "–"
        fork = "%.2f×" % (meds["j17s"] / meds["fork"]) if meds["j17s"] and meds["fork"] else "–"
        lines.append("| %s (spares: %s) | %s | %s | %s |" % (what, spares[0] if spares else "–", " | ".join(cells), gain, fork))
    reported = [v[1] for v in data["java17"].get("crash_then_next_task+spares_0", []) if v[1] is not None]
    lines.append("")
    if reported:
        lines.append("In the crash row the crashed task's `WorkerCrashedException` came %.0f ms (median, JDK 17, no "
                     "spares) after it was submitted: the worker JVM's own exit, which spares do not shorten."
                     % statistics.median(reported))
        lines.append("")
    lines.append("Results: `%s`; git %s; %s; %s." % (os.path.relpath(folder), run.get("git", "?"), run.get("java", "?"),
                 run.get("java25", "?")))
    return lines


def main():
    print("\n".join(section(sys.argv[1])))


if __name__ == "__main__":
    main()
