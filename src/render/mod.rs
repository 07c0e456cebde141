//! Stage 3, render: a `Site` in (the published site, `site`, assembled from what load read),
//! output files out. Pure but for the image jobs, which read a picture of `static/` and keep
//! what they make in the image cache through `images` (the one module beside `write` that
//! writes to disk).
//!
//! `pages::plan` lists one `Job` per output (one per file, or one per folder of files for the
//! search index); `Renderer::render` turns one job into its files. Jobs are independent, so
//! they run in parallel, and a caller may render any subset of them. Each job belongs to a
//! family of pages (`pages/`), which says its URL, inputs, context and template.
//!
//! Owns: the published site, the templates, pages, feeds, calendars, exports, search index,
//! the editor's configuration and the newsletter's HTML.
//! May import: `load` (the theme, and a source's text for a diagnostic's line), `model`,
//! `images` and the ground; never `validate`, `write`, `pipeline`, `serve` or `cli`.

pub mod datainclusion;
pub mod editor;
pub mod feeds;
pub mod fingerprint;
pub mod hours;
pub mod ics;
pub mod indexer;
pub mod mapgrid;
pub mod newsletter;
pub mod opendata;
pub mod owners;
pub mod pages;
pub mod prefix;
pub mod renderer;
pub mod report;
pub mod search;
pub mod site;
pub mod sitemap;
pub mod srcsets;
pub mod templates;
mod terms;

pub use crate::model::url::output_path;
pub use pages::{plan, Job, Rendered};
pub use renderer::{compress_copy, compressed, compressible, Documents, Output, Renderer, COPIES};
pub use templates::compile_templates;
