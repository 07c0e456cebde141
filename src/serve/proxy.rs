//! The editor's local proxy, served by `ess-site serve --editor` at `/api/v1`: the protocol
//! of `decap-server` (Decap CMS's « local backend »: a JSON `POST` of `{action, params}`),
//! reading and writing the site's files so that the team edits on its own machine without an
//! account, and sees each save in the preview as any save.
//!
//! It reads and writes only the records of `content/` and the images of `static/images/`:
//! a path is relative, made of plain names (no `..`, no `.`, no hidden name), under one of
//! those two folders, with a record's or an image's extension when written, and no part of it
//! may be a symbolic link. Bodies and files are bounded. Who may call it is checked by `serve`
//! (loopback only, same origin, JSON only).

use crate::render::editor::MEDIA_FOLDER;
use base64::Engine as _;
use serde_json::{json, Value};
use std::path::{Component, Path, PathBuf};

/// The largest request body (an image, in base64, inside JSON).
pub const MAX_BODY: u64 = 48 << 20;
/// The largest image the editor may save.
pub const MAX_MEDIA: usize = 32 << 20;

const RECORD_EXTENSIONS: &[&str] = &["md", "yaml", "yml"];
const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "svg", "gif", "avif"];

/// The proxy of one site.
pub struct Proxy {
    root: PathBuf,
    /// The largest record file (`max_file_size_kib` of `site.toml`).
    max_record: usize,
    /// What a save is checked with before it is written (`presave`).
    checker: Option<crate::pipeline::presave::Checker>,
}

/// What a call answers: its HTTP status and JSON body.
pub type Answer = (u16, Value);

fn refused(message: impl Into<String>) -> Answer {
    (400, json!({ "error": message.into() }))
}

impl Proxy {
    /// The proxy of the site at `root` (an absolute, canonical path).
    pub fn new(root: &Path, max_record: u64) -> Proxy {
        Proxy {
            root: root.to_path_buf(),
            max_record: usize::try_from(max_record).unwrap_or(usize::MAX),
            checker: None,
        }
    }

    /// The proxy, refusing a save that would give the site an error (`presave`).
    pub fn checking(mut self, checker: crate::pipeline::presave::Checker) -> Proxy {
        self.checker = Some(checker);
        self
    }

    /// Answers one call (the request's body).
    pub fn call(&self, body: &[u8]) -> Answer {
        let Ok(request) = serde_json::from_slice::<Value>(body) else {
            return refused("requête illisible : du JSON est attendu");
        };
        let action = request["action"].as_str().unwrap_or_default();
        let params = &request["params"];
        let result = match action {
            "info" => Ok(json!({
                "repo": self.root.file_name().map(|n| n.to_string_lossy().to_string()),
                "publish_modes": ["simple"],
                "type": "local_fs",
            })),
            "entriesByFolder" => self.entries_by_folder(params),
            "entriesByFiles" => self.entries_by_files(params),
            "getEntry" => str_param(params, "path").map(|p| self.entry(p, None)),
            "persistEntry" => self.persist_entry(params),
            "getMedia" => self.media(params),
            "getMediaFile" => str_param(params, "path").and_then(|p| self.media_file(p)),
            "persistMedia" => self.persist_media(params),
            "deleteFile" => str_param(params, "path").and_then(|p| self.delete(p)),
            "deleteFiles" => self.delete_files(params),
            "getDeployPreview" => Ok(Value::Null),
            _ => Err((
                422,
                json!({ "error": format!("action inconnue « {action} »") }),
            )),
        };
        match result {
            Ok(v) => (200, v),
            Err(answer) => answer,
        }
    }

    /// The file of the site at `rel`, checked: plain names under `content/` or
    /// `static/images/`, no symbolic link on the way, and for a write, a record's or an
    /// image's extension.
    pub fn resolve(&self, rel: &str, write: bool) -> Result<PathBuf, Answer> {
        let bad = |why: &str| Err(refused(format!("chemin refusé « {rel} » : {why}")));
        if rel.is_empty() || rel.contains(['\0', '\\']) {
            return bad("caractère interdit");
        }
        let path = Path::new(rel);
        let mut names = Vec::new();
        // Plain names only: no `..`, no `.`, no empty part (`a//b`, `/etc`), no hidden name.
        for n in rel.split('/') {
            if n.is_empty() || n == "." || n == ".." {
                return bad("seuls des noms relatifs au site sont permis");
            }
            if n.starts_with('.') {
                return bad("nom caché");
            }
            names.push(n.to_string());
        }
        if !path.is_relative()
            || path
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            return bad("seuls des noms relatifs au site sont permis");
        }
        let (area, depth) = match names.as_slice() {
            [first, ..] if first == "content" => ("content", 1),
            [first, second, ..] if first == "static" && second == "images" => ("images", 2),
            _ => return bad("l’éditeur n’écrit que dans content/ et static/images/"),
        };
        if write {
            if names.len() <= depth {
                return bad("un fichier est attendu");
            }
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let allowed = if area == "content" {
                RECORD_EXTENSIONS
            } else {
                IMAGE_EXTENSIONS
            };
            if !allowed.contains(&ext.as_str()) {
                return bad("type de fichier refusé");
            }
        }
        let mut at = self.root.clone();
        for (i, name) in names.iter().enumerate() {
            at.push(name);
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.file_type().is_symlink() => return bad("lien symbolique"),
                Ok(m) if i + 1 < names.len() && !m.is_dir() => return bad("pas un dossier"),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        Ok(at)
    }

    fn entry(&self, rel: &str, label: Option<&str>) -> Value {
        let data = self
            .resolve(rel, false)
            .ok()
            .and_then(|p| crate::write::beneath::read(&self.root, self.rel(&p)).ok())
            .filter(|b| b.len() <= self.max_record);
        let id = data.as_ref().map(|b| blake3::hash(b).to_hex().to_string());
        json!({
            "data": data.map(|b| crate::render::editor::shape::for_the_editor(rel, String::from_utf8_lossy(&b).to_string())),
            "file": { "path": rel, "label": label, "id": id },
        })
    }

    fn entries_by_folder(&self, params: &Value) -> Result<Value, Answer> {
        let folder = str_param(params, "folder")?;
        let extension = params["extension"].as_str().unwrap_or_default();
        let depth = params["depth"].as_u64().unwrap_or(1).min(4) as usize;
        let dir = self.resolve(folder, false)?;
        let mut files = Vec::new();
        list(
            &dir,
            folder.trim_end_matches('/'),
            extension,
            depth,
            &mut files,
        );
        files.sort();
        Ok(files.iter().map(|f| self.entry(f, None)).collect())
    }

    fn entries_by_files(&self, params: &Value) -> Result<Value, Answer> {
        let files = params["files"]
            .as_array()
            .ok_or_else(|| refused("paramètre « files » manquant"))?;
        files
            .iter()
            .map(|f| {
                let path = f["path"].as_str().unwrap_or_default();
                self.resolve(path, false)?;
                Ok(self.entry(path, f["label"].as_str()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
    }

    fn persist_entry(&self, params: &Value) -> Result<Value, Answer> {
        let files: Vec<&Value> = match (params["dataFiles"].as_array(), params.get("entry")) {
            (Some(files), _) => files.iter().collect(),
            (None, Some(entry)) if entry.is_object() => vec![entry],
            _ => return Err(refused("paramètre « dataFiles » manquant")),
        };
        let assets = params["assets"].as_array().cloned().unwrap_or_default();
        // Every path and size is checked before anything is written.
        let mut writes: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        let mut moves: Vec<(PathBuf, PathBuf)> = Vec::new();
        // The records as they would be after the save, for the check before it is written.
        let mut overlay: Vec<(PathBuf, Option<String>)> = Vec::new();
        for file in files {
            let path = self.resolve(str_param(file, "path")?, true)?;
            let raw = str_param(file, "raw")?;
            if raw.len() > self.max_record {
                return Err(too_big(raw.len(), self.max_record));
            }
            match file.get("newPath") {
                None | Some(Value::Null) => {}
                Some(new) => {
                    let new = new
                        .as_str()
                        .ok_or_else(|| refused("paramètre « newPath » : du texte est attendu"))?;
                    let to = self.resolve(new, true)?;
                    if to != path && std::fs::symlink_metadata(&to).is_ok() {
                        return Err(refused(format!(
                            "{} existe déjà : choisissez une autre adresse",
                            self.relative(&to)
                        )));
                    }
                    if to != path {
                        overlay.push((self.rel(&path).to_path_buf(), None));
                    }
                    overlay.push((self.rel(&to).to_path_buf(), Some(raw.to_string())));
                    moves.push((path.clone(), to));
                }
            }
            if !moves.iter().any(|(from, _)| *from == path) {
                overlay.push((self.rel(&path).to_path_buf(), Some(raw.to_string())));
            }
            writes.push((path, raw.as_bytes().to_vec()));
        }
        let mut images = Vec::new();
        for asset in &assets {
            images.push(self.asset(asset)?);
        }
        // Everything checked: the images first (a record may show one), then the site as it
        // would be after the save; refused, the images new to the site go away again.
        let mut created = Vec::new();
        for (path, bytes) in &images {
            if std::fs::symlink_metadata(path).is_err() {
                created.push(path.clone());
            }
            self.write_file(path, bytes)?;
        }
        if let Some(refusal) = self
            .checker
            .as_ref()
            .and_then(|c| c.refusal(&self.root, &overlay))
        {
            for path in &created {
                let _ = crate::write::beneath::remove(&self.root, self.rel(path));
            }
            return Err((422, json!({ "error": refusal })));
        }
        for (path, bytes) in &writes {
            self.write_file(path, bytes)?;
        }
        for (from, to) in &moves {
            if from != to {
                crate::write::beneath::rename(&self.root, self.rel(from), self.rel(to))
                    .map_err(|e| io_answer(&e))?;
            }
        }
        Ok(json!({ "message": "fiche enregistrée" }))
    }

    /// An image sent by the editor (`{path, content, encoding: base64}`), checked and decoded.
    fn asset(&self, asset: &Value) -> Result<(PathBuf, Vec<u8>), Answer> {
        let rel = str_param(asset, "path")?;
        let path = self.resolve(rel, true)?;
        if !rel.starts_with(&format!("{MEDIA_FOLDER}/")) {
            return Err(refused(format!(
                "chemin refusé « {rel} » : les images vont dans {MEDIA_FOLDER}/"
            )));
        }
        let content = str_param(asset, "content")?;
        if content.len() / 4 * 3 > MAX_MEDIA {
            return Err(too_big(content.len() / 4 * 3, MAX_MEDIA));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(content)
            .map_err(|_| refused("image illisible : base64 attendu"))?;
        Ok((path, bytes))
    }

    fn media(&self, params: &Value) -> Result<Value, Answer> {
        let folder = str_param(params, "mediaFolder")?;
        let dir = self.resolve(folder, false)?;
        let mut files = Vec::new();
        list(&dir, folder.trim_end_matches('/'), "", 1, &mut files);
        files.sort();
        Ok(files
            .iter()
            .filter_map(|f| self.media_file(f).ok())
            .collect())
    }

    fn media_file(&self, rel: &str) -> Result<Value, Answer> {
        let path = self.resolve(rel, false)?;
        let meta = std::fs::metadata(&path).map_err(|e| io_answer(&e))?;
        if meta.len() > MAX_MEDIA as u64 {
            return Err(too_big(meta.len() as usize, MAX_MEDIA));
        }
        let bytes =
            crate::write::beneath::read(&self.root, self.rel(&path)).map_err(|e| io_answer(&e))?;
        Ok(json!({
            "id": blake3::hash(&bytes).to_hex().to_string(),
            "content": base64::engine::general_purpose::STANDARD.encode(&bytes),
            "encoding": "base64",
            "path": rel,
            "name": path.file_name().map(|n| n.to_string_lossy().to_string()),
        }))
    }

    fn persist_media(&self, params: &Value) -> Result<Value, Answer> {
        let (path, bytes) = self.asset(&params["asset"])?;
        self.write_file(&path, &bytes)?;
        self.media_file(&self.relative(&path))
    }

    fn delete(&self, rel: &str) -> Result<Value, Answer> {
        let path = self.resolve(rel, true)?;
        self.remove(&path)?;
        Ok(json!({ "message": format!("{rel} supprimé") }))
    }

    /// Deletes several files: every path checked first, then deleted; one refused path and
    /// none is.
    fn delete_files(&self, params: &Value) -> Result<Value, Answer> {
        let paths = params["paths"].as_array().ok_or_else(|| {
            refused("paramètre « paths » manquant : une liste de chemins est attendue")
        })?;
        let checked = paths
            .iter()
            .map(|p| {
                let rel = p
                    .as_str()
                    .ok_or_else(|| refused("paramètre « paths » : chaque chemin est du texte"))?;
                self.resolve(rel, true)
            })
            .collect::<Result<Vec<_>, _>>()?;
        for path in &checked {
            self.remove(path)?;
        }
        Ok(json!({ "message": "fichiers supprimés" }))
    }

    /// `path` (made by `resolve`) relative to the site.
    fn rel<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// Writes `bytes` at `path` (made by `resolve`): a new file renamed over the old one, made
    /// in folders opened one by one from the site's without following a link (`beneath`).
    fn write_file(&self, path: &Path, bytes: &[u8]) -> Result<(), Answer> {
        crate::write::beneath::write(&self.root, self.rel(path), bytes).map_err(|e| io_answer(&e))
    }

    /// Removes a file (one already gone is no error), never through a link.
    fn remove(&self, path: &Path) -> Result<(), Answer> {
        crate::write::beneath::remove(&self.root, self.rel(path)).map_err(|e| io_answer(&e))
    }

    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

/// A parameter of text: absent or of another type, the call is refused (never read as empty,
/// which would write an empty file).
fn str_param<'a>(params: &'a Value, name: &str) -> Result<&'a str, Answer> {
    match params.get(name) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(refused(format!("paramètre « {name} » manquant"))),
        Some(_) => Err(refused(format!(
            "paramètre « {name} » : du texte est attendu"
        ))),
    }
}

fn too_big(size: usize, max: usize) -> Answer {
    (
        413,
        json!({ "error": format!("fichier trop gros : {} Kio, au plus {} Kio", size / 1024, max / 1024) }),
    )
}
fn io_answer(e: &std::io::Error) -> Answer {
    (
        500,
        json!({ "error": format!("fichier inaccessible : {}", crate::diagnostic::io_fr(e)) }),
    )
}

/// The files of `dir` (shown as `shown/…`) ending in `extension`, `depth` folders deep, without
/// hidden names or symbolic links.
fn list(dir: &Path, shown: &str, extension: &str, depth: usize, out: &mut Vec<String>) {
    if depth == 0 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if name.starts_with('.') || kind.is_symlink() {
            continue;
        }
        let path = format!("{shown}/{name}");
        if kind.is_dir() {
            list(&entry.path(), &path, extension, depth - 1, out);
        } else if kind.is_file() && name.ends_with(extension) {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, Proxy) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("content/acteurs")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("static/images")).expect("mkdir");
        for name in ["a", "b"] {
            std::fs::write(
                dir.path().join(format!("content/acteurs/{name}.md")),
                format!("---\ntitle: {name}\n---\n"),
            )
            .expect("write");
        }
        let root = dir.path().canonicalize().expect("canonical");
        (dir, Proxy::new(&root, 1 << 20))
    }

    fn call(proxy: &Proxy, v: Value) -> Answer {
        proxy.call(v.to_string().as_bytes())
    }

    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().display().to_string(),
                    std::fs::read(e.path()).expect("read"),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_missing_or_mistyped_parameter_is_refused_and_nothing_is_written() {
        let (dir, proxy) = site();
        let before = files(dir.path());
        let calls = [
            json!({"action": "persistEntry", "params": {"entry": {"path": "content/acteurs/a.md"}}}),
            json!({"action": "persistEntry", "params": {"entry": {"path": "content/acteurs/a.md", "raw": 5}}}),
            json!({"action": "persistEntry", "params": {"entry": {"path": "content/acteurs/a.md", "raw": null}}}),
            json!({"action": "persistEntry", "params": {"dataFiles": [{"path": "content/acteurs/a.md", "raw": ["x"]}]}}),
            json!({"action": "persistEntry", "params": {"entry": {"path": 3, "raw": "x"}}}),
            json!({"action": "persistMedia", "params": {"asset": {"path": "static/images/x.png"}}}),
            json!({"action": "persistMedia", "params": {"asset": {"path": "static/images/x.png", "content": {}}}}),
            json!({"action": "deleteFiles", "params": {"paths": ["content/acteurs/a.md", 7]}}),
            json!({"action": "deleteFiles", "params": {"paths": ["content/acteurs/a.md", "../site.toml"]}}),
            json!({"action": "deleteFiles", "params": {"paths": ["content/acteurs/b.md", "content/.cache/x.md"]}}),
            // The move is refused (its target exists): the write before it does not happen.
            json!({"action": "persistEntry", "params": {"entry": {"path": "content/acteurs/a.md", "raw": "changé", "newPath": "content/acteurs/b.md"}}}),
            json!({"action": "persistEntry", "params": {"entry": {"path": "content/acteurs/a.md", "raw": "changé", "newPath": "/etc/x.md"}}}),
            json!({"action": "persistEntry", "params": {"entry": {"path": "content/acteurs/a.md", "raw": "x"}, "assets": [{"path": "static/images/y.png"}]}}),
        ];
        for c in calls {
            let (status, body) = call(&proxy, c.clone());
            assert_eq!(status, 400, "{c} → {body}");
            let message = body["error"].as_str().expect("message");
            assert!(
                message.starts_with("paramètre")
                    || message.contains("existe déjà")
                    || message.starts_with("chemin refusé"),
                "{message}"
            );
            assert_eq!(files(dir.path()), before, "{c}");
        }
    }

    #[test]
    fn saves_of_one_file_at_once_all_succeed_and_leave_one_whole_file() {
        let (dir, proxy) = site();
        let proxy = std::sync::Arc::new(proxy);
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let proxy = proxy.clone();
                std::thread::spawn(move || {
                    (0..40)
                        .map(|i| {
                            let raw = format!("---\ntitle: t{t} i{i}\n---\n{}", "x".repeat(20_000));
                            call(&proxy, json!({"action": "persistEntry", "params": {"entry": {"path": "content/acteurs/a.md", "raw": raw}}})).0
                        })
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        for t in threads {
            assert!(t.join().expect("thread").iter().all(|&s| s == 200));
        }
        let text = std::fs::read_to_string(dir.path().join("content/acteurs/a.md")).expect("read");
        assert!(text.starts_with("---\ntitle: t") && text.ends_with(&"x".repeat(20_000)));
        // No temporary file left.
        let left: Vec<String> = std::fs::read_dir(dir.path().join("content/acteurs"))
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }

    /// A folder swapped again and again between a real folder and a link to a folder outside
    /// the site, while saves go into it: no save ever lands outside.
    #[cfg(unix)]
    #[test]
    fn a_save_never_lands_outside_through_a_swapped_link() {
        let (dir, proxy) = site();
        let outside = tempfile::tempdir().expect("temp dir");
        let race = dir.path().join("content/race");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let swapper = {
            let (race, outside, stop) = (race.clone(), outside.path().to_path_buf(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = std::fs::remove_file(&race);
                    let _ = std::fs::create_dir(&race);
                    let _ = std::fs::remove_dir_all(&race);
                    let _ = std::os::unix::fs::symlink(&outside, &race);
                }
            })
        };
        let start = std::time::Instant::now();
        let mut calls = 0;
        while start.elapsed() < std::time::Duration::from_secs(3) {
            call(
                &proxy,
                json!({"action": "persistEntry", "params": {"entry": {"path": "content/race/x.md", "raw": "---\ntitle: x\n---\n"}}}),
            );
            call(
                &proxy,
                json!({"action": "persistMedia", "params": {"asset": {"path": "static/images/x.png", "content": "iVBORw0KGgo="}}}),
            );
            calls += 2;
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        swapper.join().expect("swapper");
        let landed: Vec<_> = std::fs::read_dir(outside.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(landed.is_empty(), "{landed:?} after {calls} calls");
        assert!(calls > 100, "{calls}");
    }
}
