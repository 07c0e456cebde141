//! ess-site: the publishing tool of a town's *Maison virtuelle de l'ESS*.
//!
//! The build is a pipeline of four stages, each its own module: [`load`] (files to records),
//! [`validate`] (every problem at once), [`render`] (pure: site to output files) and
//! [`write`] (the only stage that touches the output folder). [`pipeline`] chains them.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod french;
pub mod html;
pub mod http;
pub mod incremental;
pub mod load;
pub mod model;
pub mod newsletter;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
pub mod url;
pub mod validate;
pub mod write;
mod yaml;
