//! Stage 3, render: pure. A `Site` in, output files out; no disk I/O.
//!
//! `plan` lists one `Job` per output file; `Renderer::render` turns one job into bytes. Jobs are
//! independent, so they run in parallel, and a caller may render any subset of them.

pub mod context;
pub mod feeds;
pub mod fingerprint;
pub mod ics;
pub mod markdown;
pub mod opendata;
pub mod owners;
pub mod plan;

use crate::diagnostic::Diagnostic;
use crate::site::Site;
pub use plan::{output_path, plan, Job};
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use tera::Tera;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Path inside the output folder, with `/` separators (`acteurs/up-sceaux/index.html`).
    pub path: String,
    pub bytes: Vec<u8>,
    /// The site-internal links of the Markdown shown on the page (checked when rendered).
    pub links: Vec<String>,
}

/// A rendered output and what it was rendered from.
#[derive(Clone)]
pub struct CachedOutput {
    pub fingerprint: u64,
    pub bytes: Arc<Vec<u8>>,
    pub links: Arc<Vec<String>>,
}

impl CachedOutput {
    /// An output that links to no page (the search index's files).
    pub fn unlinked(fingerprint: u64, bytes: Vec<u8>) -> Self {
        CachedOutput {
            fingerprint,
            bytes: Arc::new(bytes),
            links: Arc::new(Vec::new()),
        }
    }
}

/// Renders jobs of one site. Holds the compiled templates and the values every page shares.
pub struct Renderer<'a> {
    pub site: &'a Site,
    tera: Arc<Tera>,
    /// `site` in templates: title, menu, base URL… serialised once.
    globals: tera::Value,
    /// The plan, which the sitemap lists.
    jobs: &'a [Job],
    /// The URLs of every HTML page with their last change, for the sitemap (made when needed).
    sitemap_urls: OnceLock<Vec<(String, Option<String>)>>,
    /// Every URL of the site, to check internal links.
    urls: HashSet<String>,
}

/// Compiles a theme's templates, with the theme's filters and escaping.
pub fn compile_templates(theme: &crate::theme::Theme) -> Result<Arc<Tera>, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    let templates: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(templates) {
        return Err(vec![template_error(&e, None, theme)]);
    }
    context::register_filters(&mut tera);
    tera.set_escape_fn(escape_html);
    Ok(Arc::new(tera))
}

impl<'a> Renderer<'a> {
    /// Compiles the theme's templates. `jobs` is the plan, which the sitemap lists.
    pub fn new(site: &'a Site, jobs: &'a [Job]) -> Result<Renderer<'a>, Vec<Diagnostic>> {
        Ok(Renderer::with_templates(
            site,
            jobs,
            compile_templates(&site.theme)?,
        ))
    }

    /// A renderer with templates compiled before (a preview keeps them while the theme is
    /// unchanged).
    pub fn with_templates(site: &'a Site, jobs: &'a [Job], tera: Arc<Tera>) -> Renderer<'a> {
        let globals = context::globals(site);
        let urls = jobs.iter().map(|j| j.url(site)).collect();
        Renderer {
            site,
            tera,
            globals,
            jobs,
            sitemap_urls: OnceLock::new(),
            urls,
        }
    }

    fn sitemap_urls(&self) -> &[(String, Option<String>)] {
        self.sitemap_urls.get_or_init(|| {
            self.jobs
                .iter()
                .filter(|j| j.in_sitemap())
                .map(|j| (j.url(self.site), context::lastmod(self.site, j)))
                .collect()
        })
    }

    /// Renders one job. Fails on a template error or a link to a page the site does not have.
    pub fn render(&self, job: &Job) -> Result<Output, Vec<Diagnostic>> {
        let url = job.url(self.site);
        let path = output_path(&url);
        let mut links = Vec::new();
        let bytes = match job {
            Job::Feed(feed) => feeds::rss(self.site, *feed).into_bytes(),
            Job::Sitemap => feeds::sitemap(self.site, self.sitemap_urls()).into_bytes(),
            Job::Robots => feeds::robots(self.site).into_bytes(),
            Job::Calendar(which) => ics::calendar(self.site, *which).into_bytes(),
            Job::OpenData(plan::DataFormat::Csv) => opendata::csv(self.site),
            Job::OpenData(plan::DataFormat::Json) => opendata::json(self.site),
            Job::OpenData(plan::DataFormat::GoGoCarto) => opendata::gogocarto(self.site),
            Job::Asset(name) => self
                .site
                .theme
                .assets
                .get(name)
                .cloned()
                .unwrap_or_default(),
            Job::MembersFile(name) => self
                .site
                .members_files
                .get(name)
                .map(|b| b.to_vec())
                .unwrap_or_default(),
            _ => {
                let (template, ctx, source) = context::page(self.site, job, &url, &mut links);
                self.check_links(job, &links)?;
                let mut context = tera::Context::from_value(ctx)
                    .map_err(|e| vec![template_error(&e, source.as_deref(), &self.site.theme)])?;
                context.insert("site", &self.globals);
                context.insert("current_url", &url);
                self.tera
                    .render(template, &context)
                    .map_err(|e| {
                        vec![template_error(
                            &e,
                            Some(&page_name(source.as_deref(), &url)),
                            &self.site.theme,
                        )]
                    })?
                    .into_bytes()
            }
        };
        Ok(Output { path, bytes, links })
    }

    /// Whether every link of `links` leads to a page of this build.
    pub fn links_resolve(&self, links: &[String]) -> bool {
        links.iter().all(|l| self.link_resolves(l))
    }

    fn link_resolves(&self, link: &str) -> bool {
        let path = link.split(['#', '?']).next().unwrap_or("");
        let path = percent_decode(path);
        self.urls.contains(&path)
            || (!path.ends_with('/') && self.urls.contains(&format!("{path}/")))
            || self.urls.contains(path.trim_end_matches("index.html"))
    }
}

impl Renderer<'_> {
    /// Every internal link of a record's body must lead to a page of this build: a link to a
    /// missing, draft or private record is an error, not a dead link.
    fn check_links(&self, job: &Job, links: &[String]) -> Result<(), Vec<Diagnostic>> {
        match context::source_of(self.site, job) {
            Some(src) => self.check_links_in(&src.path, &src.body, src.body_line, links),
            None => self.check_links_in(std::path::Path::new("content"), "", 0, links),
        }
    }

    /// `check_links` for links found in `text`, which starts at line `first_line` of `file`
    /// (0: no position).
    pub fn check_links_in(
        &self,
        file: &std::path::Path,
        text: &str,
        first_line: usize,
        links: &[String],
    ) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        for link in links {
            if !self.link_resolves(link) {
                let path = percent_decode(link.split(['#', '?']).next().unwrap_or(""));
                let (line, column) = if first_line == 0 {
                    (0, 0)
                } else {
                    let (l, c) = position_in(text, link);
                    (l + first_line - 1, c)
                };
                let file = file.to_path_buf();
                let with_slash = if path.ends_with('/') {
                    path.clone()
                } else {
                    format!("{path}/")
                };
                let members = format!("/{}/", crate::load::MEMBERS_FILES);
                let d = if path.starts_with(&members) {
                    Diagnostic::error(file, line, column, format!("lien vers un fichier réservé aux membres : {link}"))
                        .with_help("les fichiers de content/ressources/fichiers/ ne sont publiés que par une construction des membres (--include-private) : liez-les depuis une ressource privée")
                } else if self.site.unpublished.contains(&with_slash) {
                    Diagnostic::error(file, line, column, format!("lien vers une fiche qui n'est pas publiée : {link}"))
                        .with_help("la fiche est privée, en brouillon ou datée dans le futur : retirez le lien, ou publiez la fiche")
                } else {
                    let d = Diagnostic::error(
                        file,
                        line,
                        column,
                        format!("lien vers une page qui n'existe pas : {link}"),
                    );
                    // Only a near miss is a useful hint (a typo in a slug), not any page nearby.
                    let candidates = self.urls.iter().map(String::as_str);
                    match crate::diagnostic::closest(&path, candidates)
                        .filter(|c| strsim::jaro_winkler(c, &path) > 0.93)
                    {
                        Some(c) => d.with_help(format!("vouliez-vous dire {c} ?")),
                        None => d.with_help("vérifiez l'adresse : les fiches ont pour adresse /dossier/nom-du-fichier/"),
                    }
                };
                errors.push(d);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Decodes `%XX` escapes of a URL path.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && s.is_char_boundary(i + 3) {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// 1-based line and column of the first `(target` in a Markdown body.
fn position_in(body: &str, target: &str) -> (usize, usize) {
    let needle = format!("({target}");
    match body.find(&needle).or_else(|| body.find(target)) {
        Some(at) => crate::config::line_col(body, at + 1),
        None => (1, 1),
    }
}

/// HTML escaping for templates: `& < > " '`. Tera's default also escapes `/`, which makes
/// every URL unreadable (`&#x2F;acteurs&#x2F;`) for no safety gain inside quoted attributes.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Tera's most common messages, in French.
fn french_tera_message(detail: &str) -> String {
    let culprit = detail.split('`').nth(1).unwrap_or("");
    if detail.starts_with("Variable `") && detail.contains("not found in context") {
        format!("variable `{culprit}` inconnue ici")
    } else if detail.starts_with("Filter `") && detail.contains("not found") {
        format!("filtre `{culprit}` inconnu")
    } else if detail.starts_with("Function `") && detail.contains("not found") {
        format!("fonction `{culprit}` inconnue")
    } else if detail.starts_with("Template '") && detail.contains("not found") {
        format!(
            "gabarit introuvable : {}",
            detail.split('\'').nth(1).unwrap_or("")
        )
    } else {
        detail.to_string()
    }
}

/// "content/pages/x.md (/x/)", or the URL of a generated page.
fn page_name(source: Option<&str>, url: &str) -> String {
    match source {
        Some(s) => format!("{s} ({url})"),
        None => url.to_string(),
    }
}

/// A Tera error as a diagnostic naming the template and the page being rendered.
fn template_error(e: &tera::Error, page: Option<&str>, theme: &crate::theme::Theme) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    // The innermost template named is the one at fault (a child names its parent too).
    let name = chain
        .iter()
        .rev()
        .flat_map(|m| m.split('\'').skip(1).step_by(2))
        .find(|n| theme.templates.contains_key(*n))
        .unwrap_or("?")
        .to_string();
    let file = theme.origin(&name);
    let text = theme.templates.get(&name).map(String::as_str).unwrap_or("");
    // Parse errors carry " --> line:col"; render errors name a variable or a filter.
    let position = chain.iter().find_map(|m| {
        let rest = &m[m.find("--> ")? + 4..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(rest.len());
        let (l, c) = rest[..end].split_once(':')?;
        Some((l.parse().ok()?, c.parse().ok()?))
    });
    let culprit = chain
        .iter()
        .find_map(|m| m.split('`').nth(1).map(str::to_string));
    let (line, column) = position
        .or_else(|| {
            let needle = culprit.as_deref()?;
            text.lines()
                .enumerate()
                .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, l[..c].chars().count() + 1)))
        })
        .unwrap_or((0, 0));
    let detail = chain
        .iter()
        .flat_map(|m| m.lines())
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("-->")
                && !l.starts_with('|')
                && !l.starts_with(char::is_numeric)
        })
        .filter(|l| !l.starts_with("Failed to render") && !l.starts_with("Failed to parse"))
        .map(|l| l.trim_start_matches("= "))
        .collect::<Vec<_>>()
        .join(" ; ");
    let detail = french_tera_message(&detail);
    let message = match page {
        Some(p) => format!("erreur dans le gabarit {name} en rendant {p} : {detail}"),
        None => format!("erreur de syntaxe dans le gabarit {name} : {detail}"),
    };
    Diagnostic::error(file, line, column, message)
        .with_help("corrigez le gabarit ; les variables disponibles sont décrites dans le README")
}
