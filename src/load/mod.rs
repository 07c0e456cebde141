//! Stage 1, load: the only stage that reads the sources. Reads `site.toml`, the theme (with the
//! commune's `[brand]` laid over it: `theme`, `brand`), discovers the content files, splits
//! front matter and parses every record, collecting every parse error with its file and line.
//! After load, a stage that needs a source's text for a diagnostic's line asks here
//! (`source_text`, `data_text`).
//!
//! Owns: the file kinds of `content/`, the parsed records (`Content`, `Loaded`), the theme.
//! May import: `model`, `images` (the pictures of `static/`), `yaml` and the ground.

pub mod brand;
mod record;
mod text;
pub mod theme;
use crate::diagnostic::Diagnostic;
use crate::load::theme::Theme;
use crate::model::config::Config;
use crate::model::{
    Actor, Conference, Entry, ForumEdition, Home, MagazineRecord, Page, Resource, Section,
};
use crate::text::packed::Store;
use crate::yaml;
use rayon::prelude::*;
use record::parse_record;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use text::read_text;
pub use text::{archive_text, data_text, source_text, split_front_matter, Split};

/// Reads `site.toml` in `root`.
pub fn config(root: &Path) -> Result<Config, Diagnostic> {
    let path = root.join("site.toml");
    let rel = Path::new("site.toml");
    let text = crate::files::read_to_string(&path).map_err(|e| {
        Diagnostic::error(rel, 0, 0, format!("impossible de lire site.toml : {}", crate::diagnostic::io_fr(&e)))
            .with_help("lancez la commande dans le dossier du site, ou créez-en un avec `ess-site init DOSSIER`")
    })?;
    Config::parse(&text, rel)
}

/// Every record of the site, as parsed, drafts and private records included.
#[derive(Debug, Default, Clone)]
pub struct Content {
    pub actors: Vec<Arc<Entry<Actor>>>,
    pub forums: Vec<Arc<Entry<ForumEdition>>>,
    pub conferences: Vec<Arc<Entry<Conference>>>,
    pub dossiers: Vec<Arc<Entry<MagazineRecord>>>,
    pub resources: Vec<Arc<Entry<Resource>>>,
    pub pages: Vec<Arc<Entry<Page>>>,
    pub home: Option<Arc<Entry<Home>>>,
    /// `content/data/NAME.yaml`, by NAME.
    pub data: BTreeMap<String, serde_json::Value>,
    /// The members' files (`content/ressources/fichiers/NAME`), by NAME: published only by a
    /// members' build (`--include-private`), at `/ressources/fichiers/NAME`.
    pub members_files: BTreeMap<String, Arc<Vec<u8>>>,
    /// The records that could not be read at all, by section and slug: they exist, so the
    /// records naming them are not in error too.
    pub declared: std::collections::BTreeSet<(Section, String)>,
    /// The records read without some of their keys (in error), by file, with those keys.
    pub partial: BTreeMap<PathBuf, Vec<String>>,
}

/// What the load stage hands to validation (a copy shares the records).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub root: PathBuf,
    pub config: Config,
    pub theme: std::sync::Arc<Theme>,
    pub content: Content,
}

/// Files of `content/` as they would be after a change not yet written: (path relative to the
/// site, its new text, or `None` when it goes away).
pub type Overlay = [(PathBuf, Option<String>)];

/// Loads the site in `root`. Returns the site if it could be read at all, and every problem found.
pub fn load(root: &Path) -> (Option<Loaded>, Vec<Diagnostic>) {
    load_with(root, &[])
}

/// Loads the site in `root` as it would be with `overlay` written: what the editor's save
/// would make of the site, before anything is written.
pub fn load_with(root: &Path, overlay: &Overlay) -> (Option<Loaded>, Vec<Diagnostic>) {
    load_into(root, overlay, &Store::in_memory())
}

/// `load_with`, the records' bodies kept by `bodies` (a build's store holds them in a scratch
/// file past its budget).
pub fn load_into(
    root: &Path,
    overlay: &Overlay,
    bodies: &Store,
) -> (Option<Loaded>, Vec<Diagnostic>) {
    let (loaded, diagnostics, ()) = load_beside(root, overlay, bodies, |_| ());
    (loaded, diagnostics)
}

/// `load_into`, with `beside` run on the theme while the content is read (a build compiles
/// the theme's templates meanwhile); what it gives, once the theme could be read.
pub fn load_beside<R: Send + Default>(
    root: &Path,
    overlay: &Overlay,
    bodies: &Store,
    beside: impl FnOnce(&Theme) -> R + Send,
) -> (Option<Loaded>, Vec<Diagnostic>, R) {
    let mut diagnostics = Vec::new();
    let config = match config(root) {
        Ok(c) => c,
        Err(d) => return (None, vec![d], R::default()),
    };
    let theme = match Theme::load(root, &config) {
        Ok(t) => std::sync::Arc::new(t),
        Err(mut ds) => {
            diagnostics.append(&mut ds);
            return (None, diagnostics, R::default());
        }
    };
    let (content, made) = rayon::join(
        || load_content(root, &config, overlay, bodies, &mut diagnostics),
        || beside(&theme),
    );
    (
        Some(Loaded {
            root: root.to_path_buf(),
            config,
            theme,
            content,
        }),
        diagnostics,
        made,
    )
}

/// One parsed file of `content/`.
#[derive(Debug, Clone)]
pub enum Parsed {
    Actor(Arc<Entry<Actor>>),
    Forum(Arc<Entry<ForumEdition>>),
    Conference(Arc<Entry<Conference>>),
    MagazineRecord(Arc<Entry<MagazineRecord>>),
    Resource(Arc<Entry<Resource>>),
    Page(Arc<Entry<Page>>),
    Home(Arc<Entry<Home>>),
    Data(String, serde_json::Value),
    /// A members' file: its name under `content/ressources/fichiers/`, its bytes.
    MembersFile(String, Arc<Vec<u8>>),
}

impl Parsed {
    /// The record's source, when this file is a record this value alone holds.
    fn source_mut(&mut self) -> Option<&mut crate::model::Source> {
        match self {
            Parsed::Actor(e) => Arc::get_mut(e).map(|e| &mut e.source),
            Parsed::Forum(e) => Arc::get_mut(e).map(|e| &mut e.source),
            Parsed::Conference(e) => Arc::get_mut(e).map(|e| &mut e.source),
            Parsed::MagazineRecord(e) => Arc::get_mut(e).map(|e| &mut e.source),
            Parsed::Resource(e) => Arc::get_mut(e).map(|e| &mut e.source),
            Parsed::Page(e) => Arc::get_mut(e).map(|e| &mut e.source),
            Parsed::Home(e) => Arc::get_mut(e).map(|e| &mut e.source),
            Parsed::Data(..) | Parsed::MembersFile(..) => None,
        }
    }
}

/// A file that could not be read whole: its problems, and what could be read of it anyway.
#[derive(Debug, Clone, Default)]
pub struct Unread {
    pub diagnostics: Vec<Diagnostic>,
    /// The record without its keys in error: validated like the others, so that a mistake
    /// does not hide the next, never published (its errors stop the build).
    pub partial: Option<Parsed>,
    /// The top-level keys set aside.
    pub set_aside: Vec<String>,
    /// The record's section and slug (its `slug:` or its file name), so that the records
    /// that name it are not reported too.
    pub declares: Option<(Section, String)>,
}

impl From<Vec<Diagnostic>> for Box<Unread> {
    fn from(diagnostics: Vec<Diagnostic>) -> Box<Unread> {
        Box::new(Unread {
            diagnostics,
            ..Unread::default()
        })
    }
}

impl From<Diagnostic> for Box<Unread> {
    fn from(d: Diagnostic) -> Box<Unread> {
        Box::<Unread>::from(vec![d])
    }
}

/// The result of reading one file of `content/`.
pub type FileResult = Result<Parsed, Box<Unread>>;

/// What a file of `content/` is, from where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Record(Section),
    Home,
    Data,
    /// A file of `content/ressources/fichiers/`, for members only.
    MembersFile,
}

fn load_content(
    root: &Path,
    config: &Config,
    overlay: &Overlay,
    bodies: &Store,
    diagnostics: &mut Vec<Diagnostic>,
) -> Content {
    let (mut files, mut found) = discover(root);
    diagnostics.append(&mut found);
    // The overlay's files replace the disk's, in the same order (by path).
    files.retain(|f| !overlay.iter().any(|(rel, _)| root.join(rel) == f.path));
    let mut read: Vec<(PathBuf, FileKind, Option<&str>)> =
        files.into_iter().map(|f| (f.path, f.kind, None)).collect();
    for (rel, text) in overlay {
        if let (Some(text), Some(Some(kind))) = (text, classify(rel)) {
            read.push((root.join(rel), kind, Some(text.as_str())));
        }
    }
    read.sort_by(|a, b| a.0.cmp(&b.0));
    let results: Vec<FileResult> = read
        .par_iter()
        .map(|(path, kind, text)| match text {
            None => parse_file(root, path, *kind, config.max_file_size),
            Some(text) if text.len() as u64 > config.max_file_size => {
                Err(Box::<Unread>::from(Diagnostic::error(
                    relative(root, path),
                    0,
                    0,
                    format!(
                        "fichier trop gros : {} Kio, la limite est {} Kio",
                        text.len() / 1024,
                        config.max_file_size / 1024
                    ),
                )))
            }
            Some(text) => parse_text(&relative(root, path), text.to_string(), *kind),
        })
        .map(|mut result| {
            if let Some(source) = result.as_mut().ok().and_then(Parsed::source_mut) {
                source.body = bodies.keep(std::mem::take(&mut source.body));
                source.yaml = bodies.keep(std::mem::take(&mut source.yaml));
            }
            result
        })
        .collect();
    let (content, mut problems) = collect(results.iter());
    diagnostics.append(&mut problems);
    content
}

/// A file of `content/` and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentFile {
    /// The file's path (the site's folder joined with `content/…`).
    pub path: PathBuf,
    pub kind: FileKind,
}

/// Lists the files of `content/`, sorted, with a warning for each file that is not content.
pub fn discover(root: &Path) -> (Vec<ContentFile>, Vec<Diagnostic>) {
    let content_dir = root.join("content");
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error("content", 0, 0, "le dossier content/ est introuvable").with_help(
                "créez content/ avec vos fiches, ou un site complet avec `ess-site init DOSSIER`",
            ),
        );
        return (files, diagnostics);
    }
    let walker = walkdir::WalkDir::new(&content_dir)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| PathBuf::from("content"));
                diagnostics.push(Diagnostic::error(
                    path,
                    0,
                    0,
                    format!("lecture impossible : {}", crate::diagnostic::walk_fr(&e)),
                ));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = relative(root, entry.path());
        if entry.path_is_symlink() {
            if let Err(d) = check_symlink(root, entry.path(), &rel) {
                diagnostics.push(d);
                continue;
            }
        }
        match classify(&rel) {
            Some(Some(kind)) => files.push(ContentFile { path: entry.path().to_path_buf(), kind }),
            Some(None) => diagnostics.push(
                Diagnostic::warning(&rel, 0, 0, "fichier ignoré : ni une fiche ni une donnée reconnue")
                    .with_help(format!(
                        "les fiches vont dans content/{{{}}}/ (.md ou .yaml), les données dans content/data/ (.yaml), les images dans static/",
                        Section::ALL.iter().map(|s| s.folder()).collect::<Vec<_>>().join(",")
                    )),
            ),
            None => {}
        }
    }
    (files, diagnostics)
}

/// A symbolic link in `content/` is read only if it leads to a file inside the site: one that
/// leads outside, to a folder, nowhere, or round in a loop is refused.
fn check_symlink(root: &Path, path: &Path, rel: &Path) -> Result<(), Diagnostic> {
    let refuse = |why: &str| {
        Diagnostic::error(rel, 0, 0, format!("lien symbolique refusé : {why}"))
            .with_help("remplacez le lien par le fichier lui-même, placé dans le dossier du site")
    };
    let target = std::fs::canonicalize(path)
        .map_err(|_| refuse("il ne mène nulle part, ou tourne en boucle"))?;
    let site = std::fs::canonicalize(root).map_err(|_| refuse("dossier du site introuvable"))?;
    if !target.starts_with(&site) {
        return Err(refuse("il mène hors du dossier du site"));
    }
    if !target.is_file() {
        return Err(refuse("il mène à un dossier, qui n'est pas suivi"));
    }
    Ok(())
}

/// What a file of `content/` is, from its path relative to the site: `None` for editor and
/// system files (skipped silently), `Some(None)` for a file that is not content.
pub fn classify(rel: &Path) -> Option<Option<FileKind>> {
    let name = rel.file_name()?.to_string_lossy();
    if name.starts_with('.') || name.ends_with('~') || name.starts_with('#') {
        return None; // editor and system files
    }
    let ext = Path::new(&*name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let is_record_file = matches!(ext, "md" | "yaml" | "yml");
    let inside = rel.strip_prefix("content").unwrap_or(rel);
    let mut parts = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let first = parts.next().unwrap_or_default();
    let nested = parts.next().is_some();
    let kind = if inside.starts_with(crate::model::url::MEMBERS_FILES) {
        Some(FileKind::MembersFile)
    } else if !nested {
        (first == "_index.md").then_some(FileKind::Home)
    } else if first == "data" {
        matches!(ext, "yaml" | "yml").then_some(FileKind::Data)
    } else {
        Section::ALL
            .iter()
            .find(|s| s.folder() == first)
            .filter(|_| is_record_file)
            .map(|s| FileKind::Record(*s))
    };
    Some(kind)
}

/// Gathers parsed files into the site's content, and their problems.
pub fn collect<'a>(
    results: impl IntoIterator<Item = &'a FileResult>,
) -> (Content, Vec<Diagnostic>) {
    let mut content = Content::default();
    let mut diagnostics = Vec::new();
    for r in results {
        let parsed = match r {
            Ok(p) => p,
            Err(unread) => {
                diagnostics.extend(unread.diagnostics.iter().cloned());
                if let Some(declared) = &unread.declares {
                    content.declared.insert(declared.clone());
                }
                let Some(partial) = &unread.partial else {
                    continue;
                };
                if let Some(path) = partial.path() {
                    content
                        .partial
                        .insert(path.to_path_buf(), unread.set_aside.clone());
                }
                partial
            }
        };
        match parsed {
            Parsed::Actor(e) => content.actors.push(e.clone()),
            Parsed::Forum(e) => content.forums.push(e.clone()),
            Parsed::Conference(e) => content.conferences.push(e.clone()),
            Parsed::MagazineRecord(e) => content.dossiers.push(e.clone()),
            Parsed::Resource(e) => content.resources.push(e.clone()),
            Parsed::Page(e) => content.pages.push(e.clone()),
            Parsed::Home(e) => content.home = Some(e.clone()),
            Parsed::Data(name, v) => {
                content.data.insert(name.clone(), v.clone());
            }
            Parsed::MembersFile(name, bytes) => {
                content.members_files.insert(name.clone(), bytes.clone());
            }
        }
    }
    (content, diagnostics)
}

impl Parsed {
    /// The file a record was read from.
    fn path(&self) -> Option<&Path> {
        Some(match self {
            Parsed::Actor(e) => &e.source.path,
            Parsed::Forum(e) => &e.source.path,
            Parsed::Conference(e) => &e.source.path,
            Parsed::MagazineRecord(e) => &e.source.path,
            Parsed::Resource(e) => &e.source.path,
            Parsed::Page(e) => &e.source.path,
            Parsed::Home(e) => &e.source.path,
            Parsed::Data(..) | Parsed::MembersFile(..) => return None,
        })
    }
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Reads and parses one file of `content/`.
pub fn parse_file(root: &Path, path: &Path, kind: FileKind, max_size: u64) -> FileResult {
    let rel = relative(root, path);
    if kind == FileKind::MembersFile {
        return Ok(read_members_file(path, &rel, max_size)?);
    }
    let text = match read_text(path, &rel, max_size) {
        Ok(t) => t,
        Err(d) => {
            let mut unread = Box::<Unread>::from(d);
            unread.declares = declared(&rel, kind, "");
            return Err(unread);
        }
    };
    parse_text(&rel, text, kind)
}

/// The section and slug a record file declares: its `slug:` line, else its file name.
fn declared(rel: &Path, kind: FileKind, text: &str) -> Option<(Section, String)> {
    let FileKind::Record(section) = kind else {
        return None;
    };
    let written = text.lines().find_map(|l| {
        let v = l.strip_prefix("slug:")?.trim().trim_matches(['"', '\'']);
        (!v.is_empty()).then(|| v.to_string())
    });
    let stem = rel.file_stem()?.to_string_lossy().into_owned();
    Some((section, written.unwrap_or(stem)))
}

/// Reads a members' file. Documents are larger than records: the limit is 16 times theirs.
fn read_members_file(path: &Path, rel: &Path, max_size: u64) -> Result<Parsed, Diagnostic> {
    let limit = max_size.saturating_mul(16);
    let name = rel
        .strip_prefix(Path::new("content").join(crate::model::url::MEMBERS_FILES))
        .unwrap_or(rel)
        .to_string_lossy()
        .replace('\\', "/");
    let read_error = |e: std::io::Error| {
        Diagnostic::error(
            rel,
            0,
            0,
            format!("lecture impossible : {}", crate::diagnostic::io_fr(&e)),
        )
    };
    let meta = std::fs::metadata(path).map_err(read_error)?;
    if meta.len() > limit {
        return Err(Diagnostic::error(
            rel,
            0,
            0,
            format!(
                "fichier trop gros : {} Kio, la limite des fichiers des membres est {} Kio",
                meta.len() / 1024,
                limit / 1024
            ),
        )
        .with_help(
            "la limite se règle avec max_file_size_kib dans site.toml (16 fois cette valeur)",
        ));
    }
    let bytes = crate::files::read(path).map_err(read_error)?;
    Ok(Parsed::MembersFile(name, Arc::new(bytes)))
}

/// Parses the text of a content file, whose path relative to the site is `rel`.
fn parse_text(rel: &Path, text: String, kind: FileKind) -> FileResult {
    let is_yaml = rel.extension().is_none_or(|e| e != "md");
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let declares = declared(rel, kind, &text);
    if let Some(found) = (kind != FileKind::MembersFile)
        .then(|| crate::text::control::find(&text))
        .flatten()
    {
        let mut unread = Box::<Unread>::from(crate::text::control::diagnostic(rel, found));
        unread.declares = declares;
        return Err(unread);
    }
    let r = match kind {
        FileKind::Data => {
            let value = yaml::parse_value(&text, rel)?;
            let problems = crate::model::data_files::check_named(&stem, &text, rel);
            if !problems.is_empty() {
                return Err(Box::<Unread>::from(problems));
            }
            Ok(Parsed::Data(stem, value))
        }
        FileKind::Home => parse_record(rel, text, is_yaml, stem, Parsed::Home),
        FileKind::Record(Section::Actors) => parse_record(rel, text, is_yaml, stem, Parsed::Actor),
        FileKind::Record(Section::Forum) => parse_record(rel, text, is_yaml, stem, Parsed::Forum),
        FileKind::Record(Section::Conferences) => {
            parse_record(rel, text, is_yaml, stem, Parsed::Conference)
        }
        FileKind::Record(Section::Magazine) => {
            parse_record(rel, text, is_yaml, stem, Parsed::MagazineRecord)
        }
        FileKind::Record(Section::Resources) => {
            parse_record(rel, text, is_yaml, stem, Parsed::Resource)
        }
        FileKind::Record(Section::Pages) => parse_record(rel, text, is_yaml, stem, Parsed::Page),
        FileKind::MembersFile => Ok(Parsed::MembersFile(stem, Arc::new(text.into_bytes()))),
    };
    r.map_err(|mut unread| {
        unread.declares = declares;
        unread
    })
}

/// Parses arbitrary bytes as the content file `rel` would be parsed (`content/acteurs/x.md`…):
/// a record, or every diagnostic. For tests that feed the parsers with any input.
pub fn parse_bytes(rel: &Path, bytes: &[u8]) -> Result<(), Vec<Diagnostic>> {
    let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
        vec![Diagnostic::error(
            rel,
            1,
            1,
            "le fichier n'est pas encodé en UTF-8",
        )]
    })?;
    let inside = rel.strip_prefix("content").unwrap_or(rel);
    let folder = inside
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let kind = match folder.as_deref() {
        Some("_index.md") => FileKind::Home,
        Some("data") => FileKind::Data,
        Some(f) => match Section::ALL.iter().find(|s| s.folder() == f) {
            Some(s) => FileKind::Record(*s),
            None => return Err(vec![Diagnostic::error(rel, 0, 0, "dossier inconnu")]),
        },
        None => return Err(vec![Diagnostic::error(rel, 0, 0, "chemin vide")]),
    };
    parse_text(rel, text, kind)
        .map(|_| ())
        .map_err(|unread| unread.diagnostics)
}
