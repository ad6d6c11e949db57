#!/usr/bin/env python3
"""The "Cluster (procpool-hazelcast)" section of BENCHMARKS.md, from one cluster run folder.

Reads cluster-1.jsonl, cluster-2.jsonl, ... (and run.json) in a folder written by
`bash bench/side-by-side.sh --cluster --runs N` (bench/results/<date>/cluster-<time>/), or by hand
with `java -jar procpool-bench/target/procpool-bench.jar --cluster > .../cluster-1.jsonl`.
Every figure is the median over the runs of each run's median (its timed repetitions), with
[min-max] over the runs, next to the local ProcessPool of the same run and the ratio
ClusterPool / ProcessPool.

    python3 bench/cluster_table.py bench/results/2026-12-07/cluster-050922     # to stdout
    python3 bench/cluster_table.py --latest bench/results                      # the newest one

bench/side_by_side_table.py appends this section (with --latest: the newest cluster run, unless
--no-cluster).  bench/cluster-notes.md, when present, is added after the table (hand-written
readings).  Standard library only.
"""
import argparse
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale_table  # noqa: E402  (load, num, rel)

CL = "ClusterPool"
PP = "ProcessPool"


def latest_cluster(root):
    """The newest <date>/cluster-<time>/ folder under root holding a cluster-1.jsonl, or None."""
    return scale_table.newest_folder(root, "cluster-*", "cluster-1.jsonl")


def load_runs(folder):
    files = sorted(glob.glob(os.path.join(folder, "cluster-*.jsonl")),
                   key=lambda p: int(os.path.basename(p).split("-")[1].split(".")[0]))
    return [rows for rows in (scale_table.load(p) for p in files) if rows]


class Fig:
    """One figure over the runs: the median of the per-run medians and their range."""

    def __init__(self, values):
        self.values = [v for v in values if v is not None]
        self.median = statistics.median(self.values) if self.values else None

    def cell(self, unit=""):
        if self.median is None:
            return "–"
        s = scale_table.num(self.median) + unit
        if len(self.values) > 1:
            s += " [%s–%s]" % (scale_table.num(min(self.values)), scale_table.num(max(self.values)))
        return s


def fig(runs, part, variant, impl, procs=None, field="median"):
    vals = []
    for rows in runs:
        for r in rows:
            if (r.get("scenario") == "CLUSTER-" + part and r.get("variant") == variant and r.get("impl") == impl
                    and (procs is None or r.get("processes") == procs)):
                vals.append(r.get(field))
                break
    return Fig(vals)


def first(runs, part, variant, impl):
    for rows in runs:
        for r in rows:
            if r.get("scenario") == "CLUSTER-" + part and r.get("variant") == variant and r.get("impl") == impl:
                return r
    return None


def ratio(a, b):
    if a.median is None or not b.median:
        return None
    return a.median / b.median


def fmt_ratio(x):
    return "–" if x is None else "%.2f×" % x


def section(folder):
    runs = load_runs(folder)
    mf = {}
    if os.path.exists(os.path.join(folder, "run.json")):
        with open(os.path.join(folder, "run.json")) as f:
            mf = json.load(f)
    metas = [scale_table_meta(r, "meta") for r in runs]
    ends = [scale_table_meta(r, "meta_end") for r in runs]
    m0 = metas[0] if metas else {}
    lines = ["## Cluster (procpool-hazelcast)", "",
             "`ClusterPool` (a Hazelcast client) on agent JVMs (`io.procpool.hazelcast.Agent`, one JVM each, on "
             "127.0.0.1 of this one machine), every figure next to a local `ProcessPool` with the same total number "
             "of workers, measured in the same run, interleaved (`io.procpool.bench.ClusterBench`). Each figure: "
             "the median over %d runs of each run's median over its timed repetitions (after warm-up), "
             "[min–max] over the runs; ratio = ClusterPool / ProcessPool." % len(runs), "",
             "- Command: `%s` (each run: `java -jar procpool-bench/target/procpool-bench.jar --cluster`)"
             % mf.get("command", "bash bench/side-by-side.sh --cluster --runs %d" % len(runs)),
             "- Results: `%s/` (`cluster-N.jsonl`, stderr with the agents' output in `cluster-N.log`)"
             % scale_table.rel(folder),
             "- Date: %s; git %s" % (mf.get("started", "?"), mf.get("git", "?")),
             "- Java: %s, %s; CPUs: %s (agents, their workers, the driver and the local pool share them); agent "
             "JVM options: `%s`, their workers procpool's defaults" % (
                 m0.get("java_version", "?"), m0.get("vm", "?"), m0.get("cpu_count", "?"),
                 " ".join(m0.get("agent_jvm_options", []))),
             "- Machine load (1-min load average at start/end of each run): %s; other programs' CPU share in the "
             "second before each run: %s" % (
                 ", ".join("%s/%s" % ((m.get("loadavg_start") or ["?"])[0], (e.get("loadavg_end") or ["?"])[0])
                           for m, e in zip(metas, ends)),
                 ", ".join("%s%%" % m.get("other_cpu_busy_pct_start") for m in metas)),
             "- Run time: %s s; agent and worker JVMs alive at the end: %s; failures: %s" % (
                 ", ".join(str(e.get("total_s")) for e in ends),
                 ", ".join(str(e.get("live_child_processes_end")) for e in ends),
                 "; ".join(x for e in ends for x in e.get("errors", [])) or "none"), ""]
    rows = []
    verdicts = []

    def row(what, a, b, unit="", target=None, met=None):
        rows.append("| %s | %s | %s | %s | %s |" % (what, a.cell(unit), b.cell(unit), fmt_ratio(ratio(a, b)),
                                                   "–" if target is None else "%s: %s" % (target, met)))
        if target is not None:
            verdicts.append((what, target, met))

    p50 = fig(runs, "apply", "round_trip_p50", CL)
    row("`apply` round trip p50 (µs), 1 agent × 2 workers vs `ProcessPool(2)`", p50,
        fig(runs, "apply", "round_trip_p50", PP), target="p50 < 1000 µs",
        met=yes(p50.median is not None and p50.median < 1000))
    row("`apply` round trip p99 (µs)", fig(runs, "apply", "round_trip_p99", CL), fig(runs, "apply", "round_trip_p99", PP))
    row("`apply` round trip mean (µs)", fig(runs, "apply", "round_trip_mean", CL),
        fig(runs, "apply", "round_trip_mean", PP))
    c1, l1 = fig(runs, "map", "chunksize_1", CL), fig(runs, "map", "chunksize_1", PP)
    r1 = first(runs, "map", "chunksize_1", CL)
    row("`map`, chunk size 1, %s items (items/s), 2 agents × 1 worker vs `ProcessPool(2)`"
        % (r1["params"]["items"] if r1 else "?"), c1, l1, target="≥ 50 % of ProcessPool",
        met=yes(ratio(c1, l1) is not None and ratio(c1, l1) >= 0.5))
    rd = first(runs, "map", "default_chunksize", CL)
    row("`map`, default chunks (%s), %s items (items/s)" % (
        rd["params"]["chunksize"] if rd else "?", rd["params"]["items"] if rd else "?"),
        fig(runs, "map", "default_chunksize", CL), fig(runs, "map", "default_chunksize", PP))
    for k in (1, 2, 3):
        row("S6 kernel, speedup over serial, %d agent%s × 1 worker vs `ProcessPool(%d)`" % (k, "s" if k > 1 else "", k),
            fig(runs, "cpu", "map_default_chunksize", CL, k), fig(runs, "cpu", "map_default_chunksize", PP, k), "×")
    rec = fig(runs, "failover", "recovered_ms", CL)
    rf = first(runs, "failover", "recovered_ms", CL)
    correct = all(r.get("all_results_correct") for rows_ in runs for r in rows_
                  if r.get("scenario") == "CLUSTER-failover")
    row("failover: SIGKILL to recovered (ms): until the last task the killed side had started has its result "
        "from elsewhere; agent vs one `ProcessPool` worker", rec, fig(runs, "failover", "recovered_ms", PP),
        target="< 2000 ms", met=yes(rec.median is not None and rec.median < 2000))
    row("failover: SIGKILL to the first re-run of a lost task (ms)", fig(runs, "failover", "detect_ms", CL),
        fig(runs, "failover", "detect_ms", PP))
    row("failover: SIGKILL to the end of the map (ms)", fig(runs, "failover", "after_kill_ms", CL),
        fig(runs, "failover", "after_kill_ms", PP))
    row("failover: tasks the killed side had started without a result", fig(runs, "failover", "lost_items", CL),
        fig(runs, "failover", "lost_items", PP))
    lines += ["| figure | ClusterPool | ProcessPool (same run) | ratio | target |", "|---|---|---|---|---|"] + rows
    lines.append("")
    if rf:
        p = rf["params"]
        retried = [r.get("retried_tasks") for rows_ in runs for r in rows_
                   if r.get("scenario") == "CLUSTER-failover" and r.get("variant") == "recovered_ms"
                   and r.get("impl") == CL]
        lines.append("Failover: `imapUnordered` of %d tasks (each sends a datagram naming its item and pid to the "
                     "benchmark, sleeps %d ms, returns i*i), chunk size %d, `retries(%d)`; after %d results one of "
                     "the two agents (for `ProcessPool`: one of its two worker JVMs) gets SIGKILL. Every result "
                     "arrived once and correct in every repetition: %s. `PoolStats.tasksRetried()` of the cluster "
                     "pools: %s." % (p["items"], p["task_sleep_ms"], p["chunksize"], p["retries"],
                                     p["kill_after_results"], yes(correct), retried))
        lines.append("")
    met = sum(1 for v in verdicts if v[2] == "yes")
    lines.append("Targets met: %d of %d (%s)." % (met, len(verdicts), "; ".join(
        "%s: %s" % (v[1], v[2]) for v in verdicts)))
    lines.append("")
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cluster-notes.md")
    if os.path.exists(notes):
        # hand-written: what the runs showed beyond the table (other runs, where the time goes)
        with open(notes) as fh:
            lines.extend(fh.read().rstrip("\n").split("\n"))
        lines.append("")
    return lines


def yes(b):
    return "yes" if b else "no"


def scale_table_meta(rows, which):
    for r in rows:
        if r.get("scenario") == which:
            return r
    return {}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?")
    ap.add_argument("--latest", metavar="ROOT")
    a = ap.parse_args()
    folder = a.folder or (latest_cluster(a.latest) if a.latest else None)
    if not folder:
        ap.error("no cluster run folder given or found")
    sys.stdout.write("\n".join(section(folder)) + "\n")


if __name__ == "__main__":
    main()
