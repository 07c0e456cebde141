//! What a careful editor would want to know, without failing the build.

use super::EntryView;
use crate::diagnostic::Diagnostic;
use crate::load::Loaded;

/// What a careful editor would want to know, without failing the build: a past event without
/// replay, an image without alternative text, a record without summary.
pub(super) fn warnings(loaded: &Loaded, now: chrono::NaiveDateTime, out: &mut Vec<Diagnostic>) {
    let c = &loaded.content;
    let mut listed: Vec<&dyn EntryView> = Vec::new();
    listed.extend(c.actors.iter().map(|e| e as &dyn EntryView));
    listed.extend(c.forums.iter().map(|e| e as &dyn EntryView));
    listed.extend(c.conferences.iter().map(|e| e as &dyn EntryView));
    listed.extend(c.dossiers.iter().map(|e| e as &dyn EntryView));
    listed.extend(c.resources.iter().map(|e| e as &dyn EntryView));
    // A record read without its keys in error gets its errors, not warnings about them.
    listed.retain(|e| !c.partial.contains_key(&e.source().path));
    for e in &listed {
        if e.common().summary.is_none_or(|s| s.trim().is_empty()) {
            let src = e.source();
            let (line, col) = if e.common().summary.is_some() {
                src.key_position("summary")
            } else {
                src.key_position("title")
            };
            out.push(
                Diagnostic::warning(&src.path, line, col, "résumé absent ou vide")
                    .with_help("ajoutez `summary: …` : une ou deux phrases, montrées dans les listes et les flux RSS"),
            );
        }
    }
    for e in listed.iter().chain(
        c.pages
            .iter()
            .map(|e| e as &dyn EntryView)
            .collect::<Vec<_>>()
            .iter(),
    ) {
        images_without_alt(e.source(), out);
    }
    for conf in c
        .conferences
        .iter()
        .filter(|e| !c.partial.contains_key(&e.source.path))
    {
        let past = !crate::time::is_upcoming(conf.data.date, conf.data.end_date, now);
        if past && conf.data.date.is_some() && conf.data.replay_url.is_none() {
            let (line, col) = conf.source.key_position("date");
            out.push(
                Diagnostic::warning(
                    &conf.source.path,
                    line,
                    col,
                    "conférence passée sans lien vers son replay",
                )
                .with_help("ajoutez `replay_url: https://…` si la conférence a été filmée"),
            );
        }
    }
}

/// Warns about each image of a Markdown body that has no alternative text.
fn images_without_alt(src: &crate::model::Source, out: &mut Vec<Diagnostic>) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    if !src.body.contains("![") && !src.body.contains("<img") {
        return;
    }
    let mut open: Option<(usize, String)> = None;
    for (event, range) in Parser::new(&src.body).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { .. }) => open = Some((range.start, String::new())),
            Event::Text(t) | Event::Code(t) if open.is_some() => {
                if let Some((_, alt)) = open.as_mut() {
                    alt.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((at, alt)) = open.take() {
                    if alt.trim().is_empty() {
                        push_image_warning(src, at, out);
                    }
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let lower = h.to_ascii_lowercase();
                let mut rest = lower.as_str();
                while let Some(i) = rest.find("<img") {
                    let tag = &rest[i..rest[i..].find('>').map_or(rest.len(), |e| i + e)];
                    if !tag.contains("alt=") {
                        push_image_warning(src, range.start, out);
                    }
                    rest = &rest[i + 4..];
                }
            }
            _ => {}
        }
    }
}

fn push_image_warning(src: &crate::model::Source, offset: usize, out: &mut Vec<Diagnostic>) {
    let (l, col) = crate::config::line_col(&src.body, offset);
    out.push(
        Diagnostic::warning(&src.path, l + src.body_line - 1, col, "image sans texte alternatif")
            .with_help("décrivez l'image entre les crochets : ![Le jardin partagé au printemps](/images/jardin.jpg)"),
    );
}
