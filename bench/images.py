#!/usr/bin/env python3
"""Image benchmark: ess-site against Hugo resizing the same photos to the same widths.

A 500-record ESS site (../shared/bench/gen_corpus.py, flavor `ess`) whose first PHOTOS actors
carry a photo-like 4000 x 3000 JPEG as their picture (`image:`), written by
`cargo run --release --example photos`. It measures, each RUNS times (medians):

- ess-site, first build (empty image cache, no output folder yet), second build (cache kept), the builds after it
  (`rebuild`: the output they start from already holds the cache's files, see README « The
  output folder has one owner »), and the same site with no image at all, built as often;
- Hugo (Debian's `hugo`), the same photos as page resources of `assets/`, each `.Resize`d to
  the same widths in WebP and in JPEG: first build (empty `resources/_gen`), second build.

Usage: bench/images.py [--photos 200] [--runs 3] [--rebuilds 5] [--no-hugo] [--dir DIR]

Each measurement is printed as it is made, then the medians.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")
WIDTHS = [160, 320, 480, 800, 1200, 1600]
NOW = "2026-01-01"


def timed(cmd, cwd=None):
    """Wall time (measured here to the microsecond: /usr/bin/time's %e counts hundredths, too
    coarse for builds of 0.2 s), CPU time and peak memory (from /usr/bin/time)."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", "/dev/stdout"] + cmd,
                       cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-2000:]))
    user, sys_, rss = p.stdout.strip().splitlines()[-1].split()
    return wall, float(user) + float(sys_), int(rss) / 1024


def ess_site(base, photos, n):
    site = os.path.join(base, "ess")
    if os.path.exists(site):
        shutil.rmtree(site)
    subprocess.run([sys.executable, GEN, "--flavor", "ess", "--pages", "500", "--seed", "42",
                    "--out", site], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(site, "site.toml"), "a") as f:
        f.write("\n")
    os.makedirs(os.path.join(site, "static", "images"))
    actors = sorted(os.listdir(os.path.join(site, "content", "acteurs")))[:n]
    for i, name in enumerate(actors):
        photo = "photo-%03d.jpg" % i
        shutil.copy(os.path.join(photos, photo), os.path.join(site, "static", "images", photo))
        path = os.path.join(site, "content", "acteurs", name)
        text = open(path).read()
        text = text.replace("---\n", "---\nimage: {src: /images/%s, alt: \"Photo %d\"}\n" % (photo, i), 1)
        open(path, "w").write(text)
    bare = os.path.join(base, "ess-bare")
    if os.path.exists(bare):
        shutil.rmtree(bare)
    shutil.copytree(site, bare)
    shutil.rmtree(os.path.join(bare, "static", "images"))
    for name in actors:
        path = os.path.join(bare, "content", "acteurs", name)
        text = re.sub(r"^image: .*\n", "", open(path).read(), count=1, flags=re.M)
        open(path, "w").write(text)
    return site, bare


def hugo_site(base, photos, n):
    site = os.path.join(base, "hugo")
    if os.path.exists(site):
        shutil.rmtree(site)
    os.makedirs(os.path.join(site, "assets", "images"))
    os.makedirs(os.path.join(site, "layouts", "_default"))
    os.makedirs(os.path.join(site, "content", "acteurs"))
    open(os.path.join(site, "hugo.toml"), "w").write(
        'baseURL = "https://ess.example/"\ntitle = "Bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
        '[imaging]\nquality = 82\nresampleFilter = "lanczos"\n')
    resize = "".join(
        '{{ with $img.Resize "%dx webp" }}<source srcset="{{ .RelPermalink }} %dw">{{ end }}'
        '{{ with $img.Resize "%dx jpg" }}<img src="{{ .RelPermalink }}" width="{{ .Width }}">{{ end }}'
        % (w, w, w) for w in WIDTHS)
    open(os.path.join(site, "layouts", "_default", "single.html"), "w").write(
        "<!DOCTYPE html><title>{{ .Title }}</title><h1>{{ .Title }}</h1>"
        "{{ with .Params.image }}{{ $img := resources.Get . }}<picture>" + resize + "</picture>{{ end }}"
        "{{ .Content }}")
    open(os.path.join(site, "layouts", "_default", "list.html"), "w").write(
        "<!DOCTYPE html><title>{{ .Title }}</title>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}")
    for i in range(500):
        image = 'image: "images/photo-%03d.jpg"\n' % i if i < n else ""
        if i < n:
            shutil.copy(os.path.join(photos, "photo-%03d.jpg" % i),
                        os.path.join(site, "assets", "images", "photo-%03d.jpg" % i))
        open(os.path.join(site, "content", "acteurs", "a%03d.md" % i), "w").write(
            '---\ntitle: "Acteur %d"\n%s---\n\nUne structure de l\'ESS du territoire.\n' % (i, image))
    return site


def median(runs):
    return tuple(statistics.median(r[k] for r in runs) for k in range(3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rebuilds", type=int, default=5, help="rebuilds per run, each beside a build without images")
    ap.add_argument("--no-hugo", action="store_true", help="ess-site only")
    ap.add_argument("--dir", default="/dev/shm/ess-images" if os.path.isdir("/dev/shm") else None)
    a = ap.parse_args()
    base = a.dir or os.path.join(REPO, "target", "bench-images")
    os.makedirs(base, exist_ok=True)
    photos = os.path.join(base, "photos-4000x3000")
    have = len(os.listdir(photos)) if os.path.isdir(photos) else 0
    if have < a.photos:
        subprocess.run(["cargo", "run", "--release", "--example", "photos", "--", photos,
                        str(a.photos), "4000", "3000"], cwd=REPO, check=True)
    subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    exe = os.path.join(REPO, "target", "release", "ess-site")
    ess, bare = ess_site(base, photos, a.photos)
    hugo = None if a.no_hugo else hugo_site(base, photos, a.photos)
    rows = {}
    keys = ["ess first", "ess second", "ess rebuild", "ess without images"]
    if hugo:
        keys += ["hugo first", "hugo second"]
    for key in keys:
        rows[key] = []

    def run(key, cmd):
        rows[key].append(timed(cmd))
        print("  %-20s %.3f s wall, %.2f s cpu, %.0f MiB" % ((key,) + rows[key][-1]), flush=True)

    for _ in range(a.runs):
        # A first build: no image cache, no output, nothing kept beside it.
        shutil.rmtree(os.path.join(ess, ".ess-site-cache"), ignore_errors=True)
        out = os.path.join(base, "out")
        for name in os.listdir(base):
            if name == "out" or name.startswith(".out.tmp-"):
                shutil.rmtree(os.path.join(base, name))
        build = [exe, "-s", ess, "build", "--quiet", "--now", NOW, "--output", out]
        run("ess first", build)
        run("ess second", build)
        bare_build = [exe, "-s", bare, "build", "--quiet", "--now", NOW, "--output", os.path.join(base, "out-bare")]
        # Rebuilds alternate with the site without images, so that both see the same machine.
        for _ in range(a.rebuilds):
            run("ess rebuild", build)
            run("ess without images", bare_build)
        if hugo:
            shutil.rmtree(os.path.join(hugo, "resources"), ignore_errors=True)
            hout = os.path.join(base, "hugo-out")
            hbuild = ["hugo", "--quiet", "-s", hugo, "-d", hout, "--cleanDestinationDir"]
            run("hugo first", hbuild)
            run("hugo second", hbuild)
    print("%d photos of 4000 x 3000 in a 500-record site, %d widths x (WebP + JPEG), medians of %d runs"
          % (a.photos, len(WIDTHS), a.runs))
    print("%-22s %9s %9s %10s" % ("", "wall s", "cpu s", "peak MiB"))
    m = {k: median(v) for k, v in rows.items()}
    for k, (w, c, r) in m.items():
        print("%-22s %9.3f %9.2f %10.0f" % (k, w, c, r))
    if hugo:
        print("first build, ess-site / Hugo: %.2f" % (m["ess first"][0] / m["hugo first"][0]))
    print("second build / build without images: %.3f" % (m["ess second"][0] / m["ess without images"][0]))
    print("rebuild / build without images: %.3f" % (m["ess rebuild"][0] / m["ess without images"][0]))


if __name__ == "__main__":
    main()
