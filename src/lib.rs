//! ess-site: the publishing tool of a town's *Maison virtuelle de l'ESS*.
//!
//! The build is a pipeline of four stages, each its own module: [`load`] (files to records),
//! [`validate`] (every problem at once), [`render`] (pure: site to output files) and
//! [`write`] (the only stage that touches the output folder). [`pipeline`] chains them.

pub mod cli;
pub mod diagnostic;
pub(crate) mod files;
pub mod images;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod render;
pub use render::site;
pub(crate) mod report;
pub(crate) mod serve;
pub mod text;
pub(crate) mod validate;
pub(crate) mod write;
mod yaml;
