//! The commands other than `build`: `new`, `newsletter`, `init`, `serve`, `check`.

use super::args::{now_or_usage_error, resolve_now, CheckArgs, Failure, ServeArgs};
use crate::pipeline;
use crate::render::site::BuildOptions;
use crate::report;
use std::path::PathBuf;
use std::process::ExitCode;

pub(super) fn new(root: &std::path::Path, kind: &str, title: &str) -> Result<ExitCode, Failure> {
    let today = now_or_usage_error(None)?
        .date()
        .format("%Y-%m-%d")
        .to_string();
    if !root.join("site.toml").is_file() {
        return Err(Failure::Usage {
            message: format!("pas de site.toml dans {}", root.display()),
            help: Some("lancez la commande dans le dossier du site, ou créez-en un avec `ess-site init DOSSIER`".into()),
        });
    }
    // The site's domains beside the key; a site.toml that does not load lists the tool's.
    let config = crate::load::config(root).ok();
    let domains: Vec<&str> = match &config {
        Some(c) => c.domains.slugs().collect(),
        None => crate::model::DOMAINS.to_vec(),
    };
    let path = crate::write::scaffold::new_record(root, kind, title, &today, &domains)
        .map_err(Failure::fatal)?;
    println!("{}", path.display());
    eprintln!("Fiche créée en brouillon (draft: true) : remplissez-la, puis passez draft à false pour la publier.");
    Ok(ExitCode::SUCCESS)
}

pub(super) fn newsletter(
    root: &std::path::Path,
    since: &str,
    until: Option<&str>,
    output: Option<PathBuf>,
    archive: bool,
) -> Result<ExitCode, Failure> {
    let day = |flag: &str, s: &str| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            Failure::usage(format!(
                "{flag} : date invalide « {s} » : écrivez AAAA-MM-JJ"
            ))
        })
    };
    let since = day("--since", since)?;
    let now = now_or_usage_error(None)?;
    let until = match until {
        Some(u) => day("--until", u)?,
        None => now.date(),
    };
    let letter = crate::pipeline::newsletter::newsletter(root, since, until, now).map_err(
        |diagnostics| Failure::Content {
            root: root.to_path_buf(),
            diagnostics,
            max_warnings: 10,
            closing: None,
        },
    )?;
    let html = output.unwrap_or_else(|| root.join(format!("newsletter-{until}.html")));
    let is_html = html
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    if !is_html {
        return Err(Failure::usage(format!(
            "--output : « {} » n'est pas un fichier HTML : la lettre s'écrit dans un fichier .html, et son texte à côté en .txt (par exemple --output lettre-{until}.html)",
            html.display()
        )));
    }
    let text = html.with_extension("txt");
    for path in [&html, &text] {
        if let Err(d) = crate::write::check_file_output(root, path) {
            return Err(Failure::usage(format!(
                "--output : {} ({})",
                d.message,
                d.help.unwrap_or_default()
            )));
        }
    }
    for (path, body) in [(&html, &letter.html), (&text, &letter.text)] {
        crate::write::file(path, body.as_bytes()).map_err(|e| {
            Failure::fatal(format!(
                "impossible d'écrire {} : {}",
                path.display(),
                crate::diagnostic::io_fr(&e)
            ))
        })?;
        println!("{}", path.display());
    }
    eprintln!(
        "Lettre du {since} au {until} : {}.",
        report::count(letter.items, "fiche", "fiches")
    );
    for w in &letter.warnings {
        eprintln!("avertissement : {w}");
    }
    if archive {
        let path = crate::write::letters::add(
            root,
            since,
            until,
            &letter.title,
            &letter.intro,
            &letter.urls,
        )
        .map_err(Failure::fatal)?;
        println!("{}", path.display());
        eprintln!(
            "Lettre gardée dans {} : la prochaine construction la publie à /lettre/{until}/.",
            crate::model::letters::FILE
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn init(dir: &std::path::Path, commune: Option<String>) -> Result<ExitCode, Failure> {
    // The name goes into site.toml, the records and the README: one line of text.
    if let Some(name) = &commune {
        if name.chars().any(char::is_control) || name.trim().is_empty() {
            return Err(Failure::usage(
                "--commune : le nom de la commune tient sur une ligne, sans caractère invisible (par exemple --commune \"Fontenay-aux-Roses\")".to_string(),
            ));
        }
    }
    let commune = commune.map(|c| c.trim().to_string());
    let commune = commune.unwrap_or_else(|| {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().replace(['-', '_'], " "))
            .unwrap_or_default();
        let mut chars = name.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_else(|| "Ma commune".into())
    });
    let year = resolve_now(None)
        .map(|n| chrono::Datelike::year(&n))
        .unwrap_or(2026);
    let files = crate::write::scaffold::init_site(dir, &commune, year).map_err(Failure::fatal)?;
    for f in &files {
        println!("{}", f.display());
    }
    eprintln!(
        "Site {} créé dans {} : `cd {}` puis `ess-site serve` pour le voir, `ess-site build` pour le publier.",
        crate::model::scaffold::of_place(&commune).replace('\'', "’"),
        dir.display(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub(super) fn serve(root: &std::path::Path, args: ServeArgs) -> Result<ExitCode, Failure> {
    let now = now_or_usage_error(args.now.as_deref())?;
    let _ = ctrlc::set_handler(|| {
        eprintln!("\nAperçu arrêté.");
        std::process::exit(0);
    });
    let follow_clock = args.now.is_none() && std::env::var_os("SOURCE_DATE_EPOCH").is_none();
    let loopback = args
        .bind
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
        || args.bind.eq_ignore_ascii_case("localhost");
    if args.editor && !loopback {
        return Err(Failure::fatal(format!(
            "--editor écrit dans les fichiers du site : il n'écoute que sur cette machine, pas sur « {} » ; retirez --bind, ou --editor",
            args.bind
        )));
    }
    let options = crate::serve::ServeOptions {
        follow_clock,
        bind: args.bind,
        port: args.port,
        build: BuildOptions {
            now,
            // The record a person is writing is in their preview, marked « Brouillon »; a
            // build never publishes it (`build --drafts` is for a review copy).
            drafts: true,
            include_private: false,
            base_url: None,
            scheduled: true,
            editor_local: args.editor,
        },
    };
    crate::serve::serve(root, options).map_err(Failure::fatal)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn check(root: &std::path::Path, args: CheckArgs) -> Result<ExitCode, Failure> {
    let now = now_or_usage_error(args.now.as_deref())?;
    let options = BuildOptions {
        now,
        drafts: args.drafts,
        include_private: args.include_private,
        base_url: None,
        scheduled: false,
        editor_local: false,
    };
    let mut diagnostics = pipeline::check(root, options);
    if args.strict {
        diagnostics = pipeline::strict(diagnostics);
    }
    if diagnostics.iter().any(|d| d.is_error()) {
        return Err(Failure::Content {
            root: root.to_path_buf(),
            diagnostics,
            max_warnings: usize::MAX,
            closing: None,
        });
    }
    let mut stderr = std::io::stderr().lock();
    let _ = report::print(
        &mut stderr,
        root,
        &diagnostics,
        report::Style::for_stderr(usize::MAX),
    );
    if diagnostics.is_empty() {
        eprintln!("Aucun problème trouvé.");
    }
    Ok(ExitCode::SUCCESS)
}
