//! The images of `static/`, resized (see `crate::images`): one job per published file.

use super::family::{Family, Rendered};
use crate::diagnostic::Diagnostic;
use crate::images::{Image, Variant};
use crate::render::fingerprint::Fingerprints;
use crate::render::owners::{Owner, OwnerKind};
use crate::render::renderer::Renderer;
use crate::render::site::Site;
use std::hash::{DefaultHasher, Hash};
use std::path::PathBuf;
use std::sync::Arc;

/// One published file of an image: its site path in `static/`, and which file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Images {
    pub path: String,
    pub variant: Variant,
    /// Its site path, made once (a job's address is asked for several times in a build).
    pub url: String,
}

pub fn jobs(site: &Site) -> Vec<Images> {
    let library = &site.theme.images;
    site.images
        .iter()
        .filter_map(|(path, cover)| Some((library.images.get(path)?, *cover)))
        .flat_map(|(image, cover)| {
            image.variants(cover).into_iter().map(|variant| Images {
                path: image.path.clone(),
                variant,
                url: image.url(variant),
            })
        })
        .collect()
}

impl Images {
    fn image(&self, site: &Site) -> Option<Arc<Image>> {
        site.theme.images.images.get(&self.path).cloned()
    }

    fn cover(&self, site: &Site) -> bool {
        site.images.get(&self.path).copied().unwrap_or(false)
    }
}

impl Family for Images {
    fn url(&self, _: &Site) -> String {
        self.url.clone()
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        let site = fp.site();
        (self.image(site), self.cover(site)).hash(h);
    }

    fn render(&self, r: &Renderer, _: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        let Some(image) = self.image(site) else {
            return Ok(Rendered::File(Vec::new()));
        };
        let library = &site.theme.images;
        let cover = self.cover(site);
        match library.cached_file(&image, self.variant, cover) {
            Ok(Some(file)) => Ok(Rendered::Linked(file)),
            Ok(None) => library
                .file(&image, self.variant, cover)
                .map(Rendered::File)
                .map_err(|d| vec![d]),
            Err(d) => Err(vec![d]),
        }
    }

    fn owner(&self, site: &Site) -> Owner {
        let origin = self
            .image(site)
            .map_or_else(|| format!("static{}", self.path), |i| i.origin.clone());
        Owner {
            kind: OwnerKind::Asset,
            place: Some((PathBuf::from(origin), 0, 0)),
            what: match self.variant {
                Variant::Original => "l'image".into(),
                _ => "une taille de l’image".into(),
            },
        }
    }

    fn summary_label(&self) -> &'static str {
        "images"
    }

    fn deferrable(&self) -> bool {
        true
    }
}
