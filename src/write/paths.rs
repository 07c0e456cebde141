//! Where a build may write: the output folder the user names (never a source folder nor one
//! that holds the sources), and the single files of `ess-site newsletter --output`.

use crate::diagnostic::Diagnostic;
use std::path::{Component, Path, PathBuf};

/// The absolute form of `path` with symlinks and `..` resolved, for the part that exists; the
/// rest (not created yet) appended as written, `..` applied.
pub fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in abs.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => out.push(part.as_os_str()),
            Component::CurDir => {}
            // `out` is resolved while it exists, so its parent is the real one.
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    out
}

/// The output folder, resolved; refused if it is, contains or sits inside the site's sources,
/// or is the site itself or a folder above it.
pub fn check_output(root: &Path, asked: &Path) -> Result<PathBuf, Diagnostic> {
    let output = resolve(asked);
    let root = resolve(root);
    let refuse = |what: &str| {
        Err(Diagnostic::error(
            asked,
            0,
            0,
            format!("ce dossier de sortie {what} : la construction l'aurait remplacé"),
        )
        .with_help("choisissez un dossier à part, par exemple public/ dans le dossier du site"))
    };
    if root.starts_with(&output) {
        return refuse(if root == output {
            "est le dossier du site"
        } else {
            "contient le dossier du site"
        });
    }
    if let Some(source) = source_holding(&root, &output) {
        return refuse(&format!("est dans les sources du site ({source})"));
    }
    Ok(output)
}

/// The part of the site's sources (`content`, `site.toml`…) that `path`, resolved, is or
/// sits inside of.
fn source_holding(root: &Path, path: &Path) -> Option<String> {
    [
        "content",
        "templates",
        "static",
        "themes",
        "site.toml",
        crate::images::CACHE_DIR,
    ]
    .into_iter()
    .find(|source| path.starts_with(root.join(source)))
    .map(str::to_string)
}

/// Writes one file the user asked for outside the output folder (the newsletter and its
/// text, checked first by `check_file_output`).
pub fn file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// A file a command writes outside the build (the newsletter): refused when it is, or sits
/// inside, the site's sources, or is a folder, however it is spelled.
pub fn check_file_output(root: &Path, asked: &Path) -> Result<PathBuf, Diagnostic> {
    let path = resolve(asked);
    let root = resolve(root);
    if let Some(source) = source_holding(&root, &path) {
        return Err(Diagnostic::error(
            asked,
            0,
            0,
            format!("ce fichier est dans les sources du site ({source}) : il serait remplacé"),
        )
        .with_help("écrivez la lettre hors de content/, templates/, static/ et site.toml, par exemple dans le dossier du site"));
    }
    if path.is_dir() {
        return Err(Diagnostic::error(asked, 0, 0, "ce chemin est un dossier")
            .with_help("donnez un nom de fichier, par exemple lettre.html"));
    }
    Ok(path)
}

/// Makes the folder `dir` and those above it, if missing; the error said in French.
pub(crate) fn make_folder(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| {
        format!(
            "impossible de créer {} : {}",
            dir.display(),
            crate::diagnostic::io_fr(&e)
        )
    })
}
