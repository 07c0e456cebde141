#!/usr/bin/env python3
"""Live-preview latency: from a saved edit to the new page served over HTTP.

Generates a synthetic ESS site (../shared/bench/gen_corpus.py --flavor ess), starts
`ess-site serve` on a free loopback port, then, EDITS times, saves a change to an actor's
Markdown and polls the actor's page over HTTP until the new text is served. Half the edits
change the body (one page to redo), half the title (the lists and taxonomy pages that show it
too). Prints the median, 90th percentile and worst latency.

Usage: bench/serve_latency.py [--pages 10000] [--edits 40] [--dir DIR]
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--dir", default=None)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    work = tempfile.mkdtemp(prefix="ess-serve-bench-", dir=a.dir)
    site = os.path.join(work, "site")
    subprocess.run([sys.executable, GEN, "--flavor", "ess", "--pages", str(a.pages), "--out", site],
                   check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([os.path.join(REPO, "target", "release", "ess-site"), "serve", "--port", "0",
                               "--now", "2026-01-01"], cwd=site, stdout=subprocess.PIPE,
                              stderr=open(os.environ.get("SERVE_LOG", os.devnull), "w"), text=True)
    try:
        line = server.stdout.readline()
        base = re.search(r"http://\S+", line).group(0)
        print(line.strip())
        actors = sorted(f for f in os.listdir(os.path.join(site, "content", "acteurs")))
        rng = random.Random(1)
        body_lat, title_lat = [], []
        for i in range(a.edits):
            name = rng.choice(actors)
            path = os.path.join(site, "content", "acteurs", name)
            url = base + "acteurs/" + name[:-3] + "/"
            text = open(path, encoding="utf-8").read()
            marker = "Modification%04d" % i
            if i % 2 == 0:
                new = text + "\n%s du texte.\n" % marker
            else:
                new = re.sub(r'^title: "', 'title: "%s ' % marker, text, count=1, flags=re.M)
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            while marker not in fetch(url):
                if time.perf_counter() - t0 > 10:
                    sys.exit("edit %d never served" % i)
                time.sleep(0.002)
            ms = (time.perf_counter() - t0) * 1000
            (body_lat if i % 2 == 0 else title_lat).append(ms)
            time.sleep(0.15)
        for name, lat in (("body edits", body_lat), ("title edits", title_lat), ("all edits", body_lat + title_lat)):
            lat = sorted(lat)
            p90 = lat[int(len(lat) * 0.9) - 1]
            print("%-12s n=%-3d median %6.1f ms   p90 %6.1f ms   worst %6.1f ms" % (name, len(lat), statistics.median(lat), p90, lat[-1]))
    finally:
        server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
