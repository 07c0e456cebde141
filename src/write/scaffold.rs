//! `ess-site new` and `ess-site init` written to disk: a new record file, a new commune's
//! site. Their text is the model's (`model::scaffold`).

use crate::model::scaffold::{record_text, site_files};
use crate::model::Section;
use crate::text::french::slugify;
use std::path::{Path, PathBuf};

/// Writes a new record of `kind` (French name) titled `title` in the site at `root`; refuses
/// to overwrite. Returns the path written.
pub fn new_record(
    root: &Path,
    kind: &str,
    title: &str,
    today: &str,
    domains: &[&str],
) -> Result<PathBuf, String> {
    let Some(section) = Section::of_new_name(kind) else {
        let names: Vec<&str> = Section::ALL.iter().map(|s| s.kind().new_name).collect();
        let hint = crate::diagnostic::suggest(kind, &names);
        return Err(format!("type de fiche inconnu « {kind} » : {hint}"));
    };
    let slug = slugify(title);
    if slug.is_empty() {
        return Err("le titre doit contenir au moins une lettre ou un chiffre".into());
    }
    let dir = root.join("content").join(section.folder());
    let path = dir.join(format!("{slug}.md"));
    if path.exists() || dir.join(format!("{slug}.yaml")).exists() {
        return Err(format!(
            "{} existe déjà : choisissez un autre titre, ou modifiez la fiche existante",
            path.display()
        ));
    }
    let text = record_text(section, title, today, domains);
    write_file(&path, &text)?;
    Ok(path)
}

/// Writes a new file, and its folder if needed; the error said in French.
fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        super::paths::make_folder(parent)?;
    }
    std::fs::write(path, text).map_err(|e| {
        format!(
            "impossible d'écrire {} : {}",
            path.display(),
            crate::diagnostic::io_fr(&e)
        )
    })
}

/// Writes a new commune's site in `dir`, which must not exist or be empty. Returns the files.
pub fn init_site(dir: &Path, commune: &str, year: i32) -> Result<Vec<PathBuf>, String> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(format!(
            "{} existe déjà et n'est pas vide : choisissez un nouveau dossier",
            dir.display()
        ));
    }
    let mut written = Vec::new();
    for (rel, text) in site_files(commune, year) {
        let path = dir.join(&rel);
        write_file(&path, &text)?;
        #[cfg(unix)]
        if rel.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755));
        }
        written.push(path);
    }
    Ok(written)
}
