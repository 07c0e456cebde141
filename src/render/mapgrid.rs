//! The map of a large directory, drawn from groups made at build time: for each zoom level of
//! the map, the actors in activity gathered by squares of the screen (`CELL` pixels), each
//! group a position (the mean of its actors') and a number, written in files of `BLOCK` pixels
//! (`/carte/grappes/{zoom}/{x}-{y}.json`). The page then loads the few files of what it shows,
//! whatever the number of actors: a national directory's map is not 200,000 markers in a page.
//!
//! Each zoom level has an index (`{zoom}/index.json`): the box of its files and one bit per file
//! of that box, so that the page asks only for files that exist. At the last level (`ZMAX`), a
//! group lists its actors (those at one address, say), and further zooms use that level.

use serde::Serialize;
use std::collections::BTreeMap;

/// The last zoom level with its own groups (about 70 m for a square there).
pub const ZMAX: u32 = 17;
/// The side of a group's square, in screen pixels.
pub const CELL: u32 = 64;
/// Squares per side of a file: a file covers 32 × 64 = 2,048 pixels of the map, so that a
/// screen shows parts of four files at most.
const CELLS_PER_BLOCK: u32 = 32;
/// The actors a group of the last level names (the others are counted).
const NAMED: usize = 100;

/// One actor placed on the map.
pub struct Point<'a> {
    pub lat: f64,
    pub lon: f64,
    /// Its slug (the page makes its address: `/acteurs/{slug}/` under the site's path).
    pub slug: &'a str,
    pub title: &'a str,
}

/// Web Mercator pixel coordinates of a position at zoom `ZMAX` (256-pixel tiles).
fn pixels(lat: f64, lon: f64) -> (f64, f64) {
    let size = 256.0 * f64::from(1u32 << ZMAX);
    let lat = lat.clamp(-85.051_128, 85.051_128).to_radians();
    let x = (lon.clamp(-180.0, 180.0) + 180.0) / 360.0 * size;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * size;
    (x.clamp(0.0, size - 1.0), y.clamp(0.0, size - 1.0))
}

/// A group being made: sums for its mean position, and its actors (kept at the last level).
#[derive(Default)]
struct Group {
    lat: f64,
    lon: f64,
    count: usize,
    /// (slug, title) of its first actors, at the last level only.
    named: Vec<(String, String)>,
}

/// One group as a file gives it: `[lat, lon, count]`, `[lat, lon, 1, slug, title]` for a lone
/// actor, and at the last level `[lat, lon, count, [[slug, title], …]]`.
#[derive(Serialize)]
#[serde(untagged)]
enum Shown<'a> {
    One(f64, f64, usize, &'a str, &'a str),
    Many(f64, f64, usize),
    Listed(f64, f64, usize, &'a [(&'a str, &'a str)]),
}

/// A zoom level's index: the box of its files (in files) and one bit per file of the box,
/// row after row, the lowest bit first, in base64.
#[derive(Serialize)]
struct LevelIndex {
    x: u32,
    y: u32,
    largeur: u32,
    hauteur: u32,
    fichiers: String,
}

/// A group as a level shows it: its position (the mean of its actors'), in degrees and in
/// pixels of the level, its number and, when it is shown by name, its actors.
struct Merged<'a> {
    lat: f64,
    lon: f64,
    x: f64,
    y: f64,
    count: usize,
    named: Vec<(&'a str, &'a str)>,
}

/// The groups of a level, those whose discs would overlap joined: the groups are taken from
/// the largest, and one whose position is within `APART` pixels (the largest disc and a margin) of a group kept before joins it
/// (its actors counted there, its position that group's). The squares alone would put two
/// groups of neighbouring squares side by side, their numbers one over the other.
fn apart(level: &BTreeMap<(u32, u32), Group>, zoom: u32) -> Vec<Merged<'_>> {
    const APART: f64 = 56.0;
    let scale = f64::from(1u32 << (ZMAX - zoom));
    let mut order: Vec<&Group> = level.values().collect();
    // The largest first; equal ones in the squares' order: the same groups every time.
    order.sort_by_key(|g| std::cmp::Reverse(g.count));
    let mut kept: Vec<Merged> = Vec::with_capacity(order.len());
    let mut near: std::collections::HashMap<(i64, i64), Vec<usize>> = Default::default();
    for g in order {
        let (lat, lon) = (g.lat / g.count as f64, g.lon / g.count as f64);
        let (x, y) = pixels(lat, lon);
        let (x, y) = (x / scale, y / scale);
        let bucket = ((x / APART) as i64, (y / APART) as i64);
        let close = (-1..=1)
            .flat_map(|dx| (-1..=1).map(move |dy| (bucket.0 + dx, bucket.1 + dy)))
            .filter_map(|b| near.get(&b))
            .flatten()
            .copied()
            .find(|&k| {
                let m: &Merged = &kept[k];
                (m.x - x).hypot(m.y - y) < APART
            });
        let named = g.named.iter().map(|(s, t)| (s.as_str(), t.as_str()));
        match close {
            Some(k) => {
                let m = &mut kept[k];
                m.count += g.count;
                let room = NAMED.saturating_sub(m.named.len());
                m.named.extend(named.take(room));
            }
            None => {
                near.entry(bucket).or_default().push(kept.len());
                kept.push(Merged {
                    lat,
                    lon,
                    x,
                    y,
                    count: g.count,
                    named: named.collect(),
                });
            }
        }
    }
    kept
}

fn round(v: f64) -> f64 {
    (v * 100_000.0).round() / 100_000.0
}

/// The files of the groups of `points`, by path under the folder of the groups
/// (`12/2075-1409.json`, `12/index.json`), sorted. The same points give the same bytes.
pub fn files(points: &[Point]) -> Vec<(String, Vec<u8>)> {
    use base64::Engine;
    // The squares of the last level, then each level's from the one below (a square is four
    // of the level below): every actor is placed once, whatever the number of levels.
    let mut level: BTreeMap<(u32, u32), Group> = BTreeMap::new();
    for p in points {
        let (x, y) = pixels(p.lat, p.lon);
        let cell = ((x as u32) / CELL, (y as u32) / CELL);
        let g = level.entry(cell).or_default();
        g.lat += p.lat;
        g.lon += p.lon;
        g.count += 1;
        if g.named.len() < NAMED {
            g.named.push((p.slug.to_string(), p.title.to_string()));
        }
    }
    let mut out = Vec::new();
    for zoom in (0..=ZMAX).rev() {
        let mut blocks: BTreeMap<(u32, u32), Vec<Shown>> = BTreeMap::new();
        let merged = apart(&level, zoom);
        for m in &merged {
            let (lat, lon) = (round(m.lat), round(m.lon));
            let shown = match (m.count, m.named.first()) {
                (1, Some((slug, title))) => Shown::One(lat, lon, 1, slug, title),
                _ if zoom == ZMAX => Shown::Listed(lat, lon, m.count, &m.named),
                _ => Shown::Many(lat, lon, m.count),
            };
            let block = CELL * CELLS_PER_BLOCK;
            blocks
                .entry((m.x as u32 / block, m.y as u32 / block))
                .or_default()
                .push(shown);
        }
        let (x0, y0) = blocks
            .keys()
            .fold((u32::MAX, u32::MAX), |(x, y), (bx, by)| {
                (x.min(*bx), y.min(*by))
            });
        let (x1, y1) = blocks
            .keys()
            .fold((0, 0), |(x, y), (bx, by)| (x.max(*bx), y.max(*by)));
        let (width, height) = if blocks.is_empty() {
            (0, 0)
        } else {
            (x1 - x0 + 1, y1 - y0 + 1)
        };
        let mut bits = vec![0u8; (width as usize * height as usize).div_ceil(8)];
        for ((bx, by), groups) in &blocks {
            let i = (by - y0) as usize * width as usize + (bx - x0) as usize;
            bits[i / 8] |= 1 << (i % 8);
            out.push((format!("{zoom}/{bx}-{by}.json"), json(groups)));
        }
        let index = LevelIndex {
            x: if blocks.is_empty() { 0 } else { x0 },
            y: if blocks.is_empty() { 0 } else { y0 },
            largeur: width,
            hauteur: height,
            fichiers: base64::engine::general_purpose::STANDARD.encode(&bits),
        };
        out.push((format!("{zoom}/index.json"), json(&index)));
        if zoom > 0 {
            // The level above: each square gathers the four below it.
            let mut above: BTreeMap<(u32, u32), Group> = BTreeMap::new();
            for ((cx, cy), g) in std::mem::take(&mut level) {
                let a = above.entry((cx / 2, cy / 2)).or_default();
                a.lat += g.lat;
                a.lon += g.lon;
                a.count += g.count;
                if a.count == g.count {
                    // Its first group: a lone actor keeps its name until it has company.
                    a.named = g.named;
                }
            }
            level = above;
        }
    }
    out.sort();
    out
}

fn json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).unwrap_or_else(|_| b"[]".to_vec());
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(lat: f64, lon: f64, n: usize) -> Point<'static> {
        let slug: &'static str = Box::leak(format!("a{n}").into_boxed_str());
        Point {
            lat,
            lon,
            slug,
            title: "Acteur",
        }
    }

    fn groups(files: &[(String, Vec<u8>)], zoom: u32) -> Vec<serde_json::Value> {
        files
            .iter()
            .filter(|(p, _)| p.starts_with(&format!("{zoom}/")) && !p.ends_with("index.json"))
            .flat_map(|(_, b)| {
                serde_json::from_slice::<Vec<serde_json::Value>>(b).unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn every_level_counts_every_actor_once() {
        // Three towns, 300 actors, some at the same address.
        let towns = [(48.777, 2.290), (43.6, 1.44), (47.2, -1.55)];
        let points: Vec<Point> = (0..300)
            .map(|i| {
                let (lat, lon) = towns[i % 3];
                let d = (i % 40) as f64 * 0.0007;
                point(lat + d, lon - d / 2.0, i)
            })
            .collect();
        let files = files(&points);
        for zoom in 0..=ZMAX {
            let total: u64 = groups(&files, zoom)
                .iter()
                .map(|g| g[2].as_u64().unwrap_or(0))
                .sum();
            assert_eq!(total, 300, "zoom {zoom}");
        }
        // At zoom 0 the three towns are one square or a few; at the last level, the actors of
        // one address are one group that names them.
        assert!(groups(&files, 0).len() <= 3);
        let last = groups(&files, ZMAX);
        let listed = last.iter().find(|g| g[2].as_u64() > Some(1)).unwrap();
        assert!(
            listed[3].as_array().is_some_and(|a| a.len() > 1),
            "{listed}"
        );
        assert_eq!(files, super::files(&points), "the same bytes");
    }

    #[test]
    fn the_groups_of_a_level_are_apart() {
        // A grid of actors every 300 m over 20 km: at every level, no two groups' discs
        // (their positions in pixels) closer than the 56 pixels they are kept apart by.
        let points: Vec<Point> = (0..4900)
            .map(|i| {
                point(
                    48.7 + (i / 70) as f64 * 0.0027,
                    2.2 + (i % 70) as f64 * 0.004,
                    i,
                )
            })
            .collect();
        let files = files(&points);
        for zoom in [6, 10, 12, 14, ZMAX] {
            let scale = f64::from(1u32 << (ZMAX - zoom));
            let shown: Vec<(f64, f64)> = groups(&files, zoom)
                .iter()
                .map(|g| {
                    let (x, y) = pixels(g[0].as_f64().unwrap(), g[1].as_f64().unwrap());
                    (x / scale, y / scale)
                })
                .collect();
            for (i, a) in shown.iter().enumerate() {
                for b in &shown[i + 1..] {
                    // Rounded positions (1 m) move a disc by a fraction of a pixel at most.
                    assert!(
                        (a.0 - b.0).hypot(a.1 - b.1) > 55.0,
                        "zoom {zoom}: {a:?} {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_index_marks_the_files_of_its_level() {
        use base64::Engine;
        let points = vec![point(48.777, 2.290, 1), point(43.6, 1.44, 2)];
        let files = files(&points);
        for zoom in [0, 8, ZMAX] {
            let (_, bytes) = files
                .iter()
                .find(|(p, _)| *p == format!("{zoom}/index.json"))
                .unwrap();
            let index: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            let bits = base64::engine::general_purpose::STANDARD
                .decode(index["fichiers"].as_str().unwrap())
                .unwrap();
            let (x, y, w) = (
                index["x"].as_u64().unwrap(),
                index["y"].as_u64().unwrap(),
                index["largeur"].as_u64().unwrap(),
            );
            let mut marked: Vec<String> = (0..bits.len() * 8)
                .filter(|i| bits[i / 8] & (1 << (i % 8)) != 0)
                .map(|i| format!("{zoom}/{}-{}.json", x + i as u64 % w, y + i as u64 / w))
                .collect();
            marked.sort();
            let present: Vec<String> = files
                .iter()
                .map(|(p, _)| p.clone())
                .filter(|p| p.starts_with(&format!("{zoom}/")) && !p.ends_with("index.json"))
                .collect();
            assert_eq!(marked, present, "zoom {zoom}");
        }
    }
}
