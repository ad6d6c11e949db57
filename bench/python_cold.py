#!/usr/bin/env python3
"""The cold column, Python side: each throughput scenario on a fresh multiprocessing.Pool
(create, one call, close, join), timed from the creation to the end of join(), as most programs
use a pool. The rows match procpool-bench's --cold mode (io.procpool.bench.Cold). Prints JSON
lines: {"scenario": "COLD", "variant": ..., "impl": "Pool", "start_method": ..., "metric":
"items_per_s", "median", "min", "max", "samples", "total_ms"}. One untimed repetition first.
Standard library only.

    python3 bench/python_cold.py [--start-method fork|spawn] [--repeats 3] [--processes 2] [--quick]
"""
import argparse
import json
import multiprocessing as mp
import statistics
import sys
import time


def square(x):
    return x * x


def _map(p, n):
    out = p.map(square, range(n))
    assert len(out) == n and out[-1] == (n - 1) ** 2


def _map1(p, n):
    out = p.map(square, range(n), 1)
    assert len(out) == n and out[-1] == (n - 1) ** 2


def _imap(cs):
    def run(p, n):
        i = 0
        for v in p.imap(square, range(n), cs):
            assert v == i * i
            i += 1
        assert i == n
    return run


def _apply_async(p, n):
    rs = [p.apply_async(square, (i,)) for i in range(n)]
    for i, r in enumerate(rs):
        assert r.get() == i * i


ROWS = [
    ("S2_map_default_chunksize", 1_000_000, _map),
    ("S2_map_chunksize_1", 100_000, _map1),
    ("S3_imap_chunksize_1", 100_000, _imap(1)),
    ("S3_imap_chunksize_100", 100_000, _imap(100)),
    ("S5_apply_async", 100_000, _apply_async),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--start-method", default="fork", choices=mp.get_all_start_methods())
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    ctx = mp.get_context(a.start_method)
    scale = 100 if a.quick else 1
    print(json.dumps({"scenario": "meta", "impl": "python", "mode": "cold",
                      "python_version": sys.version.split()[0], "start_method": a.start_method}), flush=True)
    for variant, n, fn in ROWS:
        n //= scale
        rates, ms = [], []
        for r in range(-1, a.repeats):
            t0 = time.perf_counter()
            p = ctx.Pool(a.processes)
            try:
                fn(p, n)
            finally:
                p.close()
                p.join()
            dt = time.perf_counter() - t0
            if r >= 0:
                rates.append(n / dt)
                ms.append(dt * 1e3)
        rec = {"scenario": "COLD", "variant": variant, "impl": "Pool", "start_method": a.start_method,
               "processes": a.processes, "n_items": n, "metric": "items_per_s",
               "median": round(statistics.median(rates), 1), "min": round(min(rates), 1),
               "max": round(max(rates), 1), "samples": [round(x, 1) for x in rates],
               "total_ms": {"median": round(statistics.median(ms), 1), "min": round(min(ms), 1),
                            "max": round(max(ms), 1)},
               "repeats": a.repeats}
        print(json.dumps(rec), flush=True)
        print("[cold] %s %s: %.0f items/s (%.0f ms)" % (a.start_method, variant, rec["median"],
              rec["total_ms"]["median"]), file=sys.stderr)
    print(json.dumps({"scenario": "meta_end"}), flush=True)


if __name__ == "__main__":
    main()
