//! Stage 3, render: pure. A `Site` in, output files out; no disk I/O.
//!
//! `plan` lists one `Job` per output (one per file, or one per folder of files for the search
//! index); `Renderer::render` turns one job into its files. Jobs are independent, so they run
//! in parallel, and a caller may render any subset of them. Each job belongs to a family of
//! pages (`pages/`), which says its URL, inputs, context and template.

pub mod editor;
pub mod feeds;
pub mod fingerprint;
pub mod ics;
pub mod opendata;
pub mod newsletter;
pub mod owners;
pub mod pages;
pub mod renderer;
pub mod search;
pub mod site;
pub mod srcsets;
pub mod templates;


pub use crate::model::url::output_path;
pub use pages::{plan, Job, Rendered};
pub use renderer::{compressed, Documents, Output, Renderer};
pub use templates::compile_templates;
