//! The online editor's pre-save check: `ess-site`'s own check, compiled to WebAssembly
//! (`wasm32-wasip1`) and run in the editor's page before a save is sent to the forge.
//!
//! The page gives it the site's files as an in-memory folder, preopened as `/site`, and on
//! standard input the save (JSON):
//! `{"now": "2026-12-06T10:00:00Z", "overlay": [["content/actors/x.md", "---\n…"], ["…", null]]}`
//! (the files the save writes, with their new text, or `null` for a file it deletes). It prints
//! the refusal the preview's editor would give, in the same words (`pipeline::presave`), or
//! nothing when the save may go. Exit code 0 either way; 2 for a request it cannot read.
//!
//! Given `{"shape": [["content/forum/2027.md", "---\n…"], …]}` instead, it prints (JSON) the
//! texts as the editor's form reads them (`render::editor::shape`: a speaker written by name
//! alone, written `{name}`), in the same order.

use chrono::DateTime;
use ess_site::pipeline::presave::Checker;
use ess_site::site::BuildOptions;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(serde::Deserialize)]
struct Request {
    #[serde(default)]
    now: String,
    #[serde(default)]
    overlay: Vec<(PathBuf, Option<String>)>,
    shape: Option<Vec<(String, String)>>,
}

fn main() {
    let mut input = String::new();
    let request: Request = match std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| e.to_string())
        .and_then(|_| serde_json::from_str(&input).map_err(|e| e.to_string()))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("demande de vérification illisible : {e}");
            std::process::exit(2);
        }
    };
    if let Some(records) = request.shape {
        let shaped: Vec<String> = records
            .into_iter()
            .map(|(rel, text)| ess_site::render::editor::shape::for_the_editor(&rel, text))
            .collect();
        print!("{}", serde_json::Value::from(shaped));
        return;
    }
    let now = match DateTime::parse_from_rfc3339(&request.now) {
        Ok(t) => t.with_timezone(&chrono_tz::Europe::Paris).naive_local(),
        Err(e) => {
            eprintln!("date de la vérification illisible : {e}");
            std::process::exit(2);
        }
    };
    // The preview editor's options: drafts and scheduled records are checked too.
    let checker = Checker {
        options: BuildOptions {
            now,
            drafts: true,
            include_private: false,
            base_url: None,
            scheduled: true,
            editor_local: false,
        },
        follow_clock: false,
    };
    if let Some(refusal) = checker.refusal(Path::new("/site"), &request.overlay) {
        print!("{refusal}");
    }
}
