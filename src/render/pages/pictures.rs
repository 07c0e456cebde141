//! Pictures in pages: the `<picture>` of an image of `static/` (its widths in WebP and in its
//! fallback format, `sizes`, `width` and `height`, lazy loading), for covers, logos, speakers'
//! photos, cards and the images of Markdown bodies.

use crate::images::{Format, Image, Variant};
use crate::render::site::Site;
use crate::render::srcsets::Srcsets;
use crate::text::html::escape_html;

/// Where a picture is shown, which says how wide it is on screen (`sizes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A record's picture at the top of its page, or an image of its text: the text's width.
    Page,
    /// An actor's logo beside its name.
    Logo,
    /// A logo or picture on a card of a list.
    Card,
    /// A speaker's photo, or a logo in a list of exhibitors.
    Thumbnail,
    /// The commune's logo in the header of every page: loaded at once, never lazily.
    Brand,
}

impl Place {
    fn sizes(self) -> &'static str {
        match self {
            Place::Page => "(max-width: 50rem) calc(100vw - 2rem), 48rem",
            Place::Logo => "8rem",
            Place::Card => "(max-width: 40rem) calc(100vw - 4rem), 20rem",
            Place::Thumbnail => "4rem",
            Place::Brand => "10rem",
        }
    }
}

/// The published image of `static/` at site path `src`, if it is one.
pub fn image<'a>(site: &'a Site, src: &str) -> Option<&'a Image> {
    let path = src.trim().split(['?', '#']).next().unwrap_or("");
    site.images
        .contains_key(path)
        .then(|| site.theme.images.images.get(path).map(|i| &**i))
        .flatten()
}

/// The HTML of a picture of `src` with the alternative text `alt` (plain text). `first`: the
/// first picture of the page, fetched at once (`fetchpriority="high"`), not lazily.
pub fn picture(site: &Site, src: &str, alt: &str, place: Place, first: bool) -> String {
    picture_escaped(site, src, &escape_html(alt), place, first)
}

/// `picture`, with `alt` already escaped for an attribute.
pub fn picture_escaped(site: &Site, src: &str, alt: &str, place: Place, first: bool) -> String {
    let loading = if first {
        r#" fetchpriority="high""#
    } else if place == Place::Brand {
        ""
    } else {
        r#" loading="lazy""#
    };
    let Some(image) = image(site, src) else {
        // An address elsewhere, or a file of the theme: shown as it is.
        return format!(
            r#"<img src="{}" alt="{alt}"{loading} decoding="async">"#,
            escape_html(src.trim())
        );
    };
    if image.format == Format::Svg {
        return format!(
            r#"<img src="{}" width="{}" height="{}" alt="{alt}"{loading} decoding="async">"#,
            escape_html(&image.path),
            image.width,
            image.height
        );
    }
    let made;
    let set = match site.srcsets.get_or_init(|| srcsets(site)).get(&image.path) {
        Some(set) => set,
        None => {
            made = Srcsets::of(image);
            &made
        }
    };
    let sizes = place.sizes();
    format!(
        r#"<picture><source type="image/webp" srcset="{}" sizes="{sizes}"><img src="{}" srcset="{}" sizes="{sizes}" width="{}" height="{}" alt="{alt}"{loading} decoding="async"></picture>"#,
        set.webp, set.src, set.fallback, set.width, set.height,
    )
}

/// The `srcset`s of the images a build publishes (SVGs have none).
fn srcsets(site: &Site) -> std::collections::BTreeMap<String, Srcsets> {
    site.images
        .keys()
        .filter_map(|path| site.theme.images.images.get(path))
        .filter(|image| image.format != Format::Svg)
        .map(|image| (image.path.clone(), Srcsets::of(image)))
        .collect()
}

/// The picture of a record's `image:` at the top of its page, with its credit, as a figure.
/// `first`: nothing above it on the page.
pub fn cover(site: &Site, c: Option<&crate::model::Cover>, first: bool) -> Option<String> {
    let c = c?;
    let img = picture(
        site,
        &c.src,
        c.alt.as_deref().unwrap_or(""),
        Place::Page,
        first,
    );
    Some(match &c.credit {
        Some(credit) => format!(
            r#"<figure class="cover">{img}<figcaption>Crédit : {}</figcaption></figure>"#,
            escape_html(&crate::text::french::typography(credit))
        ),
        None => format!(r#"<figure class="cover">{img}</figure>"#),
    })
}

/// The absolute address of the Open Graph picture of `src`: a cover's 1200 × 630 crop, or the
/// largest width of another image.
pub fn og_image(site: &Site, src: &str) -> Option<String> {
    let src = src.trim();
    if src.starts_with("https://") || src.starts_with("http://") {
        return Some(src.to_string());
    }
    let image = image(site, src)?;
    let cover = site.images.get(&image.path).copied().unwrap_or(false);
    let url = match image.widths().last() {
        _ if cover => image.url(Variant::Og),
        Some(&w) if image.fallback() == Format::Jpeg || image.fallback() == Format::Png => {
            image.url(Variant::Width(w, false))
        }
        _ => image.path.clone(),
    };
    Some(site.config.absolute(&url))
}

/// A picture for an email shown `shown` pixels wide at most: the absolute address of a
/// JPEG or PNG width of about twice that (sharp on a phone), and the size to show. Email
/// readers know neither `srcset` nor WebP nor SVG: an SVG or an address elsewhere gives none.
pub fn email_image(site: &Site, src: &str, shown: u32) -> Option<(String, u32, u32)> {
    let image = image(site, src)?;
    let widths = image.widths();
    let w = widths
        .iter()
        .copied()
        .find(|&w| w >= shown * 2)
        .or(widths.last().copied())?;
    let show = w.min(shown);
    Some((
        site.config.absolute(&image.url(Variant::Width(w, false))),
        show,
        image.height_at(show),
    ))
}

/// The HTML of a body with each `<img>` of an image of `static/` made a picture; the first
/// one is the first picture of the page when `first` says so.
pub fn in_body(site: &Site, html: String, mut first: bool) -> String {
    if !html.contains("<img") {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 512);
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<img") {
        let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        let tag = &rest[i..end];
        out.push_str(&rest[..i]);
        let src = crate::text::markdown::attribute(tag, "src").unwrap_or_default();
        if image(site, &src).is_some() {
            let alt = crate::text::markdown::attribute(tag, "alt").unwrap_or_default();
            out.push_str(&picture_escaped(site, &src, &alt, Place::Page, first));
        } else if first {
            out.push_str(tag);
        } else {
            out.push_str(&tag.replacen("<img", r#"<img loading="lazy""#, 1));
        }
        first = false;
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
