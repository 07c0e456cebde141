//! Files copied as they are: the theme's and the site's static files, and, in a members'
//! build only, the members' files of `content/ressources/fichiers/`.

use super::family::{Family, Rendered};
use crate::diagnostic::Diagnostic;
use crate::model::url;
use crate::render::fingerprint::Fingerprints;
use crate::render::owners::{Owner, OwnerKind};
use crate::render::renderer::Renderer;
use crate::render::site::Site;
use std::hash::{DefaultHasher, Hash};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Files {
    /// A static file of the theme or the site, by path (`css/site.css`).
    Asset(String),
    /// A members' file, by name.
    MembersFile(String),
}

pub fn jobs(site: &Site) -> Vec<Files> {
    let assets = site.theme.assets.keys().cloned().map(Files::Asset);
    let members = site.members_files.keys().cloned().map(Files::MembersFile);
    assets.chain(members).collect()
}

impl Family for Files {
    fn url(&self, site: &Site) -> String {
        match self {
            Files::Asset(path) => site.theme.asset_url(path),
            Files::MembersFile(name) => url::members_file(name),
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        let site = fp.site();
        match self {
            Files::Asset(name) => site.theme.assets.get(name).hash(h),
            Files::MembersFile(name) => site.members_files.get(name).hash(h),
        }
    }

    fn render(&self, r: &Renderer, _: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        Ok(Rendered::File(match self {
            Files::Asset(name) => site.theme.assets.get(name).cloned().unwrap_or_default(),
            Files::MembersFile(name) => site
                .members_files
                .get(name)
                .map(|b| b.to_vec())
                .unwrap_or_default(),
        }))
    }

    fn owner(&self, site: &Site) -> Owner {
        match self {
            Files::Asset(path) => {
                let origin = site
                    .theme
                    .asset_origins
                    .get(path)
                    .cloned()
                    .unwrap_or_else(|| format!("static/{path}"));
                if origin.starts_with("themes/default/") && site.config.theme.is_none() {
                    Owner::generated(format!("le fichier « {path} » du thème"))
                } else {
                    Owner {
                        kind: OwnerKind::Asset,
                        place: Some((PathBuf::from(&origin), 0, 0)),
                        what: "le fichier statique".into(),
                    }
                }
            }
            Files::MembersFile(name) => Owner {
                kind: OwnerKind::Asset,
                place: Some((
                    PathBuf::from(format!(
                        "content/{}/{name}",
                        crate::model::url::MEMBERS_FILES
                    )),
                    0,
                    0,
                )),
                what: "le fichier des membres".into(),
            },
        }
    }

    fn summary_label(&self) -> &'static str {
        match self {
            Files::Asset(_) => "fichiers statiques",
            Files::MembersFile(_) => "fichiers des membres",
        }
    }
}
