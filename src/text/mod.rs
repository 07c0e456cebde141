//! The text helpers, at the bottom of the house: French conventions (dates, typography,
//! slugs, sort keys), Markdown to safe HTML, raw HTML escaped and measured, control characters
//! refused, and the libraries' English messages put into French.
//!
//! They take text and give text: no record, no file, no stage. They may import only
//! `diagnostic` (for the position of a refused character).

pub mod control;
pub mod french;
pub mod html;
pub mod markdown;
pub mod packed;
pub mod translate;
