//! ess-site: the publishing tool of a town's *Maison virtuelle de l'ESS*.
//!
//! The build is a pipeline of four stages, each its own module: [`load`] (files to records),
//! [`validate`] (every problem at once), [`render`] (pure: site to output files) and
//! [`write`] (the only stage that touches the output folder). [`pipeline`] chains them.

pub mod brand;
pub mod cli;
pub mod diagnostic;
pub mod editor;
pub(crate) mod files;
pub(crate) mod http;
pub mod images;
pub mod incremental;
pub mod load;
pub mod model;
pub mod newsletter;
pub mod pipeline;
pub mod render;
pub(crate) mod report;
pub(crate) mod scaffold;
pub(crate) mod serve;
pub mod site;
pub(crate) mod theme;
pub mod text;
pub(crate) mod validate;
pub(crate) mod write;
mod yaml;
