//! The archive of the letters sent, written: `ess-site newsletter --archive` adds a letter to
//! `content/data/lettres.yaml` (the file written anew, atomically). Its shape and its reading
//! are the model's (`model::letters`).

use crate::model::letters::{day, Archived, FILE, HEADER};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Adds the letter of `since` to `until` to the archive of the site in `root` (the file is
/// written anew, atomically). Refuses a second letter of the same last day.
pub fn add(
    root: &Path,
    since: NaiveDate,
    until: NaiveDate,
    title: &str,
    intro: &str,
    items: &[String],
) -> Result<PathBuf, String> {
    let path = root.join(FILE);
    let mut list: Vec<Archived> = match crate::load::archive_text(root) {
        Ok(text)
            if text
                .lines()
                .any(|l| !l.trim().is_empty() && !l.starts_with('#')) =>
        {
            crate::yaml::parse(&text, Path::new(FILE), 1).map_err(|d| {
                format!(
                    "{FILE} : {} (ligne {}) : corrigez-le avant d'y archiver une lettre",
                    d.message, d.line
                )
            })?
        }
        Ok(_) => Vec::new(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(format!(
                "impossible de lire {FILE} : {}",
                crate::diagnostic::io_fr(&e)
            ))
        }
    };
    let date = until.format("%Y-%m-%d").to_string();
    if list.iter().any(|a| day(&a.date) == Some(until)) {
        return Err(format!(
            "{FILE} : une lettre du {date} y est déjà : retirez-la du fichier pour archiver celle-ci à sa place"
        ));
    }
    list.push(Archived {
        date,
        since: since.format("%Y-%m-%d").to_string(),
        title: title.to_string(),
        intro: intro.trim().to_string(),
        items: items.to_vec(),
    });
    list.sort_by(|a, b| a.date.cmp(&b.date));
    let text = format!("{HEADER}{}", crate::yaml::to_text(&list)?);
    let dir = path.parent().unwrap_or(root);
    super::paths::make_folder(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| {
        format!(
            "impossible d'écrire dans {} : {}",
            dir.display(),
            crate::diagnostic::io_fr(&e)
        )
    })?;
    std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(|e| {
        format!(
            "impossible d'écrire {FILE} : {}",
            crate::diagnostic::io_fr(&e)
        )
    })?;
    tmp.persist(&path).map_err(|e| {
        format!(
            "impossible d'écrire {FILE} : {}",
            crate::diagnostic::io_fr(&e.error)
        )
    })?;
    Ok(path)
}
