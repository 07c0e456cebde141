//! Writes photo-like JPEG files (sky, hills, textured ground, soft light, sensor noise) for the
//! image benchmark and for trying the image pipeline: `cargo run --release --example photos --
//! DIR COUNT [WIDTH HEIGHT]` (4000 × 3000 by default). Deterministic: photo `n` is always the
//! same bytes.

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::path::PathBuf::from(args.first().map_or("photos", String::as_str));
    let count: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let width: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(4000);
    let height: u32 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(3000);
    std::fs::create_dir_all(&dir).expect("output folder");
    use rayon::prelude::*;
    (0..count).into_par_iter().for_each(|n| {
        let pixels = photo(n, width, height);
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 92)
            .encode(
                &pixels,
                width as u16,
                height as u16,
                jpeg_encoder::ColorType::Rgb,
            )
            .expect("encode");
        let path = dir.join(format!("photo-{n:03}.jpg"));
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(&out))
            .expect("write");
    });
}

/// A small deterministic hash of integers, in [0, 1).
fn hash(x: i64, y: i64, seed: u64) -> f32 {
    let mut h = (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (y as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ seed.wrapping_mul(0x1656_67B1_9E37_79F9);
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    (h >> 40) as f32 / (1u64 << 24) as f32
}

/// Smooth value noise at one scale.
fn noise(x: f32, y: f32, seed: u64) -> f32 {
    let (xi, yi) = (x.floor() as i64, y.floor() as i64);
    let (fx, fy) = (x - x.floor(), y - y.floor());
    let s = |t: f32| t * t * (3.0 - 2.0 * t);
    let (sx, sy) = (s(fx), s(fy));
    let a = hash(xi, yi, seed);
    let b = hash(xi + 1, yi, seed);
    let c = hash(xi, yi + 1, seed);
    let d = hash(xi + 1, yi + 1, seed);
    a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy
}

fn fractal(x: f32, y: f32, seed: u64, octaves: u32) -> f32 {
    let (mut sum, mut amp, mut freq, mut norm) = (0.0, 1.0, 1.0, 0.0);
    for o in 0..octaves {
        sum += amp * noise(x * freq, y * freq, seed + u64::from(o));
        norm += amp;
        amp *= 0.5;
        freq *= 2.0;
    }
    sum / norm
}

fn photo(n: u32, w: u32, h: u32) -> Vec<u8> {
    let seed = u64::from(n) * 7919 + 1;
    let hue = hash(n as i64, 0, 99);
    let sky_top = [0.25 + 0.2 * hue, 0.45 + 0.1 * hue, 0.85];
    let sky_low = [0.85, 0.8 + 0.1 * hue, 0.7];
    let ground = [0.25 + 0.3 * hue, 0.45, 0.15 + 0.1 * hue];
    let sun = (hash(n as i64, 1, 5) * w as f32, 0.2 * h as f32);
    let mut out = vec![0u8; (w * h * 3) as usize];
    let scale = 6.0 / w as f32;
    for y in 0..h {
        let fy = y as f32 / h as f32;
        for x in 0..w {
            let fx = x as f32 / w as f32;
            let horizon = 0.55 + 0.12 * (fractal(fx * 3.0, 0.5, seed, 4) - 0.5) * 2.0;
            let detail = fractal(x as f32 * scale * 8.0, y as f32 * scale * 8.0, seed + 10, 6);
            let mut c = if fy < horizon {
                let t = fy / horizon;
                let cloud = fractal(fx * 4.0, fy * 8.0, seed + 20, 5);
                let cloud = ((cloud - 0.55) * 4.0).clamp(0.0, 1.0);
                let mut c = [0.0f32; 3];
                for i in 0..3 {
                    c[i] = sky_top[i] * (1.0 - t) + sky_low[i] * t;
                    c[i] = c[i] * (1.0 - cloud) + 0.95 * cloud;
                }
                c
            } else {
                let t = (fy - horizon) / (1.0 - horizon);
                let mut c = [0.0f32; 3];
                for i in 0..3 {
                    c[i] = ground[i] * (0.6 + 0.8 * detail) * (1.0 - 0.4 * t);
                }
                c
            };
            let d = ((x as f32 - sun.0).powi(2) + (y as f32 - sun.1).powi(2)).sqrt() / w as f32;
            let light = (1.0 - d * 1.5).clamp(0.0, 1.0) * 0.35;
            let grain = (hash(x as i64, y as i64, seed + 30) - 0.5) * 0.04;
            for v in &mut c {
                *v = (*v + light + grain).clamp(0.0, 1.0);
            }
            let at = ((y * w + x) * 3) as usize;
            for i in 0..3 {
                out[at + i] = (c[i] * 255.0) as u8;
            }
        }
    }
    out
}
