//! The sitemap (sitemaps.org 0.9). One file may hold 50,000 addresses and 50 MB at most: a
//! site with more (a national directory) gets a sitemap index at `/sitemap.xml` naming the
//! files `/sitemap-1.xml`, `/sitemap-2.xml`… at the site's root, where the protocol lets them
//! list every page. The cuts are made with the plan, from the pages' addresses, so that each
//! part is a job of its own.

use crate::render::feeds::xml_escape;
use crate::render::site::Site;

/// The most addresses one sitemap file may hold.
pub const MAX_URLS: usize = 50_000;
/// The most bytes one sitemap file may weigh, uncompressed (50 MiB).
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

const URLSET_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
const URLSET_TAIL: &str = "</urlset>\n";
const INDEX_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
const INDEX_TAIL: &str = "</sitemapindex>\n";
/// The bytes of an entry besides its address, its date included (`YYYY-MM-DD`).
const ENTRY_BYTES: usize =
    "  <url>\n    <loc></loc>\n    <lastmod>2000-01-01</lastmod>\n  </url>\n".len();

/// One entry of a sitemap: a page's site URL and the date it last changed.
pub type Entry = (String, Option<String>);

/// The site path of the `number`th part of a cut sitemap (from 1).
pub fn part_url(number: usize) -> String {
    format!("/sitemap-{number}.xml")
}

/// The bytes an entry of `url` takes at most in the sitemap of a site at `base_url`.
pub fn entry_bytes(base_url: &str, url: &str) -> usize {
    ENTRY_BYTES + escaped_len(base_url) + escaped_len(url)
}

fn escaped_len(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '&' => 5,
            '<' | '>' => 4,
            '"' | '\'' => 6,
            c => c.len_utf8(),
        })
        .sum()
}

/// Where the sitemap of entries weighing `sizes` (`entry_bytes`, in the sitemap's order) is
/// cut: the ranges of entries each file holds, at most `max_urls` entries and `max_bytes`
/// bytes each. Empty when one file holds them all.
pub fn cuts(
    sizes: impl Iterator<Item = usize>,
    max_urls: usize,
    max_bytes: usize,
) -> Vec<(usize, usize)> {
    let room = max_bytes.saturating_sub(URLSET_HEAD.len() + URLSET_TAIL.len());
    let mut ranges = Vec::new();
    let (mut start, mut count, mut bytes) = (0, 0, 0);
    for (i, size) in sizes.enumerate() {
        // An entry larger than a whole file still gets a file of its own: never an endless cut.
        if count > 0 && (count == max_urls.max(1) || bytes + size > room) {
            ranges.push((start, i));
            (start, count, bytes) = (i, 0, 0);
        }
        count += 1;
        bytes += size;
    }
    if ranges.is_empty() {
        return Vec::new();
    }
    ranges.push((start, start + count));
    ranges
}

/// A sitemap listing `entries`.
pub fn urlset(site: &Site, entries: &[Entry]) -> String {
    let mut out = String::from(URLSET_HEAD);
    for (url, lastmod) in entries {
        out.push_str("  <url>\n    <loc>");
        out.push_str(&xml_escape(&site.config.absolute(url)));
        out.push_str("</loc>\n");
        if let Some(d) = lastmod {
            out.push_str("    <lastmod>");
            out.push_str(d);
            out.push_str("</lastmod>\n");
        }
        out.push_str("  </url>\n");
    }
    out.push_str(URLSET_TAIL);
    out
}

/// The sitemap index naming the parts of a sitemap cut at `cuts` (ranges of `entries`), each
/// dated by its latest page.
pub fn index(site: &Site, entries: &[Entry], cuts: &[(usize, usize)]) -> String {
    let mut out = String::from(INDEX_HEAD);
    for (i, &(start, end)) in cuts.iter().enumerate() {
        out.push_str("  <sitemap>\n    <loc>");
        out.push_str(&xml_escape(&site.config.absolute(&part_url(i + 1))));
        out.push_str("</loc>\n");
        let latest = entries
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .filter_map(|(_, d)| d.as_deref())
            .max();
        if let Some(d) = latest {
            out.push_str("    <lastmod>");
            out.push_str(d);
            out.push_str("</lastmod>\n");
        }
        out.push_str("  </sitemap>\n");
    }
    out.push_str(INDEX_TAIL);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_within_the_limits_is_one_file() {
        assert!(cuts([10; 3].into_iter(), 3, 1000).is_empty());
        assert!(cuts(std::iter::empty(), 3, 1000).is_empty());
    }

    #[test]
    fn a_sitemap_is_cut_at_its_number_of_addresses() {
        assert_eq!(
            cuts([10; 7].into_iter(), 3, 10_000),
            vec![(0, 3), (3, 6), (6, 7)]
        );
        assert_eq!(cuts([10; 6].into_iter(), 3, 10_000), vec![(0, 3), (3, 6)]);
    }

    #[test]
    fn a_sitemap_is_cut_at_its_weight() {
        let frame = URLSET_HEAD.len() + URLSET_TAIL.len();
        // Two entries of 100 bytes fit a file of frame + 200 bytes, not three.
        assert_eq!(
            cuts([100; 5].into_iter(), 50, frame + 200),
            vec![(0, 2), (2, 4), (4, 5)]
        );
        // An entry larger than a file has a file of its own.
        assert_eq!(
            cuts([10, 5000, 10].into_iter(), 50, frame + 100),
            vec![(0, 1), (1, 2), (2, 3)]
        );
    }

    #[test]
    fn an_entry_takes_no_more_than_its_bound() {
        let base = "https://ville.example.org/ess&co";
        let url = "/acteurs/l'atelier-é/";
        let written = format!(
            "  <url>\n    <loc>{}</loc>\n    <lastmod>2026-11-23</lastmod>\n  </url>\n",
            xml_escape(&format!("{base}{url}"))
        );
        assert_eq!(entry_bytes(base, url), written.len());
    }
}
