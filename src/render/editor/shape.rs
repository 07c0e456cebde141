//! A record as the editor's form reads it. The model accepts a speaker written by name alone
//! (`speakers: ["Camille Martin"]`), the editor's form only `{name, role, actor, photo}`: a
//! record written the short way is handed to the editor the long way (`- name: Camille
//! Martin`), which means the same to the build, so that it opens and saves like any other.

use std::path::Path;

/// The text of the record `rel` as the editor is given it: `text` itself, or, when a speaker
/// is written by name alone, its front matter (or whole YAML) rewritten the long way.
pub fn for_the_editor(rel: &str, text: String) -> String {
    if !text.contains("speakers") {
        return text;
    }
    let path = Path::new(rel);
    let markdown = rel.ends_with(".md");
    let (yaml, body) = if markdown {
        match crate::load::split_front_matter(&text, path) {
            Ok(split) => (split.yaml.to_string(), Some(split.body.to_string())),
            Err(_) => return text,
        }
    } else {
        (text.clone(), None)
    };
    let Ok(mut value) = crate::yaml::parse_value(&yaml, path) else {
        return text;
    };
    if !lengthen(&mut value) {
        return text;
    }
    let Ok(long) = crate::yaml::to_text(&value) else {
        return text;
    };
    match body {
        Some(body) => format!("---\n{long}---\n{body}"),
        None => long,
    }
}

/// Writes each speaker given by name alone as `{name}`, in the record's `speakers` and in
/// those of its programme's items. Whether anything changed.
fn lengthen(value: &mut serde_json::Value) -> bool {
    let mut changed = false;
    let mut speakers = |list: Option<&mut serde_json::Value>| {
        let Some(serde_json::Value::Array(items)) = list else {
            return;
        };
        for item in items {
            if let serde_json::Value::String(name) = item {
                *item = serde_json::json!({ "name": name.clone() });
                changed = true;
            }
        }
    };
    speakers(value.get_mut("speakers"));
    if let Some(serde_json::Value::Array(program)) = value.get_mut("program") {
        for item in program {
            speakers(item.get_mut("speakers"));
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_speaker_by_name_alone_is_given_the_long_way_and_reads_the_same() {
        let text = "---\ntitle: Forum\ndate: 2027-11-14\nprogram:\n  - start: \"10:00\"\n    kind: salon\n    title: Ouverture\n    speakers: [\"Camille Martin\", {name: Léa, role: élue}]\n---\n\nCorps\n";
        let long = for_the_editor("content/forum/2027.md", text.to_string());
        assert!(long.contains("name: Camille Martin"), "{long}");
        assert!(long.ends_with("---\n\nCorps\n"), "{long}");
        let before: crate::model::ForumEdition = crate::yaml::parse(
            crate::load::split_front_matter(text, Path::new("a.md"))
                .unwrap()
                .yaml,
            Path::new("a.md"),
            1,
        )
        .unwrap();
        let after: crate::model::ForumEdition = crate::yaml::parse(
            crate::load::split_front_matter(&long, Path::new("a.md"))
                .unwrap()
                .yaml,
            Path::new("a.md"),
            1,
        )
        .unwrap();
        assert_eq!(format!("{before:?}"), format!("{after:?}"));
        let plain = "---\ntitle: a\nspeakers:\n  - name: B\n---\n";
        assert_eq!(
            for_the_editor("content/conferences/a.md", plain.into()),
            plain
        );
    }
}
