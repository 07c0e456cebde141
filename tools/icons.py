#!/usr/bin/env python3
"""Makes the default theme's icon sprite (themes/default/static/icons.svg) from the npm package
lucide-static (ISC licence), at the version pinned below: one <symbol> per icon, named by the
theme's own names. Usage: npm pack lucide-static@VERSION && tar xzf lucide-static-*.tgz &&
python3 tools/icons.py package/icons"""
import re
import sys
from pathlib import Path

VERSION = "1.62.0"
# The theme's name → the Lucide icon.
ICONS = {
    # The page's tools
    "search": "search", "menu": "menu", "close": "x", "print": "printer", "rss": "rss",
    "download": "download", "external": "external-link",
    # Facts of a record
    "address": "map-pin", "phone": "phone", "email": "mail", "website": "globe",
    "date": "calendar", "time": "clock", "map": "map", "people": "users", "since": "sprout",
    # Kinds of records
    "actor": "building-2", "forum": "calendar-days", "conference": "mic",
    "magazine": "newspaper", "resource": "file-text",
    # Domains of action, the catalogue of src/model/domains.rs (a site's own domains get "domain")
    "agriculture": "sprout", "alimentation": "apple", "seniors": "hand-heart",
    "commerce-equitable": "scale", "culture": "palette", "economie-circulaire": "recycle",
    "education-formation": "graduation-cap", "energie": "zap",
    "entrepreneuriat-social": "handshake", "environnement": "trees",
    "finance-solidaire": "piggy-bank", "habitat": "house", "handicap": "accessibility",
    "inclusion-numerique": "monitor-smartphone", "insertion": "briefcase-business",
    "jeunesse": "backpack", "lutte-contre-la-precarite": "hand-helping", "mobilite": "bike",
    "participation-citoyenne": "megaphone", "petite-enfance": "baby", "sante": "heart-pulse",
    "services-a-la-personne": "heart-handshake", "solidarite-internationale": "earth",
    "sport": "trophy", "tiers-lieux": "store", "tourisme-solidaire": "luggage",
    "domain": "tag",
}


def main(folder):
    out = [f"<!-- Icons from lucide-static {VERSION} (ISC licence: vendor/lucide-static-{VERSION}/LICENSE), made by tools/icons.py -->",
           '<svg xmlns="http://www.w3.org/2000/svg">']
    for name, icon in ICONS.items():
        text = (Path(folder) / f"{icon}.svg").read_text()
        body = re.search(r"<svg[^>]*>(.*)</svg>", text, re.S).group(1)
        body = " ".join(line.strip() for line in body.strip().splitlines())
        out.append(f'<symbol id="{name}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{body}</symbol>')
    out.append("</svg>")
    Path(__file__).resolve().parent.parent.joinpath("themes/default/static/icons.svg").write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "package/icons")
