//! The commune's identity (`[brand]` of `site.toml`) laid over the theme: its two colours in
//! the stylesheet, refused when text on them would fail WCAG AA contrast; its logo; its
//! favicon (a default one, in its colour, with the commune's initial).

mod favicon_glyphs;

use crate::diagnostic::Diagnostic;
use crate::model::config::{Colour, Config};

/// The theme's own colours (see `style.css`), when `[brand]` names none.
pub const DEFAULT_PRIMARY: [u8; 3] = [0x0b, 0x6a, 0x4f];
/// The lightest backgrounds the theme puts text of these colours on: white, and the soft grey
/// of asides and closed cards (`--soft`).
const BACKGROUNDS: [([u8; 3], &str); 2] = [
    ([0xff, 0xff, 0xff], "le blanc"),
    ([0xf3, 0xf5, 0xf4], "le gris clair des encadrés"),
];
/// WCAG 2.1 AA, normal text.
pub const AA: f64 = 4.5;

/// WCAG relative luminance of a colour.
pub fn luminance(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The colour scaled towards black by `factor` (same hue).
fn darker(rgb: [u8; 3], factor: f64) -> [u8; 3] {
    rgb.map(|c| (f64::from(c) * factor).round() as u8)
}

/// The lowest contrast of text of this colour on the theme's light backgrounds (and of white
/// text on it), with the background that gives it.
fn worst(rgb: [u8; 3]) -> (f64, &'static str) {
    BACKGROUNDS
        .iter()
        .map(|(bg, name)| (contrast(rgb, *bg), *name))
        .fold((f64::INFINITY, ""), |a, b| if b.0 < a.0 { b } else { a })
}

/// The same hue, darkened until it passes AA on every background.
pub fn suggestion(rgb: [u8; 3]) -> [u8; 3] {
    let mut c = rgb;
    while worst(c).0 < AA && c != [0, 0, 0] {
        c = darker(c, 0.97);
    }
    c
}

fn hex(rgb: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

/// A ratio as French writes it: « 2,9:1 ».
fn ratio(r: f64) -> String {
    format!("{:.1}:1", (r * 10.0).floor() / 10.0).replace('.', ",")
}

/// Checks the colours of `[brand]`: every problem, with the ratio and a colour that passes.
pub fn check(config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let checks: [(&str, Option<Colour>, &str); 2] = [
        (
            "primary",
            config.brand.primary,
            "le texte blanc de l'en-tête et des boutons, et les liens",
        ),
        (
            "accent",
            config.brand.accent,
            "le type des fiches au-dessus de leur titre",
        ),
    ];
    for (key, colour, used) in checks {
        let Some(c) = colour else { continue };
        let (r, background) = worst(c.rgb);
        if r >= AA {
            continue;
        }
        let s = suggestion(c.rgb);
        out.push(
            Diagnostic::error(
                "site.toml",
                c.line,
                c.column,
                format!(
                    "la couleur {key} « {} » n'a qu'un contraste de {} avec {background} : il faut au moins 4,5:1 (WCAG AA) pour {used}",
                    c.hex(),
                    ratio(r)
                ),
            )
            .with_help(format!(
                "essayez « {} » ({} au moins), la même teinte plus foncée",
                hex(s),
                ratio(worst(s).0)
            )),
        );
    }
    out
}

/// The stylesheet's colours for `[brand]`, appended to the theme's `style.css`.
pub fn stylesheet(config: &Config) -> Option<String> {
    let b = &config.brand;
    if b.primary.is_none() && b.accent.is_none() {
        return None;
    }
    let mut css = String::from("\n/* The commune's colours, from [brand] of site.toml */\n:root {");
    if let Some(p) = b.primary {
        css.push_str(&format!(
            " --brand: {}; --brand-dark: {};",
            p.hex(),
            hex(darker(p.rgb, 0.78))
        ));
    }
    if let Some(a) = b.accent {
        css.push_str(&format!(" --accent: {};", a.hex()));
    }
    css.push_str(" }\n");
    Some(css)
}

/// The default favicon: a rounded square of the main colour with the commune's initial, drawn
/// as a path (`favicon_glyphs`): no typeface to find, the same letter on every system. An
/// initial the outlines do not have (another script) leaves the square plain.
pub fn favicon(config: &Config) -> String {
    let colour = config.brand.primary.map_or(DEFAULT_PRIMARY, |c| c.rgb);
    favicon_svg(colour, &config.commune)
}

fn favicon_svg(colour: [u8; 3], commune: &str) -> String {
    let initial = commune
        .chars()
        .find(|c| c.is_alphanumeric())
        .and_then(|c| c.to_uppercase().next());
    let letter = initial
        .and_then(|c| favicon_glyphs::GLYPHS.iter().find(|g| g.0 == c))
        .map_or_else(String::new, |(_, [left, top, right, bottom], path)| {
            // Capitals (668 of the font's units high) 30 units high in the 64 of the square,
            // accents above them; none wider or higher than 46; the letter's box in the middle.
            let (width, height) = (f64::from(right - left), f64::from(bottom - top));
            let scale = (30.0_f64 / 668.0).min(46.0 / width).min(46.0 / height);
            let x = 32.0 - f64::from(left + right) / 2.0 * scale;
            let y = 32.0 - f64::from(top + bottom) / 2.0 * scale;
            format!(
                "<path fill=\"#fff\" transform=\"matrix({scale:.5} 0 0 {scale:.5} {x:.2} {y:.2})\" d=\"{path}\"/>"
            )
        });
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\"><rect width=\"64\" height=\"64\" rx=\"14\" fill=\"{}\"/>{letter}</svg>\n",
        hex(colour),
    )
}

/// The site path of the favicon pages link to: `[brand] favicon`, else `/favicon.svg` — the
/// site's own `static/favicon.svg`, or the default one `apply` writes when it has none.
pub fn favicon_path(config: &Config) -> String {
    config
        .brand
        .favicon
        .clone()
        .unwrap_or_else(|| "/favicon.svg".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The letter's box in the square, from the favicon's transform and its glyph's box.
    fn letter_box(svg: &str, glyph: char) -> [f64; 4] {
        let m = svg
            .split("matrix(")
            .nth(1)
            .unwrap()
            .split(')')
            .next()
            .unwrap();
        let m: Vec<f64> = m.split(' ').map(|v| v.parse().unwrap()).collect();
        let (_, b, _) = super::favicon_glyphs::GLYPHS
            .iter()
            .find(|g| g.0 == glyph)
            .unwrap();
        let at = |i: usize, o: usize| f64::from(b[i]) * m[0] + m[o];
        [at(0, 4), at(1, 5), at(2, 4), at(3, 5)]
    }

    #[test]
    fn the_favicon_draws_the_commune_s_initial_as_a_path_inside_its_square() {
        for (commune, glyph) in [
            ("Sceaux", 'S'),
            ("Villeneuve-sur-Lot", 'V'),
            ("île-Saint-Denis", 'Î'),
            ("Évry-Courcouronnes", 'É'),
            ("Œuilly", 'Œ'),
            ("L'Haÿ-les-Roses", 'L'),
            ("« Mons »", 'M'),
            ("1er arrondissement", '1'),
            ("Wissembourg", 'W'),
        ] {
            let svg = favicon_svg([0x0b, 0x6a, 0x4f], commune);
            assert!(!svg.contains("<text"), "{svg}");
            assert!(svg.contains("fill=\"#0b6a4f\""));
            let (_, _, path) = super::favicon_glyphs::GLYPHS
                .iter()
                .find(|g| g.0 == glyph)
                .unwrap();
            assert!(svg.contains(&format!("d=\"{path}\"")), "{commune}: {svg}");
            let [left, top, right, bottom] = letter_box(&svg, glyph);
            assert!(
                left >= 8.0 && top >= 8.0 && right <= 56.0 && bottom <= 56.0,
                "{commune}: {left} {top} {right} {bottom}"
            );
            assert!(
                ((left + right) / 2.0 - 32.0).abs() < 0.1
                    && ((top + bottom) / 2.0 - 32.0).abs() < 0.1,
                "{commune}: centred"
            );
            assert!(
                bottom - top >= 29.0,
                "{commune}: {top}–{bottom} large enough to read"
            );
        }
        // An initial of another script: the square alone, never a missing glyph's box.
        let svg = favicon_svg([0x0b, 0x6a, 0x4f], "東京");
        assert!(!svg.contains("<path") && !svg.contains("<text") && svg.contains("<rect"));
    }

    #[test]
    fn contrast_ratios_are_wcag_s() {
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        // The theme's own colours pass.
        assert!(worst(DEFAULT_PRIMARY).0 >= AA);
        assert!(worst([0x8a, 0x3b, 0x12]).0 >= AA);
        // A light blue fails, and the suggestion passes with the same hue.
        let light = [0x7f, 0xb3, 0xd5];
        assert!(worst(light).0 < 3.0);
        let s = suggestion(light);
        assert!(worst(s).0 >= AA);
        assert!(s[2] > s[1] && s[1] > s[0], "{s:?}");
    }
}
