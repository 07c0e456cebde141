#!/usr/bin/env python3
"""Live-preview latency: from a saved edit to the new page served over HTTP.

Generates a synthetic ESS site (../shared/bench/gen_corpus.py --flavor ess), starts
`ess-site serve` on a free loopback port, then, EDITS times, saves a change to an actor's
Markdown and polls the actor's page over HTTP until the new text is served. Half the edits
change the body (one page to redo), half the title (the lists and taxonomy pages that show it
too). Then it polls the search index over HTTP, as the search page's script reads it, until
the edit's new word is in it: `/pagefind/pagefind-entry.json`, the language's meta file, the
word-index chunk whose range holds the word. Prints the median, 90th percentile and worst
latency of both. First, the preview's start: its first line, an actor's page served, the whole
site built.

Usage: bench/serve_latency.py [--pages 10000] [--edits 40] [--dir DIR] [--site DIR] [--bin A[,B]]
"""
import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode("utf-8", "replace")


def fetch_bytes(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read()


def cbor(data, i=0):
    """Decodes the CBOR item at data[i] (the definite-length items Pagefind writes): (value, next)."""
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if info < 24:
        n = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        n = int.from_bytes(data[i:i + size], "big")
        i += size
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major in (2, 3):
        raw = data[i:i + n]
        return (raw.decode("utf-8") if major == 3 else raw), i + n
    if major == 4:
        items = []
        for _ in range(n):
            item, i = cbor(data, i)
            items.append(item)
        return items, i
    if major == 5:
        items = {}
        for _ in range(n):
            key, i = cbor(data, i)
            items[key], i = cbor(data, i)
        return items, i
    return None, i


def pagefind_file(url):
    """A Pagefind index file, gunzipped, without its `pagefind_dcd` marker."""
    data = gzip.decompress(fetch_bytes(url))
    return data[len(b"pagefind_dcd"):]


def findable(base, word):
    """Whether the site's search index has `word` (lowercase, as Pagefind keeps it)."""
    try:
        entry = json.loads(fetch(base + "pagefind/pagefind-entry.json"))
        language = entry["languages"]["fr"]["hash"]
        meta, _ = cbor(pagefind_file(base + "pagefind/pagefind.%s.pf_meta" % language))
        for chunk_from, chunk_to, chunk_hash in meta[2]:
            if chunk_from <= word <= chunk_to or word.startswith(chunk_to):
                words, _ = cbor(pagefind_file(base + "pagefind/index/%s.pf_index" % chunk_hash))
                if any(w[0] == word for w in words[0]):
                    return True
    except (OSError, ValueError, KeyError, IndexError):
        pass
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--site", default=None,
                    help="a site generated before (gen_corpus.py), served as it is instead of a new one: "
                         "the edits change it (--edits 0 measures the start alone)")
    ap.add_argument("--no-search", action="store_true", help="with `search = false` (no index to wait for)")
    ap.add_argument("--bin", default=None,
                    help="the ess-site binary (default: this tree's, built in release); several, separated by "
                         "commas, each serve the same generated site in turn (a comparison in one run)")
    a = ap.parse_args()
    binaries = a.bin.split(",") if a.bin else [os.path.join(REPO, "target", "release", "ess-site")]
    if not a.bin:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    work = tempfile.mkdtemp(prefix="ess-serve-bench-", dir=a.dir)
    site = a.site or os.path.join(work, "site")
    if not a.site:
        subprocess.run([sys.executable, GEN, "--flavor", "ess", "--pages", str(a.pages), "--out", site],
                       check=True, stdout=subprocess.DEVNULL)
    if a.no_search and not a.site:
        with open(os.path.join(site, "site.toml"), encoding="utf-8") as f:
            toml = f.read()
        with open(os.path.join(site, "site.toml"), "w", encoding="utf-8") as f:
            f.write("search = false\n" + toml)
    try:
        for n, binary in enumerate(binaries):
            run(binary, site, a, n)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(binary, site, a, n):
    """Serves `site` with `binary`, makes the edits, prints the latencies."""
    started = time.perf_counter()
    server = subprocess.Popen([binary, "serve", "--port", "0",
                               "--now", "2026-01-01"], cwd=site, stdout=subprocess.PIPE,
                              stderr=open(os.environ.get("SERVE_LOG", os.devnull), "w"), text=True)
    try:
        line = server.stdout.readline()
        answered = time.perf_counter()
        base = re.search(r"http://\S+", line).group(0)
        print("%s: %s" % (binary, line.strip()))
        # The start: the first line, an actor's page served, the whole site built (a preview
        # that answers before its first build ends says so on its first line, and prints
        # « Site construit » at its end).
        actors = sorted(f for f in os.listdir(os.path.join(site, "content", "acteurs")))
        fetch(base + "acteurs/" + actors[len(actors) // 2][:-3] + "/")
        first_page = time.perf_counter()
        whole = [answered if "à la demande" not in line else None]

        def rest():
            for later in server.stdout:
                if later.startswith("Site construit") and whole[0] is None:
                    whole[0] = time.perf_counter()
        threading.Thread(target=rest, daemon=True).start()
        while whole[0] is None and time.perf_counter() - started < 1200:
            time.sleep(0.05)
        print("start: first line %.1f s, an actor's page %.1f s, the whole site %.1f s"
              % (answered - started, first_page - started, (whole[0] or float("nan")) - started))
        # The first index is made after the first pages are served: the edits start once it is.
        t0 = time.perf_counter()
        while not a.no_search and time.perf_counter() - t0 < 600:
            try:
                fetch(base + "pagefind/pagefind-entry.json")
                break
            except OSError:
                time.sleep(0.1)
        rng = random.Random(1)
        body_lat, title_lat, search_lat = [], [], []
        for i in range(a.edits):
            name = rng.choice(actors)
            path = os.path.join(site, "content", "acteurs", name)
            url = base + "acteurs/" + name[:-3] + "/"
            text = open(path, encoding="utf-8").read()
            # Each binary's edits have words of their own (the site is served again, edited).
            marker = "Modification%d%04d" % (n, i)
            # A word of its own, that Pagefind's French stemmer keeps as it is.
            word = "zqxw%d%04d" % (n, i)
            if i % 2 == 0:
                # At the top of the text, so that every word of the record moves in the index.
                head, sep, rest = text.partition("\n---\n")
                new = head + sep + "%s du texte, %s.\n\n" % (marker, word) + rest
            else:
                new = re.sub(r'^title: "', 'title: "%s ' % marker, text, count=1, flags=re.M)
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            while marker not in fetch(url):
                if time.perf_counter() - t0 > 60:
                    sys.exit("edit %d never served" % i)
                time.sleep(0.002)
            ms = (time.perf_counter() - t0) * 1000
            (body_lat if i % 2 == 0 else title_lat).append(ms)
            if i % 2 == 0 and not a.no_search:
                while not findable(base, word):
                    if time.perf_counter() - t0 > 120:
                        sys.exit("edit %d never findable" % i)
                    time.sleep(0.01)
                search_lat.append((time.perf_counter() - t0) * 1000)
            # The index of the edit before is made before the next edit.
            time.sleep(1.0)
        for name, lat in (("body edits", body_lat), ("title edits", title_lat), ("all edits", body_lat + title_lat),
                          ("findable", search_lat)):
            lat = sorted(lat)
            if not lat:
                continue
            p90 = lat[int(len(lat) * 0.9) - 1]
            print("%-12s n=%-3d median %6.1f ms   p90 %6.1f ms   worst %6.1f ms" % (name, len(lat), statistics.median(lat), p90, lat[-1]))
    finally:
        server.kill()


if __name__ == "__main__":
    main()
