#!/usr/bin/env python3
"""Export benchmark: builds the synthetic city with bench_city (keeping its database), then
runs `pantau export` over the whole city in each format and prints, per format, the wall time,
the peak memory of the pantau process (its own rusage, from wait4) and the output size.
A measurement, not a test: it never fails on a figure.

usage: export_city.py BUILD_DIR [--visits N] [--items N] [--institutions N]
                      [--formats csv,csv-long,json,html,xlsx,pdf] [--dir DIR]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def run_measured(argv):
    """Runs argv, returns (exit status, wall seconds, peak RSS in MiB) of that process alone."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(err)
    return proc.returncode, wall, usage.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("--visits", default="20000")
    ap.add_argument("--items", default="200")
    ap.add_argument("--institutions", default="300")
    ap.add_argument("--formats", default="csv,csv-long,json,html,xlsx,pdf")
    ap.add_argument("--dir")
    a = ap.parse_args()

    bench = os.path.join(a.build_dir, "tests", "bench", "bench_city")
    pantau = os.path.join(a.build_dir, "core", "pantau")
    work = a.dir or tempfile.mkdtemp(prefix="pantau-export-bench-")
    subprocess.run([bench, "--institutions", a.institutions, "--visits", a.visits,
                    "--items", a.items, "--dir", work], check=True)
    db = os.path.join(work, "pantau.db")
    print("\nexport of the whole city (%s visits x %s items), one pantau process each:"
          % (a.visits, a.items))
    print("%-9s %10s %12s %12s" % ("format", "seconds", "peak MiB", "output MiB"))
    for fmt in a.formats.split(","):
        name, opts = fmt, []
        if fmt == "csv-long":
            name, opts = "csv", ["--opt", "form=long"]
        out = os.path.join(work, "city." + fmt + "." + name)
        rc, wall, peak = run_measured([pantau, "--db", db, "export", "--format", name, "--all",
                                       *opts, "-o", out])
        size = os.path.getsize(out) / 2**20 if rc == 0 and os.path.exists(out) else 0
        print("%-9s %10.2f %12.1f %12.1f%s" % (fmt, wall, peak, size,
                                                "" if rc == 0 else "  FAILED (exit %d)" % rc))
        if os.path.exists(out):
            os.remove(out)


if __name__ == "__main__":
    main()
