#!/usr/bin/env python3
"""The "Scale" section of BENCHMARKS.md, from one `--scale` run of procpool-bench.jar.

Reads scale.jsonl in a run folder (bench/results/<date>/<time>-scale/, written by
`bash bench/side-by-side.sh --scale` or by hand with
`java -Xmx2g -jar procpool-bench/target/procpool-bench.jar --scale > .../scale.jsonl`)
and renders: throughput versus workers, throughput and caller heap versus items
(map and imap), idle worker RSS.

    python3 bench/scale_table.py bench/results/2026-11-25/111055-scale      # the section, to stdout
    python3 bench/scale_table.py --latest bench/results                     # the newest scale run

bench/side_by_side_table.py appends this section to BENCHMARKS.md (with --latest: the newest
scale run, unless --no-scale).  Standard library only.
"""
import argparse
import glob
import json
import os
import sys

RSS_TARGET_MIB = 60


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    pass
    return rows


def titled_section(heading, intro, table_lines, notes_name):
    """A BENCHMARKS.md section (a list of lines): heading, intro paragraph, table, then the
    hand-written bench/<notes_name> if it exists."""
    out = [heading, "", intro, ""]
    out.extend(table_lines)
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), notes_name)
    if os.path.exists(notes):
        out.append("")
        with open(notes) as fh:
            out.extend(fh.read().rstrip("\n").split("\n"))
    out.append("")
    return out


def newest_folder(root, folder_glob, marker):
    """The newest root/<date>/<folder_glob> folder (by date, then name) holding the file marker, or None."""
    files = glob.glob(os.path.join(root, "*", folder_glob, marker))
    if not files:
        return None
    return os.path.dirname(max(files, key=lambda p: (os.path.basename(os.path.dirname(os.path.dirname(p))),
                                                      os.path.basename(os.path.dirname(p)))))


def latest_scale(root):
    """The newest folder under root/<date>/ holding a scale.jsonl, or None."""
    return newest_folder(root, "*", "scale.jsonl")


def num(x, unit=""):
    if x is None:
        return "–"
    ax = abs(x)
    if ax >= 1e6:
        s = "%.2fM" % (x / 1e6)
    elif ax >= 1e4:
        s = "%.0fk" % (x / 1e3)
    elif ax >= 100:
        s = "%.0f" % x
    elif ax >= 10:
        s = "%.1f" % x
    else:
        s = "%.3g" % x
    return s + unit


def cell(r, unit=""):
    if not r:
        return "–"
    if r.get("min") == r.get("max"):
        return num(r.get("median"), unit)
    return "%s [%s–%s]" % (num(r.get("median"), unit), num(r.get("min")), num(r.get("max")))


def find(rows, scenario, variant, metric, procs=None, n=None):
    for r in rows:
        if (r.get("scenario") == scenario and r.get("variant") == variant and r.get("metric") == metric
                and (procs is None or r.get("processes") == procs)
                and (n is None or (r.get("params") or {}).get("n_items") == n)):
            return r
    return None


def rel(folder):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.relpath(os.path.abspath(folder), repo)


def section(folder):
    rows = load(os.path.join(folder, "scale.jsonl"))
    m = next((r for r in rows if r.get("scenario") == "meta"), {})
    e = next((r for r in rows if r.get("scenario") == "meta_end"), {})
    lines = ["## Scale", "",
             "How cost grows with the number of workers, the number of items, and what an idle worker "
             "costs in memory (`io.procpool.bench.Scale`; the numbers are medians, [min–max] over the "
             "timed repetitions).", ""]
    started = m.get("time_unix")
    lines.append("- Command: `java %s -jar procpool-bench/target/procpool-bench.jar --scale%s` "
                 "(the bench JVM needs `-Xmx2g` for `map` over 10^7 Longs: input and result lists "
                 "are both held)" % (" ".join(m.get("jvm_args") or []), " --quick" if m.get("quick") else ""))
    lines.append("- Results: `%s/scale.jsonl`" % rel(folder))
    lines.append("- Java: %s, %s; CPUs: %s; bench heap max: %s MiB" % (
        m.get("java_version", "?"), m.get("vm", "?"), m.get("cpu_count", "?"), m.get("max_heap_mib", "?")))
    lines.append("- Machine load: load average %s at the start, %s at the end; other programs used %s%% / %s%% "
                 "of the CPUs in the second before / after (shared 2-core machine: the figures are noisy)" % (
                     "/".join(str(x) for x in (m.get("loadavg_start") or [])) or "?",
                     "/".join(str(x) for x in (e.get("loadavg_end") or [])) or "?",
                     m.get("other_cpu_busy_pct_start", "?"), e.get("other_cpu_busy_pct_end", "?")))
    lines.append("- Total time: %s s; worker JVMs alive at the end: %s; failures: %s" % (
        e.get("total_s", "?"), e.get("live_child_processes_end", "?"), ", ".join(e.get("errors") or []) or "none"))
    if started:
        import time
        lines.append("- Run at: %s UTC" % time.strftime("%Y-%m-%d %H:%M", time.gmtime(started)))
    lines.append("")

    # ---- workers
    procs = sorted({r["processes"] for r in rows if r.get("scenario") == "SCALE-workers"})
    if procs:
        big = find(rows, "SCALE-workers", "map_default_chunks", "items_per_s")
        small = find(rows, "SCALE-workers", "map_chunksize_1", "items_per_s")
        nb = (big or {}).get("params", {}).get("n_items")
        ns = (small or {}).get("params", {}).get("n_items")
        warm_per = ((find(rows, "SCALE-workers", "map_chunksize_1_warm", "items_per_s") or {}).get("params") or {}).get(
            "tasks_per_worker_before")
        lines += ["### Throughput versus workers (%s CPUs)" % m.get("cpu_count", "?"), "",
                  "`ProcessPool` of 1-16 workers; `map(Work::square, Longs)`: %s items with the default "
                  "chunk size, and %s items with chunk size 1 (one message per item). Untimed warm-up, then %s "
                  "timed runs each (the spread of the 16-worker runs is the noise of 16 JVMs on the cores). Pool start: `build()` until every worker is ready, once per size. "
                  "*Warm workers*: the same pool and calls once the pool has run %s one-item tasks per worker "
                  "(on average) in all, so that every worker JVM has compiled its path with C2; the column before "
                  "is the cold rate a short-lived pool sees." % (
                      "{:,}".format(nb) if nb else "?", "{:,}".format(ns) if ns else "?",
                      len((big or {}).get("samples") or []),
                      "{:,}".format(warm_per) if warm_per else "?"), "",
                  "| workers | pool start | map, default chunks (items/s) | vs 1 worker | map, chunksize 1 (items/s) | vs 1 worker "
                  "| chunksize 1, warm workers (items/s) | vs 1 worker "
                  "| chunksize 1, workers with C1 only (items/s) | vs 1 worker |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        b1 = find(rows, "SCALE-workers", "map_default_chunks", "items_per_s", procs=procs[0])
        s1 = find(rows, "SCALE-workers", "map_chunksize_1", "items_per_s", procs=procs[0])
        c1 = find(rows, "SCALE-workers", "map_chunksize_1_c1_workers", "items_per_s", procs=procs[0])
        w1 = find(rows, "SCALE-workers", "map_chunksize_1_warm", "items_per_s", procs=procs[0])
        for p in procs:
            st = find(rows, "SCALE-workers", "pool_start", "seconds", procs=p)
            b = find(rows, "SCALE-workers", "map_default_chunks", "items_per_s", procs=p)
            s = find(rows, "SCALE-workers", "map_chunksize_1", "items_per_s", procs=p)
            c = find(rows, "SCALE-workers", "map_chunksize_1_c1_workers", "items_per_s", procs=p)
            w = find(rows, "SCALE-workers", "map_chunksize_1_warm", "items_per_s", procs=p)

            def rel_to(x, base):
                if not x or not base or not base.get("median"):
                    return "–"
                return "%.2f×" % (x["median"] / base["median"])
            lines.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                p, ("%.0f ms" % (st["median"] * 1000)) if st else "–", cell(b), rel_to(b, b1), cell(s), rel_to(s, s1),
                cell(w), rel_to(w, w1), cell(c), rel_to(c, c1)))
        lines.append("")

    # ---- items
    ns = sorted({(r.get("params") or {}).get("n_items") for r in rows if r.get("scenario") == "SCALE-items"} - {None})
    if ns:
        lines += ["### Throughput and caller heap versus items (2 workers)", "",
                  "`map(Work::square, list)` with the default chunk size (the input list is built before the "
                  "clock and held, and the result list is returned: the caller's heap grows with n, as "
                  "expected) and `imap(Work::square, lazy Iterable, 1000)` (the Longs are generated as the "
                  "pool reads them and every result is checked and dropped). Caller heap: sampled every "
                  "10 ms during the call on a daemon thread; *peak used* = `totalMemory - freeMemory` "
                  "(live data plus garbage not yet collected, so it depends on the collector's young "
                  "generation), *peak after GC* = the heap pools' usage after their latest collection "
                  "(live data as the collector last saw it); *before* = used heap after `System.gc()` "
                  "just before the call. MiB.", "",
                  "| items | map (items/s) | map heap before | map peak used | map peak after GC "
                  "| imap (items/s) | imap heap before | imap peak used | imap peak after GC |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for n in ns:
            def c(v, metric):
                return cell(find(rows, "SCALE-items", v, metric, n=n))
            lines.append("| 10^%d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                len(str(n)) - 1,
                c("map", "items_per_s"), c("map", "caller_heap_before_mib"),
                c("map", "caller_peak_used_heap_mib"), c("map", "caller_peak_heap_after_gc_mib"),
                c("imap", "items_per_s"), c("imap", "caller_heap_before_mib"),
                c("imap", "caller_peak_used_heap_mib"), c("imap", "caller_peak_heap_after_gc_mib")))
        lines.append("")
        if any(find(rows, "SCALE-items", "map", "caller_allocated_mib", n=n) for n in ns):
            lines += ["The caller's garbage in the same `map` calls: bytes allocated by all threads of the caller's "
                      "JVM during the call (`com.sun.management.ThreadMXBean`, the heap sampler excluded) and the "
                      "young collections with their pause time (`GarbageCollectorMXBean`). The results themselves "
                      "are a `Long` (24 bytes) and a reference (4) per item; the input snapshot another 4.", "",
                      "| items | map: allocated (MiB) | bytes per item | young collections | young pauses (ms) |",
                      "|---|---|---|---|---|"]
            for n in ns:
                a = find(rows, "SCALE-items", "map", "caller_allocated_mib", n=n)
                per = ("%.1f" % (a["median"] * (1 << 20) / n)) if a and a.get("median") is not None else "–"
                lines.append("| 10^%d | %s | %s | %s | %s |" % (
                    len(str(n)) - 1, cell(a), per,
                    cell(find(rows, "SCALE-items", "map", "caller_young_gcs", n=n)),
                    cell(find(rows, "SCALE-items", "map", "caller_young_gc_ms", n=n))))
            lines.append("")

    # ---- reading
    notes = []
    for variant, label in (("map_default_chunks", "default chunks"), ("map_chunksize_1", "chunk size 1"),
                           ("map_chunksize_1_warm", "chunk size 1 on warm workers"),
                           ("map_chunksize_1_c1_workers", "chunk size 1 on workers with C1 only")):
        pts = [(p, find(rows, "SCALE-workers", variant, "items_per_s", procs=p)) for p in procs]
        pts = [(p, r) for p, r in pts if r and r.get("median")]
        if len(pts) >= 2:
            best_p, best = max(pts, key=lambda t: t[1]["median"])
            last_p, last = pts[-1]
            frac = last["median"] / best["median"]
            word = ("collapses" if frac < 0.2 else "degrades" if frac < 0.8 else "holds")
            notes.append("Workers, %s: %d workers reach %.0f%% of the best median (%d workers); throughput %s "
                         "(collapse: below 20%%)." % (label, last_p, 100 * frac, best_p, word))
    for v in ("imap", "map"):
        lo = [find(rows, "SCALE-items", v, m, n=ns[0]) for m in ("caller_heap_before_mib", "caller_peak_heap_after_gc_mib", "caller_peak_used_heap_mib")] if ns else []
        hi = [find(rows, "SCALE-items", v, m, n=ns[-1]) for m in ("caller_heap_before_mib", "caller_peak_heap_after_gc_mib", "caller_peak_used_heap_mib")] if ns else []
        if len(ns) >= 2 and all(lo) and all(hi):
            used = [find(rows, "SCALE-items", v, "caller_peak_used_heap_mib", n=n) for n in ns]
            if v == "imap":
                notes.append("imap, caller heap from %s to %s items: growth during the call (peak after GC minus "
                             "before) %.1f → %.1f MiB; peak used with garbage, per size: %s MiB (bounded by the "
                             "collector's young generation, not by n)." % (
                                 "{:,}".format(ns[0]), "{:,}".format(ns[-1]),
                                 lo[1]["median"] - lo[0]["median"], hi[1]["median"] - hi[0]["median"],
                                 " / ".join(num(u["median"]) if u else "–" for u in used)))
            else:
                notes.append("map, caller heap from %s to %s items: peak after GC %s → %s MiB, peak used %s → %s "
                             "MiB (the input list and the result list, as expected)." % (
                                 "{:,}".format(ns[0]), "{:,}".format(ns[-1]), num(lo[1]["median"]),
                                 num(hi[1]["median"]), num(lo[2]["median"]), num(hi[2]["median"])))
    if notes:
        lines += ["Reading (computed from the figures above):", ""] + ["- " + x for x in notes] + [""]

    # ---- rss
    rss = [r for r in rows if r.get("scenario") == "SCALE-rss"]
    if rss:
        lines += ["### Idle worker memory (RSS)", "",
                  "`ProcessPool` of 2 workers, one trivial task (`apply(Work::square, 7L)`), 1 s idle, then "
                  "`VmRSS` of each worker from `/proc/<pid>/status` (`ProcessPool.workerPids()`). The "
                  "default options are procpool's (`-XX:+UseSerialGC`, and CDS as the JVM's default; nothing else); the "
                  "others add `ProcessPool.builder().jvmOptions(...)`, which come after the defaults and "
                  "so override them. Target: <= %d MiB." % RSS_TARGET_MIB, "",
                  "| worker JVM options | RSS per worker (MiB) | <= %d MiB |" % RSS_TARGET_MIB, "|---|---|---|"]
        for r in rss:
            opts = (r.get("params") or {}).get("jvm_options") or []
            ok = r.get("max") is not None and r["max"] <= RSS_TARGET_MIB
            lines.append("| %s | %s | %s |" % (
                "defaults" if not opts else "`" + " ".join(opts) + "`", cell(r), "yes" if ok else "no"))
        lines.append("")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", help="a run folder holding scale.jsonl")
    ap.add_argument("--latest", metavar="ROOT", help="use the newest scale run under ROOT")
    a = ap.parse_args()
    folder = a.folder or (latest_scale(a.latest) if a.latest else None)
    if not folder:
        ap.error("no scale run given or found")
    sys.stdout.write("\n".join(section(folder)) + "\n")


if __name__ == "__main__":
    main()
