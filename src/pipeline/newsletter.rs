//! `ess-site newsletter`: the site loaded, checked and assembled as a build publishes it at
//! the end of the letter's window, then the letter rendered (`render::newsletter`).

use crate::diagnostic::Diagnostic;
use crate::model::{time, Date};
use crate::render::site::BuildOptions;
use crate::render::{self, newsletter::Newsletter};
use chrono::NaiveDate;
use std::path::Path;

/// Builds the newsletter of the site in `root` for the days `since` to `until`, both included,
/// as the site is published at `now`: a record the build would not publish at that moment
/// (dated later, even later the same day) is not in the letter.
pub fn newsletter(
    root: &Path,
    since: NaiveDate,
    until: NaiveDate,
    now: chrono::NaiveDateTime,
) -> Result<Newsletter, Vec<Diagnostic>> {
    if since > until {
        return Err(vec![Diagnostic::error(
            "newsletter",
            0,
            0,
            format!("--since {since} est après --until {until}"),
        )]);
    }
    // The site as a build publishes it at the end of the window, or now if the window ends
    // later: no drafts, no private records, nothing dated after that moment.
    let end_of_window = time::end_moment(Date {
        at: until.and_time(chrono::NaiveTime::MIN),
        has_time: false,
    });
    let options = BuildOptions {
        now: end_of_window.min(now),
        drafts: false,
        include_private: false,
        base_url: None,
        scheduled: false,
        editor_local: false,
    };
    let (site, diagnostics) = super::prepare(root, options);
    let Some(site) = site else {
        return Err(diagnostics);
    };
    let jobs = render::plan(&site);
    let renderer = render::Renderer::new(&site, &jobs)?;
    let broken = render::newsletter::check_intro_links(root, &renderer);
    if !broken.is_empty() {
        return Err(broken);
    }
    render::newsletter::letter(&site, since, until)
}
