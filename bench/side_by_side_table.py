#!/usr/bin/env python3
"""Side-by-side table of procpool versus Python's multiprocessing.Pool, measured in the same run.

Reads the JSON Lines that bench/side-by-side.sh saved in a run folder
(python-1.jsonl, java-1.jsonl, python-2.jsonl, java-2.jsonl, ... and run.json)
and writes BENCHMARKS.md: the machine and its health during the run, the
targets of the performance issue with the measured ratio and whether each is
met, and the full table (medians, [min-max] as noise, ratio procpool/Python).

    python3 bench/side_by_side_table.py --out BENCHMARKS.md bench/results/2026-11-25/101500-quick
    python3 bench/side_by_side_table.py --out BENCHMARKS.md --latest bench/results

With --latest, one section per kind of run (the newest full run, then the
newest quick run) found under the folder, the newest --workers run (S2 on 1-16
workers, both sides), then the newest JMH result and the Scale section of the
newest --scale run (bench/scale_table.py), and the Cluster section of the newest
--cluster run (bench/cluster_table.py).  Standard library only.
"""
import argparse
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale_table  # noqa: E402  (bench/scale_table.py: the Scale section)
import cluster_table  # noqa: E402  (bench/cluster_table.py: the Cluster section)
import cold_table  # noqa: E402  (bench/cold_table.py: the Cold pools section)
import recycle_table  # noqa: E402  (bench/recycle_table.py: the Replacing workers section)

HIGHER_IS_BETTER = {"tasks_per_s", "MiB_per_s", "speedup_vs_serial"}
PY_POOL = "mp.Pool"
JP = "ProcessPool"
JT = "ThreadPool"


# ----------------------------------------------------------------------------- loading
load = scale_table.load  # JSON lines (non-JSON lines, such as logs, are skipped)


def load_run(folder):
    """{'python': [rows of each run], 'java': [...], 'manifest': {...}} for one run folder."""
    run = {"python": [], "java": [], "folder": folder, "manifest": {}}
    mf = os.path.join(folder, "run.json")
    if os.path.exists(mf):
        with open(mf) as f:
            run["manifest"] = json.load(f)
    for lang in ("python", "java"):
        files = sorted(glob.glob(os.path.join(folder, lang + "-*.jsonl")),
                       key=lambda p: int(os.path.basename(p).split("-")[1].split(".")[0]))
        for p in files:
            rows = load(p)
            if rows:
                run[lang].append({"file": os.path.basename(p), "rows": rows})
    return run


def meta(rows, which="meta"):
    for r in rows:
        if r.get("scenario") == which:
            return r
    return {}


def records(runs, scenario, variant, impl, procs, start=None):
    """The matching record of every run (one per run at most)."""
    out = []
    for run in runs:
        for r in run["rows"]:
            if r.get("scenario") != scenario or r.get("variant") != variant:
                continue
            if r.get("impl") != impl:
                continue
            if procs is not None and r.get("processes") != procs:
                continue
            if start is not None and r.get("start_method") != start:
                continue
            out.append(r)
            break
    return out


# ----------------------------------------------------------------------------- combining
class Fig:
    """One figure combined over the runs: median of the run medians, min of mins, max of maxes."""

    def __init__(self, recs, field=None):
        self.recs = recs
        vals, lows, highs = [], [], []
        for r in recs:
            src = r.get(field) if field else r
            if not isinstance(src, dict) or src.get("median") is None:
                continue
            vals.append(src["median"])
            lows.append(src.get("min", src["median"]))
            highs.append(src.get("max", src["median"]))
        self.n = len(vals)
        self.median = statistics.median(vals) if vals else None
        self.min = min(lows) if lows else None
        self.max = max(highs) if highs else None
        self.run_medians = vals

    def __bool__(self):
        return self.median is not None

    def cell(self):
        if not self:
            return "–"
        return "%s [%s–%s]" % (fmt(self.median), fmt(self.min), fmt(self.max))


def fmt(x):
    if x is None:
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, (int, float)):
        ax = abs(x)
        if ax >= 1e6:
            return "%.2fM" % (x / 1e6)
        if ax >= 1e4:
            return "%.1fk" % (x / 1e3)
        if ax >= 100:
            return "%.0f" % x
        if ax >= 10:
            return "%.1f" % x
        if ax >= 0.01:
            return "%.3g" % x
        return "%.2g" % x
    return str(x)


def ratio(a, b, higher_is_better):
    """(median ratio a/b, [worst, best] pairing of the noise ranges) or None."""
    if not a or not b or not b.median:
        return None
    r = a.median / b.median
    lo = a.min / b.max if b.max else None
    hi = a.max / b.min if b.min else None
    return r, (lo, hi)


def fmt_ratio(rr):
    if rr is None:
        return "–"
    r, (lo, hi) = rr
    if lo is None or hi is None:
        return "%s" % fmt_x(r)
    return "%s (%s–%s)" % (fmt_x(r), fmt_x(lo), fmt_x(hi))


def fmt_x(r):
    if r is None:
        return "–"
    if r >= 100:
        return "%.0f×" % r
    if r >= 10:
        return "%.1f×" % r
    return "%.2f×" % r


# ----------------------------------------------------------------------------- targets
def targets(py, ja):
    """Rows: (target, python cell, procpool cell, ratio cell, wanted, verdict)."""
    out = []

    def vs_python(label, scen, var, want, higher, field=None, py_start="fork", jvar=None):
        a = Fig(records(ja, scen, jvar or var, JP, 2), field)
        b = Fig(records(py, scen, var, PY_POOL, 2, py_start), field)
        rr = ratio(a, b, higher)
        if rr is None:
            out.append((label, b.cell(), a.cell(), "–", want_text(want, higher), "missing"))
            return
        out.append((label, b.cell(), a.cell(), fmt_ratio(rr), want_text(want, higher),
                    verdict(rr, want, higher)))

    vs_python("S1 start-up (all workers checked in) ≤ Python spawn", "S1", "all_workers_checked_in",
              1.0, False, py_start="spawn")
    vs_python("S1 start-up (n trivial tasks) ≤ Python spawn", "S1", "n_trivial_tasks", 1.0, False,
              py_start="spawn")
    vs_python("S2 map, default chunks ≥ 2×", "S2", "map_default_chunksize", 2.0, True)
    vs_python("S2 map, chunksize 1 ≥ 10×", "S2", "map_chunksize_1", 10.0, True)
    vs_python("S3 imap, chunksize 1 ≥ 10×", "S3", "imap_chunksize_1", 10.0, True)
    vs_python("S3 imap, chunksize 100 ≥ 3×", "S3", "imap_chunksize_100", 3.0, True)
    vs_python("S4 apply p50 ≤ 1/3 of Python", "S4", "sequential_roundtrip", 1 / 3, False)
    vs_python("S4 apply p99 ≤ 1/10 of Python", "S4", "sequential_roundtrip", 0.1, False, field="p99_us")
    # S4 against procpool's own ThreadPool, same run
    a = Fig(records(ja, "S4", "sequential_roundtrip", JP, 2))
    t = Fig(records(ja, "S4", "sequential_roundtrip", JT, 2))
    rr = ratio(a, t, False)
    out.append(("S4 apply p50 ≤ 3× ThreadPool's", "ThreadPool " + t.cell(), a.cell(), fmt_ratio(rr),
                "≤ 3× (vs ThreadPool)", verdict(rr, 3.0, False) if rr else "missing"))
    vs_python("S5 applyAsync all, then get ≥ 10×", "S5", "submit_all_then_get_all", 10.0, True)
    # S6: speedup within 5 % of ThreadPool's speedup, same run
    a = Fig(records(ja, "S6", "map_default_chunksize", JP, 2))
    t = Fig(records(ja, "S6", "map_default_chunksize", JT, 2))
    p = Fig(records(py, "S6", "map_default_chunksize", PY_POOL, 2, "fork"))
    if a and t:
        ok = a.median >= t.median - 0.05 * t.median
        out.append(("S6 speedup ≥ ThreadPool's − 5 %", "Python %s; ThreadPool %s" % (p.cell(), t.cell()),
                    a.cell(), "%.3f× of ThreadPool's" % (a.median / t.median),
                    "≥ 0.95× ThreadPool's", "met" if ok else "NOT MET"))
    else:
        out.append(("S6 speedup ≥ ThreadPool's − 5 %", p.cell(), a.cell(), "–", "≥ 0.95× ThreadPool's", "missing"))
    for var in ("to_worker_chunksize_1", "from_worker_chunksize_1", "to_worker_default_chunksize",
                "from_worker_default_chunksize"):
        vs_python("S7 1 MiB %s ≥ 3×" % var.replace("_", " "), "S7", var, 3.0, True)
    vs_python("S9 exception round trip p50 ≤ 1/3", "S9", "sequential_roundtrip", 1 / 3, False)
    # S10: failure seen in < 200 ms, pool still works
    j = records(ja, "S10", "map_async_with_worker_exit", JP, 2)
    pr = records(py, "S10", "map_async_with_worker_exit", PY_POOL, 2, "fork")
    pcell = "–"
    if pr:
        pcell = "%s s: %s; usable after: %s" % (
            fmt(statistics.median(r["median"] for r in pr)), pr[0].get("outcome", "?"),
            fmt(all(r.get("pool_usable_after") for r in pr)))
    if j:
        f = Fig(j)
        usable = all(r.get("pool_usable_after") is True for r in j)
        worst_ms = f.max * 1000
        med_ms = f.median * 1000
        ok = med_ms < 200 and usable
        exc = "; ".join(sorted({str(r.get("exception")) for r in j}))
        out.append(("S10 crash seen < 200 ms, pool still works", pcell,
                    "%s ms [%s–%s] (%s); usable after: %s" % (fmt(med_ms), fmt(f.min * 1000), fmt(worst_ms), exc,
                                                                fmt(usable)),
                    "–", "< 200 ms and usable", ("met" if ok else "NOT MET") +
                    (" (noisy: max %s ms)" % fmt(worst_ms) if ok and worst_ms >= 200 else "")))
    else:
        out.append(("S10 crash seen < 200 ms, pool still works", pcell, "–", "–", "< 200 ms and usable", "missing"))
    return out


def want_text(want, higher):
    if higher:
        return "≥ %s×" % fmt(want)
    if want < 1:
        return "≤ 1/%d" % round(1 / want)
    return "≤ %s×" % fmt(want)


def verdict(rr, want, higher):
    r, (lo, hi) = rr
    ok = r >= want if higher else r <= want
    word = "met" if ok else "NOT MET"
    if lo is not None and hi is not None and (min(lo, hi) < want < max(lo, hi)):
        word += " (noisy)"
    return word


# ----------------------------------------------------------------------------- full table
def all_rows(py, ja):
    keys = []
    seen = set()
    for runs in (ja, py):
        for run in runs:
            for r in run["rows"]:
                s = r.get("scenario", "")
                if s.startswith("meta") or s == "L1" or r.get("impl") not in (PY_POOL, JP, JT, "serial"):
                    continue
                k = (s, r.get("variant"), r.get("processes"))
                if k not in seen:
                    seen.add(k)
                    keys.append(k)

    def order(k):
        s = k[0]
        return (int(s[1:]) if s[1:].isdigit() else 0, str(k[1]), k[2] or 0)

    out = []
    for s, var, procs in sorted(keys, key=order):
        starts = ["fork"]
        if s == "S1":
            starts = ["fork", "spawn", "forkserver"]
        jp = Fig(records(ja, s, var, JP, procs))
        jt = Fig(records(ja, s, var, JT, procs))
        metric = None
        for runs in (ja, py):
            for run in runs:
                for r in run["rows"]:
                    if r.get("scenario") == s and r.get("variant") == var:
                        metric = metric or r.get("metric")
        if var == "serial":
            pyf = Fig(records(py, s, var, "serial", procs))
            jser = Fig(records(ja, s, var, "serial", procs))
            out.append((s, var, procs, metric, "serial " + pyf.cell(), "serial " + jser.cell(), "", "–"))
            continue
        for st in starts:
            pyf = Fig(records(py, s, var, PY_POOL, procs, st))
            if s == "S1" and not pyf and st != "fork":
                continue
            higher = metric in HIGHER_IS_BETTER
            rr = ratio(jp, pyf, higher)
            label = var if s != "S1" else "%s (Python %s)" % (var, st)
            out.append((s, label, procs, metric, pyf.cell(), jp.cell(), jt.cell(), fmt_ratio(rr)))
            if s == "S1" and st == starts[-1]:
                out.append((s, var + " shutdown (close)", procs, "shutdown_ms",
                            "; ".join("%s %s" % (x, Fig(records(py, s, var, PY_POOL, procs, x), "shutdown_ms").cell())
                                      for x in starts if records(py, s, var, PY_POOL, procs, x)) or "–",
                            Fig(records(ja, s, var, JP, procs), "shutdown_ms").cell(),
                            Fig(records(ja, s, var, JT, procs), "shutdown_ms").cell(), "–"))
            if s in ("S4", "S9"):
                p99p = Fig(records(py, s, var, PY_POOL, procs, st), "p99_us")
                p99j = Fig(records(ja, s, var, JP, procs), "p99_us")
                p99t = Fig(records(ja, s, var, JT, procs), "p99_us")
                out.append((s, var + " p99", procs, "p99_us", p99p.cell(), p99j.cell(), p99t.cell(),
                            fmt_ratio(ratio(p99j, p99p, False))))
    return out


# ----------------------------------------------------------------------------- report
def health_rows(run):
    rows = []
    for lang in ("python", "java"):
        for r in run[lang]:
            m, e = meta(r["rows"]), meta(r["rows"], "meta_end")

            def cap(x):
                return fmt((x or {}).get("median")) if isinstance(x, dict) else "–"
            busy_before = [x.get("other_cpu_busy_pct_before") for x in r["rows"]
                           if not str(x.get("scenario", "")).startswith("meta")
                           and x.get("other_cpu_busy_pct_before") is not None]
            rows.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["file"], fmt(m.get("other_cpu_busy_pct_start")), fmt(e.get("other_cpu_busy_pct_end")),
                ("%s–%s" % (fmt(min(busy_before)), fmt(max(busy_before)))) if busy_before else "–",
                cap(m.get("parallel_capacity_start")), cap(e.get("parallel_capacity_end")),
                " / ".join(fmt(x) for x in (m.get("loadavg_start") or [])) or "–",
                fmt(e.get("total_s"))))
    return rows


def section(run):
    py, ja = run["python"], run["java"]
    mf = run["manifest"]
    jm = meta(ja[0]["rows"]) if ja else {}
    pm = meta(py[0]["rows"]) if py else {}
    quick = mf.get("quick", (jm.get("args") or {}).get("quick"))
    lines = []
    title = "%s run of %s" % ("Quick (`--quick`, smoke-test sizes)" if quick else "Full", mf.get("started", "?"))
    lines.append("## " + title)
    lines.append("")
    lines.append("- Command: `%s`" % mf.get("command", "bash bench/side-by-side.sh"))
    lines.append("- Order: %s (alternating; each figure below is the median of the runs' medians, "
                 "[min–max] over every repetition of every run)" % ", ".join(mf.get("order", [])))
    lines.append("- Results: `%s/`" % scale_table.rel(run["folder"]))
    lines.append("- Java: %s (%s), %s; Python: %s %s; CPUs: %s; OS: %s" % (
        jm.get("java_version", "?"), jm.get("java_vendor", "?"), jm.get("vm", "?"),
        pm.get("implementation", "?"), pm.get("python", "?"), jm.get("cpu_count", pm.get("cpu_count", "?")),
        jm.get("os", pm.get("platform", "?"))))
    if mf.get("git"):
        lines.append("- procpool commit: `%s`" % mf["git"])
    if mf.get("python_bench"):
        lines.append("- Python reference: `%s` %s" % (os.path.basename(mf["python_bench"]), mf.get("python_args", "")))
    if mf.get("java_args"):
        lines.append("- Java bench arguments: `%s`" % mf["java_args"])
    if quick:
        lines.append("")
        lines.append("> Quick sizes (S2 20 000 items, S4 300 calls, 2 repetitions, ...) test the harness; "
                     "their ratios are not the targets' figures. Read a full run for those.")
    lines.append("")
    lines.append("### Machine health during the run")
    lines.append("")
    lines.append("`other_cpu_busy_pct`: CPU used by other programs while the benchmark slept (0 = quiet). "
                 "`parallel_capacity`: 2 workers running a CPU kernel at once versus one alone (2.0 = two "
                 "full cores; Python forks processes, Java runs threads). Below ~1.8 the parallel figures "
                 "(S6 above all) are not a baseline.")
    lines.append("")
    lines.append("| file | busy % start | busy % end | busy % before scenarios | capacity start | capacity end "
                 "| load avg start (1/5/15) | total s |")
    lines.append("|---|---|---|---|---|---|---|---|")
    lines.extend(health_rows(run))
    lines.append("")
    lines.append("### Targets (2 workers; Python `mp.Pool` with fork, same run)")
    lines.append("")
    lines.append("Ratio = procpool / Python on the medians; in brackets the worst and best pairing of the "
                 "two [min–max] ranges. \"noisy\" = the target lies inside that band.")
    lines.append("")
    lines.append("| target | Python | procpool ProcessPool | ratio | wanted | verdict |")
    lines.append("|---|---|---|---|---|---|")
    t = targets(py, ja)
    for row in t:
        lines.append("| " + " | ".join(row) + " |")
    met = sum(1 for r in t if r[5].startswith("met"))
    present = sum(1 for r in t if r[5] != "missing")
    lines.append("")
    lines.append("**%d of %d targets met** (%d measured, %d missing from this run)." % (
        met, len(t), present, len(t) - present))
    lines.append("")
    lines.append("### All figures")
    lines.append("")
    lines.append("Medians [min–max]. Rates (tasks/s, MiB/s, speedup): higher is better; times and "
                 "latencies (ms, µs, s): lower is better. Ratio = ProcessPool / Python mp.Pool.")
    lines.append("")
    lines.append("| scenario | variant | procs | metric | Python mp.Pool | procpool ProcessPool | "
                 "procpool ThreadPool | ratio ProcessPool/Python |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for row in all_rows(py, ja):
        lines.append("| " + " | ".join(fmt(x) if not isinstance(x, str) else x for x in row) + " |")
    notes = []
    for run_ in ja:
        for r in run_["rows"]:
            if r.get("scenario") == "S10":
                notes.append("S10 procpool (%s): %s; message: %s. Median split of time_to_error: the worker "
                             "process had exited %s ms after the submit, the pool reported it %s ms later; "
                             "a replacement worker was connected %s ms after the submit." % (
                                 run_["file"], r.get("outcome"), "; ".join(r.get("messages", [])[:1]),
                                 fmt((r.get("worker_exit_seen_ms") or {}).get("median")),
                                 fmt((r.get("error_after_worker_exit_ms") or {}).get("median")),
                                 fmt((r.get("replacement_worker_connected_ms") or {}).get("median"))))
        e = meta(run_["rows"], "meta_end")
        if e.get("errors"):
            notes.append("Java run %s had failing scenarios: %s" % (run_["file"], "; ".join(e["errors"])))
    for run_ in py:
        for r in run_["rows"]:
            if r.get("scenario") == "S10" and r.get("impl") == PY_POOL:
                notes.append("S10 Python (%s): %s" % (run_["file"], r.get("outcome")))
    if notes:
        lines.append("")
        lines.append("Notes:")
        lines.append("")
        for n in notes:
            lines.append("- " + n)
    lines.append("")
    return lines


def jmh_section(path):
    """A table of one JMH JSON result file (java -jar procpool-bench.jar --jmh -rf json -rff FILE)."""
    with open(path) as f:
        data = json.load(f)
    lines = ["## JMH microbenchmarks (`%s`)" % os.path.basename(path), "",
             "`java -jar procpool-bench/target/procpool-bench.jar --jmh -rf json -rff %s` "
             "(1 fork, 3 × 1 s warm-up, 5 × 1 s measurement). Warm pools; `apply` on 1 worker, "
             "`map` of 10 000 Longs on 2 workers." % os.path.basename(path), "",
             "| benchmark | impl | mode | score ± error | p50 | p99 | unit |", "|---|---|---|---|---|---|---|"]
    for b in data:
        pm = b.get("primaryMetric", {})
        pct = pm.get("scorePercentiles") or {}
        sample = b.get("mode") == "sample"
        lines.append("| %s | %s | %s | %s ± %s | %s | %s | %s |" % (
            b.get("benchmark", "").replace("io.procpool.bench.jmh.", ""),
            (b.get("params") or {}).get("impl", ""), b.get("mode", ""),
            fmt(pm.get("score")), fmt(pm.get("scoreError")),
            fmt(pct.get("50.0")) if sample else "–", fmt(pct.get("99.0")) if sample else "–",
            pm.get("scoreUnit", "")))
    lines.append("")
    return lines


def latest_jmh(root):
    files = glob.glob(os.path.join(root, "*", "jmh-*.json"))
    return max(files, key=lambda p: (os.path.basename(os.path.dirname(p)), os.path.basename(p))) if files else None


def workers_section(run):
    """The workers curve side by side (a --workers run: S2 on 1-16 workers for both)."""
    py, ja = run["python"], run["java"]
    mf = run["manifest"]
    pm, jm = meta(py[0]["rows"]) if py else {}, meta(ja[0]["rows"]) if ja else {}
    procs = sorted({r.get("processes") for x in py + ja for r in x["rows"] if r.get("scenario") == "S2"} - {None})
    lines = ["## Workers side by side: S2 on 1-%s workers (%s)" % (procs[-1] if procs else "?", mf.get("started", "?")), "",
             "The scale question (does throughput collapse when workers outnumber the CPUs?) asked of both "
             "pools in the same run: S2 exactly as in the tables above (`map` of Longs with the default "
             "chunk size, and with chunk size 1), for 1, 2, 4, 8 and 16 processes, "
             "Python's `multiprocessing.Pool` (fork) and procpool's `ProcessPool` run alternately "
             "(%s). Each pool is fresh for its size, so procpool's figures include its workers' JIT "
             "warm-up, as in S2 (Scale, below, has warm figures). Items/s: median of the runs' medians "
             "[min–max]; *of best*: the point as a share of the same pool's best point." % (
                 ", ".join(mf.get("order") or []) or "?"),
             "",
             "- Machine: %s CPUs; Python %s; %s" % (pm.get("cpu_count", "?"), pm.get("python", "?"),
                                                   jm.get("vm", "?")),
             "- Results: `%s/`" % scale_table.rel(run["folder"]), ""]
    for variant, label in (("map_default_chunksize", "default chunks"), ("map_chunksize_1", "chunk size 1")):
        figs = {}
        for p in procs:
            figs[p] = (Fig(records(py, "S2", variant, "mp.Pool", p)), Fig(records(ja, "S2", variant, "ProcessPool", p)))
        n = next((r.get("params", {}).get("n_tasks") for f in figs.values() for r in f[1].recs + f[0].recs), None)
        label += ", %s items" % ("{:,}".format(n) if n else "?")
        best_py = max((f[0].median for f in figs.values() if f[0]), default=None)
        best_ja = max((f[1].median for f in figs.values() if f[1]), default=None)
        lines += ["### %s" % label, "",
                  "| workers | Python (items/s) | of best | procpool (items/s) | of best | procpool / Python |",
                  "|---|---|---|---|---|---|"]
        for p in procs:
            fp, fj = figs[p]
            lines.append("| %d | %s | %s | %s | %s | %s |" % (
                p, fp.cell(), ("%.0f%%" % (100 * fp.median / best_py)) if fp and best_py else "–",
                fj.cell(), ("%.0f%%" % (100 * fj.median / best_ja)) if fj and best_ja else "–",
                fmt_ratio(ratio(fj, fp, True))))
        lines.append("")
    return lines


def complete_runs(root, kind):
    """(started, manifest, folder) of every complete run of this kind under root (a run.json per folder)."""
    found = []
    for mf in glob.glob(os.path.join(root, "*", "*", "run.json")):
        with open(mf) as f:
            m = json.load(f)
        if m.get("complete") is not False and m.get("kind", "side-by-side") == kind:
            found.append((m.get("started", ""), m, os.path.dirname(mf)))
    return sorted(found, key=lambda t: t[0], reverse=True)


def latest_workers(root):
    """The newest complete --workers run under root, or None."""
    found = complete_runs(root, "workers")
    return found[0][2] if found else None


def latest_runs(root):
    """The newest full run and the newest quick run under root (folders with a run.json)."""
    found = complete_runs(root, "side-by-side")
    out = []
    for want_quick in (False, True):
        for started, m, folder in found:
            if bool(m.get("quick")) == want_quick:
                out.append(folder)
                break
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", help="run folders (python-N.jsonl, java-N.jsonl, run.json)")
    ap.add_argument("--latest", metavar="ROOT", help="use the newest full and quick runs under ROOT")
    ap.add_argument("--out", default="-", help="output file (default: stdout)")
    ap.add_argument("--jmh", metavar="FILE", help="add a JMH JSON result (with --latest: the newest "
                    "bench/results/<date>/jmh-*.json is added unless --no-jmh)")
    ap.add_argument("--no-jmh", action="store_true")
    ap.add_argument("--scale", metavar="FOLDER", help="add the Scale section of a --scale run folder "
                    "(scale.jsonl; with --latest: the newest <date>/<time>-scale/ is added unless --no-scale)")
    ap.add_argument("--no-scale", action="store_true")
    ap.add_argument("--no-workers", action="store_true", help="with --latest: leave out the newest --workers run")
    ap.add_argument("--cluster", metavar="FOLDER", help="add the Cluster section of a --cluster run folder "
                    "(cluster-N.jsonl; with --latest: the newest <date>/cluster-<time>/ unless --no-cluster)")
    ap.add_argument("--no-cluster", action="store_true")
    ap.add_argument("--no-cold", action="store_true", help="without the Cold pools section (with --latest: the "
                    "newest <date>/cold-<time>/ of bench/cold.sh)")
    ap.add_argument("--no-recycle", action="store_true", help="without the Replacing workers section (with --latest: "
                    "the newest <date>/recycle-<time>/ of bench/cold.sh --recycle)")
    a = ap.parse_args()
    folders = list(a.folders)
    if a.latest:
        folders += latest_runs(a.latest)
    if not folders:
        ap.error("no run folder given or found")
    lines = ["# procpool benchmarks: side by side with Python's multiprocessing.Pool", "",
             "Generated by `bench/side_by_side_table.py` from the JSON lines that `bench/side-by-side.sh` "
             "saved (Python reference and `procpool-bench.jar`, run alternately on the same machine). "
             "How to run, what each scenario does and how to read the noise: `procpool-bench/README.md`.",
             ""]
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "targets-not-met.md")
    if os.path.exists(notes):
        # hand-written: for every target a run misses, the measured reason and what would get there
        with open(notes) as fh:
            lines.extend(fh.read().rstrip("\n").split("\n"))
        lines.append("")
    if a.latest and not a.no_workers:
        w = latest_workers(a.latest)
        if w:
            folders.append(w)
    for f in folders:
        run = load_run(f)
        if not run["java"] or not run["python"]:
            print("warning: %s lacks Python or Java results" % f, file=sys.stderr)
        lines.extend(workers_section(run) if run["manifest"].get("kind") == "workers" else section(run))
    jmh = a.jmh or (latest_jmh(a.latest) if a.latest and not a.no_jmh else None)
    if jmh:
        lines.extend(jmh_section(jmh))
    scale = a.scale or (scale_table.latest_scale(a.latest) if a.latest and not a.no_scale else None)
    if scale:
        lines.extend(scale_table.section(scale))
    cold = cold_table.latest_cold(a.latest) if a.latest and not a.no_cold else None
    if cold:
        lines.extend(cold_table.section(cold))
    recycle = recycle_table.latest_recycle(a.latest) if a.latest and not a.no_recycle else None
    if recycle:
        lines.extend(recycle_table.section(recycle))
    cluster = a.cluster or (cluster_table.latest_cluster(a.latest) if a.latest and not a.no_cluster else None)
    if cluster:
        lines.extend(cluster_table.section(cluster))
    text = "\n".join(lines) + "\n"
    if a.out == "-":
        sys.stdout.write(text)
    else:
        with open(a.out, "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
