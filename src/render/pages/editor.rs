//! The web editor (`/admin/`, see `crate::render::editor`): its page, its generated configuration and
//! the vendored Decap CMS files, when the site has `[editor]` or the preview `--editor`.

use super::family::{Family, Rendered};
use crate::diagnostic::Diagnostic;
use crate::render::editor;
use crate::render::fingerprint::Fingerprints;
use crate::render::owners::Owner;
use crate::render::renderer::Renderer;
use crate::render::site::Site;
use std::hash::{DefaultHasher, Hash};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EditorFiles {
    /// `/admin/`.
    Page,
    /// `/admin/config.yml`.
    Config,
    /// The editor's own script (`editor::SCRIPT`).
    Script,
    /// A file of Decap CMS, by name.
    File(&'static str),
    /// The pre-save check (`editor::EDITOR_CHECK`), online.
    Check,
    /// A file of the check's WASI runtime, by name.
    Wasi(&'static str),
}

pub fn jobs(site: &Site) -> Vec<EditorFiles> {
    if !editor::enabled(site) {
        return Vec::new();
    }
    let files = editor::DECAP_FILES
        .iter()
        .map(|(name, _)| EditorFiles::File(name));
    let check = editor::checks_in_browser(site).then(|| {
        std::iter::once(EditorFiles::Check).chain(
            editor::WASI_FILES
                .iter()
                .map(|(name, _)| EditorFiles::Wasi(name)),
        )
    });
    [EditorFiles::Page, EditorFiles::Config, EditorFiles::Script]
        .into_iter()
        .chain(files)
        .chain(check.into_iter().flatten())
        .collect()
}

impl Family for EditorFiles {
    fn url(&self, _: &Site) -> String {
        match self {
            EditorFiles::Page => editor::URL.into(),
            EditorFiles::Config => format!("{}config.yml", editor::URL),
            EditorFiles::Script => editor::script_url(),
            EditorFiles::File(name) => format!("{}{name}", editor::script_folder()),
            EditorFiles::Check => format!(
                "{}{}",
                editor::URL,
                editor::check_name().unwrap_or_default()
            ),
            EditorFiles::Wasi(name) => format!("{}{}{name}", editor::URL, editor::wasi_folder()),
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        let site = fp.site();
        match self {
            EditorFiles::Page => editor::page(site).hash(h),
            EditorFiles::Config => editor::config(site).hash(h),
            EditorFiles::Script => editor::SCRIPT.hash(h),
            EditorFiles::File(name) | EditorFiles::Wasi(name) => name.hash(h),
            EditorFiles::Check => editor::check_name().hash(h),
        }
    }

    fn render(&self, r: &Renderer, _: &str) -> Result<Rendered, Vec<Diagnostic>> {
        Ok(Rendered::File(match self {
            EditorFiles::Page => editor::page(r.site).into_bytes(),
            EditorFiles::Config => editor::config(r.site).into_bytes(),
            EditorFiles::Script => editor::SCRIPT.as_bytes().to_vec(),
            EditorFiles::File(name) => named(editor::DECAP_FILES, name),
            EditorFiles::Check => editor::EDITOR_CHECK.unwrap_or_default().to_vec(),
            EditorFiles::Wasi(name) => named(editor::WASI_FILES, name),
        }))
    }

    fn owner(&self, _: &Site) -> Owner {
        Owner::generated("l’éditeur du site ([editor] de site.toml)")
    }

    fn summary_label(&self) -> &'static str {
        "fichiers de l'éditeur"
    }
}

/// The bytes of the embedded file `name` of `files`.
fn named(files: &[(&str, &[u8])], name: &str) -> Vec<u8> {
    files
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| b.to_vec())
        .unwrap_or_default()
}
