#!/usr/bin/env python3
"""Growth benchmark: ess-site's cost on hostile or extreme records, at sizes x1, x2, x4, x8.

Each case is one record of a small site whose size grows (thousands of unknown keys, deeply
nested HTML, nested Markdown quotes and lists, long lines of emphasis, many links…), every size
under the default 4 MiB file limit. For each size the script runs `ess-site check` and
`ess-site build` RUNS times and prints the median wall time and the ratio to the previous
size: a linear stage gives ratios near 2 (x2 input), a quadratic one near 4.

Usage: bench/growth.py [--binary target/release/ess-site] [--runs 3] [--base N]
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

SITE_TOML = """title = "Croissance"
base_url = "https://croissance.example.org"
search = false
[commune]
name = "Testville"
"""


def record(front, body=""):
    return "---\n" + front + "---\n" + body


# name -> (folder, function of n giving the record's text, base n)
CASES = {
    "clés inconnues": (
        "acteurs",
        lambda n: record('title: "X"\n' + "".join(f"cle{i}: {i}\n" for i in range(n))),
        4000,
    ),
    "HTML imbriqué (refusé au-delà de 512)": (
        "pages",
        lambda n: record('title: "X"\n', "<div>" * n + "x" + "</div>" * n + "\n"),
        25000,
    ),
    "HTML imbriqué sur 500 niveaux, répété": (
        "pages",
        lambda n: record(
            'title: "X"\n',
            ("<div>" * 500 + "x" + "</div>" * 500 + "\n\n") * (n // 1000),
        ),
        25000,
    ),
    "citations Markdown imbriquées": (
        "pages",
        lambda n: record('title: "X"\n', ">" * n + " x\n"),
        25000,
    ),
    "listes Markdown imbriquées": (
        "pages",
        lambda n: record(
            'title: "X"\n', "".join("  " * min(i, 200) + "- x\n" for i in range(n // 10))
        ),
        5000,
    ),
    "emphases non fermées": (
        "pages",
        lambda n: record('title: "X"\n', "*a **b " * (n // 7) + "\n"),
        25000,
    ),
    "liens internes": (
        "pages",
        lambda n: record('title: "X"\n', "[accueil](/) " * (n // 13) + "\n"),
        25000,
    ),
    "alias": (
        "acteurs",
        lambda n: record('title: "X"\naliases:\n' + "".join(f"  - /ancien/{i}/\n" for i in range(n))),
        5000,
    ),
    "photos d'intervenants": (
        "forum",
        lambda n: record(
            'title: "Forum"\ndate: 2016-11-19\nprogram:\n  - start: "10:00"\n    kind: atelier\n    title: "Table ronde"\n    speakers:\n'
            + "".join(f"      - {{name: \"P{i}\", photo: /images/p{i}.jpg}}\n" for i in range(n))
        ),
        2500,
    ),
    "crochets YAML imbriqués": (
        "acteurs",
        lambda n: record('title: "X"\ntags: ' + "[" * n + "]" * n + "\n"),
        12500,
    ),
    "accolades YAML imbriquées": (
        "acteurs",
        lambda n: record('title: "X"\ngeo: ' + "{a: " * n + "1" + "}" * n + "\n"),
        12500,
    ),
    "longue liste YAML": (
        "acteurs",
        lambda n: record('title: "X"\ntags:\n' + "".join(f"  - mot{i}\n" for i in range(n // 10))),
        25000,
    ),
}


def median_time(cmd, cwd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "ess-site"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies every base size")
    ap.add_argument("--only", help="only the cases whose name holds this text")
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} missing: cargo build --release")
    base_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
    print(f"{'cas':42} {'taille':>9} {'Kio':>6} {'check s':>8} {'×':>5} {'build s':>8} {'×':>5}")
    for name, (folder, make, base) in CASES.items():
        if args.only and args.only not in name:
            continue
        prev = None
        for factor in (1, 2, 4, 8):
            n = int(base * factor * args.scale)
            site = tempfile.mkdtemp(prefix="ess-growth-", dir=base_dir)
            try:
                os.makedirs(os.path.join(site, "content", folder))
                with open(os.path.join(site, "site.toml"), "w") as f:
                    f.write(SITE_TOML)
                text = make(n)
                with open(os.path.join(site, "content", folder, "cas.md"), "w") as f:
                    f.write(text)
                now = ["--now", "2026-01-01"]
                check = median_time([args.binary, "check", *now], site, args.runs)
                build = median_time(
                    [args.binary, "build", "--quiet", "--output", "out", *now], site, args.runs
                )
                ratio = lambda a, b: f"{a / b:5.1f}" if b and b > 0.02 else "    -"
                print(
                    f"{name:42} {n:>9} {len(text.encode()) // 1024:>6} {check:8.3f} "
                    f"{ratio(check, prev[0]) if prev else '    -'} {build:8.3f} "
                    f"{ratio(build, prev[1]) if prev else '    -'}"
                )
                prev = (check, build)
            finally:
                shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
