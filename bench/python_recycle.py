#!/usr/bin/env python3
"""Replacing workers, Python side: the rows of procpool-bench's --recycle mode
(io.procpool.bench.Recycle) on multiprocessing.Pool, which has no spare workers. Every repetition
on a fresh pool, built and warmed before the clock starts. Prints JSON lines: {"scenario":
"RECYCLE", "variant": ..., "impl": "Pool", "start_method": ..., "metric": "ms", "median", "min",
"max", "samples"}. Standard library only.

  map_maxtasksperchild_1: Pool(2, maxtasksperchild=1).map(square, range(40), 1)
  crash_then_next_task:   Pool(1): apply_async of a task that calls os._exit, then apply(square, 7);
                          the time until that result (the pool's replacement worker runs it; the
                          crashed task's result never comes, so the pool is terminated, not joined)

    python3 bench/python_recycle.py [--start-method fork|spawn] [--repeats 5] [--quick]
"""
import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import time


def square(x):
    return x * x


def exit_now(code):
    os._exit(code)


def settle(p, n):
    """Waits (bounded) until the pool has replaced its retired workers: n live worker processes."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if sum(1 for w in p._pool if w.exitcode is None) == n:
            return
        time.sleep(0.005)


def map_mtpc1(ctx, items):
    p = ctx.Pool(2, maxtasksperchild=1)
    try:
        p.map(square, range(2), 1)
        time.sleep(0.2)  # the pool's maintenance thread replaces retired workers every 0.1 s
        settle(p, 2)
        t0 = time.perf_counter()
        out = p.map(square, range(items), 1)
        ms = (time.perf_counter() - t0) * 1e3
        assert len(out) == items and out[-1] == (items - 1) ** 2
        return ms
    finally:
        p.close()
        p.join()


def crash_next(ctx, _items):
    p = ctx.Pool(1)
    try:
        p.apply(square, (1,))
        t0 = time.perf_counter()
        p.apply_async(exit_now, (1,))
        v = p.apply(square, (7,))
        ms = (time.perf_counter() - t0) * 1e3
        assert v == 49
        return ms
    finally:
        p.terminate()
        p.join()


ROWS = [("map_maxtasksperchild_1", map_mtpc1), ("crash_then_next_task", crash_next)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--start-method", default="fork", choices=mp.get_all_start_methods())
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    ctx = mp.get_context(a.start_method)
    items = 6 if a.quick else 40
    print(json.dumps({"scenario": "meta", "impl": "python", "mode": "recycle",
                      "python_version": sys.version.split()[0], "start_method": a.start_method}), flush=True)
    for variant, fn in ROWS:
        ms = [fn(ctx, items) for _ in range(a.repeats)]
        rec = {"scenario": "RECYCLE", "variant": variant, "impl": "Pool", "start_method": a.start_method,
               "metric": "ms", "median": round(statistics.median(ms), 1), "min": round(min(ms), 1),
               "max": round(max(ms), 1), "samples": [round(x, 1) for x in ms], "repeats": a.repeats}
        print(json.dumps(rec), flush=True)
        print("[recycle] %s %s: %.1f ms" % (a.start_method, variant, rec["median"]), file=sys.stderr)
    print(json.dumps({"scenario": "meta_end"}), flush=True)


if __name__ == "__main__":
    main()
