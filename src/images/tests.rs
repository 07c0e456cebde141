//! The image pipeline on hand-made files: metadata, orientation, bombs, SVG, the cache.
use super::*;

/// A JPEG of `w` × `h` whose left half is red and right half blue.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let mut data = Vec::new();
    for _ in 0..h {
        for x in 0..w {
            data.extend_from_slice(if x < w / 2 {
                &[220, 20, 20]
            } else {
                &[20, 20, 220]
            });
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 90)
        .encode(&data, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

/// `jpeg` with an EXIF segment: orientation 6 (turn 90° clockwise to show) and a GPS
/// position, as a phone writes them.
fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
    // TIFF, little-endian: IFD0 with Orientation = 6 and a pointer to the GPS IFD, which
    // holds GPSLatitudeRef = "N" and GPSLatitude = 48/1, 46/1, 40/1.
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend(8u32.to_le_bytes());
    t.extend(2u16.to_le_bytes());
    t.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    let gps_at = 8 + 2 + 2 * 12 + 4;
    t.extend([0x25, 0x88, 4, 0, 1, 0, 0, 0]);
    t.extend((gps_at as u32).to_le_bytes());
    t.extend(0u32.to_le_bytes());
    t.extend(2u16.to_le_bytes());
    t.extend([1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    let rationals_at = gps_at + 2 + 2 * 12 + 4;
    t.extend([2, 0, 5, 0, 3, 0, 0, 0]);
    t.extend((rationals_at as u32).to_le_bytes());
    t.extend(0u32.to_le_bytes());
    for v in [48u32, 46, 40] {
        t.extend(v.to_le_bytes());
        t.extend(1u32.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(t);
    let plain = jpeg(w, h);
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&plain[2..]);
    out
}

fn library_with(files: &[(&str, Vec<u8>)]) -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let mut list = Vec::new();
    for (name, bytes) in files {
        let disk = dir.path().join("static").join(name);
        std::fs::create_dir_all(disk.parent().unwrap()).unwrap();
        std::fs::write(&disk, bytes).unwrap();
        list.push((format!("/{name}"), format!("static/{name}"), disk));
    }
    let library = Library::scan(dir.path(), list);
    (dir, library)
}

#[test]
fn a_phone_photo_is_published_turned_and_without_its_metadata() {
    let original = jpeg_with_exif(640, 480);
    assert!(original.windows(4).any(|w| w == b"Exif"));
    let (_dir, lib) = library_with(&[("images/photo.jpg", original)]);
    assert!(lib.problems.is_empty(), "{:?}", lib.problems);
    let image = lib.images["/images/photo.jpg"].clone();
    // Orientation 6: the picture shows 480 wide and 640 high.
    assert_eq!((image.width, image.height), (480, 640));
    for v in image.variants(true) {
        let bytes = lib.file(&image, v, true).unwrap();
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif") && !bytes.windows(4).any(|w| w == b"GPS\0"),
            "{v:?} keeps metadata"
        );
        let decoded = image::load_from_memory(&bytes).unwrap();
        if let Variant::Width(w, _) = v {
            assert_eq!((decoded.width(), decoded.height()), (w, image.height_at(w)));
        }
        if v == Variant::Original {
            // Turned clockwise: the red half (left) is now at the top.
            let rgb = decoded.to_rgb8();
            let top = rgb.get_pixel(decoded.width() / 2, 10);
            let bottom = rgb.get_pixel(decoded.width() / 2, decoded.height() - 10);
            assert!(top[0] > 150 && top[2] < 100, "top {top:?}");
            assert!(bottom[2] > 150 && bottom[0] < 100, "bottom {bottom:?}");
        }
    }
    let og = image::load_from_memory(&lib.file(&image, Variant::Og, true).unwrap()).unwrap();
    // Smaller than 1200 × 630: cropped to its ratio, not enlarged.
    assert_eq!((og.width(), og.height()), (480, 252));
}

#[test]
fn widths_are_never_larger_than_the_image() {
    let (_dir, lib) = library_with(&[("a.jpg", jpeg(1000, 500)), ("b.jpg", jpeg(100, 50))]);
    assert_eq!(
        lib.images["/a.jpg"].widths(),
        vec![160, 320, 480, 800, 1000]
    );
    assert_eq!(lib.images["/b.jpg"].widths(), vec![100]);
    let big = Image {
        width: 4000,
        height: 3000,
        ..(*lib.images["/a.jpg"]).clone()
    };
    assert_eq!(big.widths(), WIDTHS.to_vec());
    assert_eq!(big.height_at(800), 600);
}

#[test]
fn the_same_image_gives_the_same_bytes() {
    let (_d1, a) = library_with(&[("p.jpg", jpeg(900, 600))]);
    let (_d2, b) = library_with(&[("p.jpg", jpeg(900, 600))]);
    let (ia, ib) = (a.images["/p.jpg"].clone(), b.images["/p.jpg"].clone());
    assert_eq!(
        ia.url(Variant::Width(800, true)),
        ib.url(Variant::Width(800, true))
    );
    for v in ia.variants(true) {
        assert_eq!(
            a.file(&ia, v, true).unwrap(),
            b.file(&ib, v, true).unwrap(),
            "{v:?}"
        );
    }
}

/// A PNG that declares `w` × `h` pixels and holds almost nothing.
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
    };
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

#[test]
fn a_decompression_bomb_is_refused_before_it_is_decoded() {
    let (_dir, lib) = library_with(&[("bombe.png", png_declaring(50_000, 50_000))]);
    assert!(lib.images.is_empty());
    assert!(lib.refused.contains("/bombe.png"));
    let d = &lib.problems[0];
    assert_eq!(d.path, std::path::PathBuf::from("static/bombe.png"));
    assert!(d.message.contains("trop grande"), "{}", d.message);
}

#[test]
fn an_svg_with_a_script_a_handler_or_an_outside_reference_is_refused() {
    let wrap = |inner: &str| {
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 120 60">{inner}</svg>"#).into_bytes()
    };
    let cases = [
        ("script", wrap("<script>alert(1)</script>")),
        ("onload", wrap(r#"<rect width="10" height="10" onload="alert(1)"/>"#)),
        ("lien", wrap(r#"<image xlink:href="https://pistage.example/p.png"/>"#)),
        ("style", wrap(r#"<rect style="fill:url(https://pistage.example/x)"/>"#)),
        ("foreign", wrap("<foreignObject><p>x</p></foreignObject>")),
        ("entité", b"<!DOCTYPE svg [<!ENTITY a \"aaaa\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&a;</svg>".to_vec()),
    ];
    for (name, svg) in cases {
        let (_dir, lib) = library_with(&[("logo.svg", svg)]);
        assert!(lib.images.is_empty(), "{name} accepted");
        assert!(
            lib.problems[0].message.starts_with("SVG"),
            "{name}: {}",
            lib.problems[0].message
        );
    }
    let clean = wrap(
        r##"<defs><linearGradient id="g"/></defs><rect width="120" height="60" fill="url(#g)"/><use href="#g"/>"##,
    );
    let (_dir, lib) = library_with(&[("logo.svg", clean.clone())]);
    let image = lib.images["/logo.svg"].clone();
    assert_eq!((image.width, image.height), (120, 60));
    // Published as its drawing rebuilt by the allow-list: the same elements and attributes
    // (an unused namespace declaration goes).
    let published = String::from_utf8(lib.file(&image, Variant::Original, false).unwrap()).unwrap();
    assert_eq!(
        published,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60"><defs><linearGradient id="g"/></defs><rect width="120" height="60" fill="url(#g)"/><use href="#g"/></svg>"##.to_string() + "\n"
    );
    assert_eq!(image.variants(true), vec![Variant::Original]);
}

#[test]
fn an_unchanged_file_is_not_read_again() {
    let (dir, lib) = library_with(&[("p.jpg", jpeg(300, 200))]);
    let disk = lib.images["/p.jpg"].disk.clone();
    let again = Library::scan(
        dir.path(),
        vec![("/p.jpg".into(), "static/p.jpg".into(), disk.clone())],
    );
    assert_eq!(again.images["/p.jpg"], lib.images["/p.jpg"]);
    // Replaced by another picture: read again, a new hash.
    std::fs::write(&disk, jpeg(200, 300)).unwrap();
    let changed = Library::scan(
        dir.path(),
        vec![("/p.jpg".into(), "static/p.jpg".into(), disk)],
    );
    let (old, new) = (&lib.images["/p.jpg"], &changed.images["/p.jpg"]);
    assert_ne!(old.hash, new.hash);
    assert_eq!((new.width, new.height), (200, 300));
}
