//! ess-site: the publishing tool of a town's *Maison virtuelle de l'ESS*.
//!
//! The build is a pipeline of four stages, each its own module: [`load`] (files to records),
//! [`validate`] (every problem at once), [`render`] (pure: site to output files) and
//! [`write`] (the only stage that touches the output folder). [`pipeline`] chains them.

// Without `full`, the library is the check alone (for WebAssembly): what only the commands use
// is left unused there.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

#[cfg(feature = "full")]
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
#[cfg(feature = "full")]
pub(crate) mod serve;
pub mod text;
pub(crate) mod validate;
pub(crate) mod write;
mod yaml;
