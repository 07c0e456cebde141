#!/usr/bin/env python3
"""Scale benchmark of ess-site: the build's time and peak memory from a town to a national
directory, each size compared with the I/O floor measured on the same site in the same run.

Sizes: generated ESS sites of N records (../shared/bench/gen_corpus.py, flavor `ess`) and
directories of N actors (gen_actors.py). For each site, in this order:
  - the floor: reading every source file (`cat` of content/ and site.toml to /dev/null) plus
    copying the built output tree (`cp -r`), the least any generator writing those files does;
  - `ess-site build` with search off (`search = false`), RUNS times;
  - `ess-site build` as configured by default (with the search index), RUNS times.
It prints the median wall time, the largest peak memory (resident, /usr/bin/time), the output's
files and size, the ratio to the floor, and the peak per thousand records (a flat memory curve
keeps that figure falling as sizes grow).

Usage: bench/scale.py [--records 10000,100000] [--actors 200000] [--million] [--runs 3]
                      (--actors 0 or --records 0: none of that kind)
                      [--dir DIR] [--binary target/release/ess-site]
  --million   adds a directory of 1,000,000 actors (about 4 GB of sources and 25 GB of output:
              give --dir a disk with room; one run of each build)
  --dir       where the sites are generated (default /dev/shm, RAM: the disk's noise stays out
              of the figures; a million needs a disk)
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench import GEN, NOW, search_off, timed  # noqa: E402


def floor(site, out):
    """Seconds to read the sources and to copy the output tree `out` (a copy made and removed)."""
    start = time.perf_counter()
    subprocess.run("find content site.toml -type f -print0 | xargs -0 cat > /dev/null",
                   shell=True, cwd=site, check=True)
    read = time.perf_counter() - start
    copy = out.rstrip("/") + ".copie"
    shutil.rmtree(copy, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(["cp", "-r", out, copy], check=True)
    written = time.perf_counter() - start
    shutil.rmtree(copy)
    return read, written


def tree(out):
    files = size = 0
    for d, _, fs in os.walk(out):
        files += len(fs)
        size += sum(os.path.getsize(os.path.join(d, f)) for f in fs)
    return files, size


def builds(ess, site, runs):
    """RUNS builds into a fresh output: (median wall s, max peak MiB)."""
    out = os.path.join(site, "public")
    results = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        wall, _cpu, mem = timed([ess, "-s", site, "build", "-q", "--now", NOW])
        results.append((wall, mem))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def measure(name, ess, site, records, runs):
    out = os.path.join(site, "public")
    search_off(site, True)
    off = builds(ess, site, runs)
    files_off, _ = tree(out)
    search_off(site, False)
    on = builds(ess, site, runs)
    files, size = tree(out)
    # The floor of the default build's output (the larger one), measured twice, the least kept.
    reads, writes = zip(*(floor(site, out) for _ in range(2)))
    f = min(reads) + min(writes)
    print("%-20s floor %7.2f s (read %.2f + copy %.2f; %d files, %.0f MiB)"
          % (name, f, min(reads), min(writes), files, size / 2**20), flush=True)
    for label, (wall, mem), n in (("  search off", off, files_off), ("  default", on, files)):
        print("%-20s %8.2f s %6.2fx floor %8.0f MiB peak %7.1f MiB / 1,000 records %8d files"
              % (label, wall, wall / f, mem, mem / records * 1000, n), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", default="10000,100000")
    ap.add_argument("--actors", default="200000")
    ap.add_argument("--million", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--binary", default=None)
    a = ap.parse_args()

    base = a.dir or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    work = tempfile.mkdtemp(prefix="ess-scale-", dir=base)
    ess = a.binary
    if not ess:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        ess = os.path.join(REPO, "target", "release", "ess-site")
    print("work folder: %s   runs: %d   (median wall, largest peak)" % (work, a.runs), flush=True)
    # A size of 0 (or none: --actors "") leaves that kind of site out.
    sites = [("records", int(n)) for n in a.records.split(",") if n and int(n) > 0]
    sites += [("actors", int(n)) for n in a.actors.split(",") if n and int(n) > 0]
    if a.million:
        sites.append(("actors", 1000000))
    try:
        for kind, n in sites:
            site = os.path.join(work, "%s-%d" % (kind, n))
            if kind == "records":
                cmd = [sys.executable, GEN, "--flavor", "ess", "--pages", str(n), "--out", site]
            else:
                cmd = [sys.executable, os.path.join(HERE, "gen_actors.py"), "--actors", str(n), "--out", site]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            runs = 1 if n >= 1000000 else a.runs
            measure("%d %s" % (n, "records" if kind == "records" else "actors"), ess, site, n, runs)
            shutil.rmtree(site)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
