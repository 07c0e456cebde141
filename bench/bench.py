#!/usr/bin/env python3
"""Build-time benchmark of ess-site, against Hugo on the same synthetic ESS site.

For each size it generates the site (../shared/bench/gen_corpus.py, flavors `ess` and `hugo`;
gen_actors.py for the actors-only directory), builds it RUNS times with each tool, and prints
the median wall time, CPU time (user + system), peak memory and pages per second, and the ratio
to Hugo. Hugo is Debian's `hugo` (installed with apt-get when missing and running as root).

Usage: bench/bench.py [--sizes 1000,10000,100000] [--actors 200000] [--runs 3] [--hugo-max 10000]
       [--search-max 10000] [--dir DIR]

ess-site is built with `search = false` (pages only, what Hugo builds) and, up to --search-max
records, also as configured by default, with the Pagefind search index. Its peer for that is
Hugo followed by Pagefind's own CLI (npm `pagefind`, pinned, installed in target/bench-tools),
since Hugo builds no index: the "hugo + pagefind" row, and the ratio to it.   (default: a folder in /dev/shm when it exists, so both tools write to
                      memory and the disk's noise stays out of the figures; --dir on disk for
                      the other case)
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")
NOW = "2026-01-01"


def timed(cmd, cwd=None):
    """Runs cmd under /usr/bin/time; returns (wall s, cpu s, peak MiB)."""
    fmt = "%e %U %S %M"
    p = subprocess.run(["/usr/bin/time", "-f", fmt, "-o", "/dev/stdout"] + cmd, cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-2000:]))
    wall, user, sys_, kb = p.stdout.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(sys_), int(kb) / 1024


def count_html(folder):
    n = 0
    for _, _, files in os.walk(folder):
        n += sum(1 for f in files if f.endswith(".html"))
    return n


def median_runs(runs, cmd, out, cwd=None):
    """Runs cmd RUNS times, each into a fresh output folder (removing the last one is not timed)."""
    results = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        results.append(timed(cmd, cwd))
    pages = count_html(out)
    wall = statistics.median(r[0] for r in results)
    cpu = statistics.median(r[1] for r in results)
    mem = max(r[2] for r in results)
    return {"wall": wall, "cpu": cpu, "mem": mem, "pages": pages, "pps": pages / wall if wall else 0}


def ensure_hugo():
    if shutil.which("hugo"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], stdout=subprocess.DEVNULL)
    return shutil.which("hugo") is not None


PAGEFIND = "pagefind@1.6.0"


def ensure_pagefind():
    """Pagefind's CLI from the npm registry, pinned, in target/bench-tools; its path or None."""
    tools = os.path.join(REPO, "target", "bench-tools")
    exe = os.path.join(tools, "node_modules", ".bin", "pagefind")
    if not os.path.exists(exe) and shutil.which("npm"):
        os.makedirs(tools, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-save", "-E", "--prefix", tools, PAGEFIND],
                       stdout=subprocess.DEVNULL)
    return exe if os.path.exists(exe) else None


def hugo_then_pagefind(runs, hsite, hout, pagefind):
    """Hugo, then Pagefind's CLI on its output, RUNS times: the sums' medians."""
    results = []
    for _ in range(runs):
        shutil.rmtree(hout, ignore_errors=True)
        h = timed(["hugo", "--quiet", "-d", hout], hsite)
        p = timed([pagefind, "--site", hout, "--quiet"], hsite)
        results.append((h[0] + p[0], h[1] + p[1], max(h[2], p[2])))
    pages = count_html(hout)
    wall = statistics.median(r[0] for r in results)
    return {"wall": wall, "cpu": statistics.median(r[1] for r in results),
            "mem": max(r[2] for r in results), "pages": pages, "pps": pages / wall if wall else 0}


def search_off(site, off):
    """Sets `search = false` at the top of the site's site.toml (or removes it)."""
    path = os.path.join(site, "site.toml")
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines(True) if l.strip() != "search = false"]
    with open(path, "w", encoding="utf-8") as f:
        f.write(("search = false\n" if off else "") + "".join(lines))


def row(name, r, hugo=None):
    line = "%-22s %8.2f s %8.2f s %8.0f MiB %8d %10.0f" % (name, r["wall"], r["cpu"], r["mem"], r["pages"], r["pps"])
    if hugo:
        line += "   %.2fx %s's wall time (%.2f s, %.0f MiB)" % (r["wall"] / hugo["wall"], hugo.get("name", "Hugo"), hugo["wall"], hugo["mem"])
    print(line, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--actors", type=int, default=200000, help="0 to skip the directory-only run")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--hugo-max", type=int, default=10000, help="largest size also built with Hugo")
    ap.add_argument("--search-max", type=int, default=10000,
                    help="largest size also built with the search index")
    ap.add_argument("--dir", default=None)
    a = ap.parse_args()

    base = a.dir or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    work = tempfile.mkdtemp(prefix="ess-bench-", dir=base)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    ess = os.path.join(REPO, "target", "release", "ess-site")
    have_hugo = ensure_hugo()
    pagefind = ensure_pagefind()
    print("work folder: %s   runs: %d   (median wall, median CPU, max peak memory)" % (work, a.runs))
    print("%-22s %10s %10s %12s %8s %10s" % ("site", "wall", "cpu", "peak", "pages", "pages/s"))
    try:
        for n in [int(x) for x in a.sizes.split(",") if x]:
            site = os.path.join(work, "ess-%d" % n)
            subprocess.run([sys.executable, GEN, "--flavor", "ess", "--pages", str(n), "--out", site],
                           check=True, stdout=subprocess.DEVNULL)
            out = os.path.join(site, "public")
            search_off(site, True)
            r = median_runs(a.runs, [ess, "-s", site, "build", "-q", "--now", NOW], out)
            searched = None
            if n <= a.search_max:
                search_off(site, False)
                searched = median_runs(a.runs, [ess, "-s", site, "build", "-q", "--now", NOW], out)
            hugo = peer = None
            if have_hugo and n <= a.hugo_max:
                hsite = os.path.join(work, "hugo-%d" % n)
                subprocess.run([sys.executable, GEN, "--flavor", "hugo", "--pages", str(n), "--out", hsite],
                               check=True, stdout=subprocess.DEVNULL)
                hout = os.path.join(hsite, "public")
                hugo = median_runs(a.runs, ["hugo", "--quiet", "-d", hout], hout, cwd=hsite)
                row("hugo %d records" % n, hugo)
                if pagefind and n <= a.search_max:
                    peer = hugo_then_pagefind(a.runs, hsite, hout, pagefind)
                    peer["name"] = "Hugo + Pagefind"
                    row("hugo + pagefind", peer)
                shutil.rmtree(hsite)
            row("ess-site %d records" % n, r, hugo)
            if searched:
                row("  with search index", searched, peer or hugo)
            shutil.rmtree(site)
        if a.actors:
            site = os.path.join(work, "actors-%d" % a.actors)
            subprocess.run([sys.executable, os.path.join(HERE, "gen_actors.py"), "--actors", str(a.actors),
                            "--out", site], check=True)
            search_off(site, True)
            out = os.path.join(site, "public")
            r = median_runs(a.runs, [ess, "-s", site, "build", "-q", "--now", NOW], out)
            sizes = [os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs if f.endswith(".html")]
            row("ess-site %d actors" % a.actors, r)
            if a.actors <= a.search_max:
                search_off(site, False)
                row("  with search index", median_runs(a.runs, [ess, "-s", site, "build", "-q", "--now", NOW], out))
            print("  largest page: %d KiB (lists and taxonomy pages paginate)" % (max(sizes) // 1024))
            shutil.rmtree(site)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
