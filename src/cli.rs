//! The command line: parses arguments, runs a command, prints its report. The work itself
//! lives in the library.

use crate::pipeline;
use crate::report;
use crate::site::BuildOptions;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Publishing tool of a town's social and solidarity economy (ESS) portal.
#[derive(Parser, Debug)]
#[command(name = "ess-site", version, about)]
pub struct Cli {
    /// The site's folder (where site.toml is).
    #[arg(long, short = 's', global = true, default_value = ".")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Builds the site into public/ (the previous output stays intact if the build fails).
    Build(BuildArgs),
    /// Checks every record, reference, internal link and template; writes nothing.
    Check(CheckArgs),
    /// Builds the site in memory and serves it for preview; rebuilds and reloads on changes.
    Serve(ServeArgs),
    /// Writes a new record, every field documented: acteur, forum, conference, magazine,
    /// ressource or page.
    New {
        /// acteur, forum, conference, magazine, ressource or page
        kind: String,
        /// The record's title (its file name and address come from it).
        title: String,
    },
    /// The citizens' newsletter of what was published from --since to --until (email-ready
    /// HTML and plain text).
    Newsletter {
        /// First day of the window (AAAA-MM-JJ).
        #[arg(long)]
        since: String,
        /// Last day of the window [default: today].
        #[arg(long)]
        until: Option<String>,
        /// The HTML file to write; the text part goes beside it, in .txt
        /// [default: newsletter-UNTIL.html in the site's folder].
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
    /// Starts a new commune's site in DIR: site.toml and an example of each record.
    Init {
        /// The new site's folder (must not exist, or be empty).
        dir: PathBuf,
        /// The commune's name [default: from the folder's name].
        #[arg(long)]
        commune: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// The port (0 picks a free one).
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on: loopback unless said otherwise.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Show drafts too.
    #[arg(long)]
    pub drafts: bool,
    /// The date and time to preview as of (see `build --now`).
    #[arg(long)]
    pub now: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Check as a build with drafts would.
    #[arg(long)]
    pub drafts: bool,
    /// Check as a members' build (with private resources) would.
    #[arg(long)]
    pub include_private: bool,
    /// The date and time to check as of (see `build --now`).
    #[arg(long)]
    pub now: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// Also publish drafts (never private records), for preview.
    #[arg(long)]
    pub drafts: bool,
    /// Members' build: also publish private resources. Needs its own output folder.
    #[arg(long)]
    pub include_private: bool,
    /// Overrides base_url of site.toml.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Output folder [default: public, or public-membres with --include-private].
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// The build's date and time, local to Europe/Paris (2016-11-19 or 2016-11-19T14:00);
    /// defaults to SOURCE_DATE_EPOCH if set, else the clock.
    #[arg(long)]
    pub now: Option<String>,
    /// Prints nothing but errors (no warnings, no summary, no progress bar).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Lists every file written.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Fails at once if another build is writing the same output folder, instead of waiting.
    #[arg(long)]
    pub no_wait: bool,
}

/// Why a command could not do its work: printed once, by [`main`].
#[derive(Debug)]
pub enum Failure {
    /// A wrong argument: exit code 2.
    Usage {
        message: String,
        help: Option<String>,
    },
    /// The command could not do its work: exit code 1.
    Fatal {
        message: String,
        help: Option<String>,
    },
    /// Problems in the site, with a closing line (« Construction interrompue… »): exit code 1.
    Content {
        root: PathBuf,
        diagnostics: Vec<crate::diagnostic::Diagnostic>,
        max_warnings: usize,
        closing: Option<String>,
    },
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure::Usage {
            message: message.into(),
            help: None,
        }
    }

    fn fatal(message: impl Into<String>) -> Failure {
        Failure::Fatal {
            message: message.into(),
            help: None,
        }
    }
}

/// Runs the command line and returns the process's exit code. The only place that prints a
/// command's failure.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(failure) => {
            let mut stderr = std::io::stderr().lock();
            let code = match failure {
                Failure::Usage { .. } => 2,
                _ => 1,
            };
            match failure {
                Failure::Usage { message, help } | Failure::Fatal { message, help } => {
                    let _ = writeln!(stderr, "erreur: {message}");
                    if let Some(help) = help {
                        let _ = writeln!(stderr, "  = aide : {help}");
                    }
                }
                Failure::Content {
                    root,
                    diagnostics,
                    max_warnings,
                    closing,
                } => {
                    let _ = report::print(
                        &mut stderr,
                        &root,
                        &diagnostics,
                        report::Style::for_stderr(max_warnings),
                    );
                    if let Some(line) = closing {
                        let _ = writeln!(stderr, "{line}");
                    }
                }
            }
            ExitCode::from(code)
        }
    }
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Build(args) => build(&cli.root, args),
        Command::Check(args) => check(&cli.root, args),
        Command::Serve(args) => serve(&cli.root, args),
        Command::New { kind, title } => new(&cli.root, &kind, &title),
        Command::Init { dir, commune } => init(&dir, commune),
        Command::Newsletter {
            since,
            until,
            output,
        } => newsletter(&cli.root, &since, until.as_deref(), output),
    }
}

/// `resolve_now`, or a usage failure saying what is wrong.
fn now_or_usage_error(arg: Option<&str>) -> Result<NaiveDateTime, Failure> {
    resolve_now(arg).map_err(Failure::usage)
}

/// The build's `now`: `--now`, else `SOURCE_DATE_EPOCH`, else the clock; local to Europe/Paris.
pub fn resolve_now(arg: Option<&str>) -> Result<NaiveDateTime, String> {
    if let Some(s) = arg {
        if let Ok(d) = crate::model::Date::parse(s) {
            return Ok(d.at);
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(t.with_timezone(&Paris).naive_local());
        }
        return Err(format!(
            "--now « {s} » : écrivez AAAA-MM-JJ ou AAAA-MM-JJTHH:MM"
        ));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch.trim().parse().map_err(|_| {
            format!("SOURCE_DATE_EPOCH « {epoch} » n'est pas un nombre de secondes")
        })?;
        let t = Utc
            .timestamp_opt(secs, 0)
            .single()
            .ok_or("SOURCE_DATE_EPOCH hors limites")?;
        return Ok(t.with_timezone(&Paris).naive_local());
    }
    Ok(crate::time::clock_now())
}

fn new(root: &std::path::Path, kind: &str, title: &str) -> Result<ExitCode, Failure> {
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
    let path = crate::scaffold::new_record(root, kind, title, &today).map_err(Failure::fatal)?;
    println!("{}", path.display());
    eprintln!("Fiche créée en brouillon (draft: true) : remplissez-la, puis passez draft à false pour la publier.");
    Ok(ExitCode::SUCCESS)
}

fn newsletter(
    root: &std::path::Path,
    since: &str,
    until: Option<&str>,
    output: Option<PathBuf>,
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
    let letter = crate::newsletter::newsletter(root, since, until, now).map_err(|diagnostics| {
        Failure::Content {
            root: root.to_path_buf(),
            diagnostics,
            max_warnings: 10,
            closing: None,
        }
    })?;
    let html = output.unwrap_or_else(|| root.join(format!("newsletter-{until}.html")));
    let text = html.with_extension("txt");
    for (path, body) in [(&html, &letter.html), (&text, &letter.text)] {
        std::fs::write(path, body).map_err(|e| {
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
    Ok(ExitCode::SUCCESS)
}

fn init(dir: &std::path::Path, commune: Option<String>) -> Result<ExitCode, Failure> {
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
    let files = crate::scaffold::init_site(dir, &commune, year).map_err(Failure::fatal)?;
    for f in &files {
        println!("{}", f.display());
    }
    eprintln!(
        "Site de {commune} créé dans {} : `cd {}` puis `ess-site serve` pour le voir, `ess-site build` pour le publier.",
        dir.display(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn serve(root: &std::path::Path, args: ServeArgs) -> Result<ExitCode, Failure> {
    let now = now_or_usage_error(args.now.as_deref())?;
    let _ = ctrlc::set_handler(|| {
        eprintln!("\nAperçu arrêté.");
        std::process::exit(0);
    });
    let follow_clock = args.now.is_none() && std::env::var_os("SOURCE_DATE_EPOCH").is_none();
    let options = crate::serve::ServeOptions {
        follow_clock,
        bind: args.bind,
        port: args.port,
        build: BuildOptions {
            now,
            drafts: args.drafts,
            include_private: false,
            base_url: None,
        },
    };
    crate::serve::serve(root, options).map_err(Failure::fatal)?;
    Ok(ExitCode::SUCCESS)
}

fn check(root: &std::path::Path, args: CheckArgs) -> Result<ExitCode, Failure> {
    let now = now_or_usage_error(args.now.as_deref())?;
    let options = BuildOptions {
        now,
        drafts: args.drafts,
        include_private: args.include_private,
        base_url: None,
    };
    let diagnostics = pipeline::check(root, options);
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

fn build(root: &std::path::Path, args: BuildArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    let now = now_or_usage_error(args.now.as_deref())?;
    let default_output = if args.include_private {
        "public-membres"
    } else {
        "public"
    };
    let output = args.output.unwrap_or_else(|| root.join(default_output));
    let public = crate::write::resolve(&root.join("public"));
    if args.include_private
        && (output.file_name().is_some_and(|n| n == "public")
            || crate::write::resolve(&output) == public)
    {
        return Err(Failure::Usage {
            message: "une construction avec --include-private ne peut pas écrire dans public/"
                .into(),
            help: Some(
                "les fiches privées vont dans un dossier à part, par défaut public-membres/".into(),
            ),
        });
    }
    let options = BuildOptions {
        now,
        drafts: args.drafts,
        include_private: args.include_private,
        base_url: args.base_url,
    };
    // A progress bar on a terminal, once a build has taken more than a second.
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
    let shown = std::sync::atomic::AtomicBool::new(false);
    let tty = {
        use std::io::IsTerminal;
        std::io::stderr().is_terminal()
    } && !args.quiet;
    let progress = |done: usize, total: usize| {
        if tty
            && !shown.load(std::sync::atomic::Ordering::Relaxed)
            && started.elapsed().as_secs_f64() > 1.0
        {
            shown.store(true, std::sync::atomic::Ordering::Relaxed);
            bar.set_length(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} fichiers")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        bar.set_position(done as u64);
    };
    let on_wait = || {
        if !args.quiet {
            eprintln!(
                "Une autre construction écrit dans {} : en attente qu'elle finisse…",
                output.display()
            );
        }
    };
    let hooks = pipeline::Hooks {
        wait: if args.no_wait {
            crate::write::Wait::No
        } else {
            crate::write::Wait::Yes
        },
        on_wait: &on_wait,
        progress: &progress,
    };
    let result = pipeline::build_with(root, &output, options, &hooks);
    bar.finish_and_clear();
    let r = result.map_err(|diagnostics| Failure::Content {
        root: root.to_path_buf(),
        diagnostics,
        max_warnings: 10,
        closing: Some(format!(
            "Construction interrompue : {} reste inchangé.",
            output.display()
        )),
    })?;
    if !args.quiet {
        let mut stderr = std::io::stderr().lock();
        let _ = report::print(
            &mut stderr,
            root,
            &r.warnings,
            report::Style::for_stderr(10),
        );
    }
    if args.verbose {
        for path in &r.written {
            println!("{}", output.join(path).display());
        }
    }
    if !args.quiet {
        let secs = started.elapsed().as_secs_f64();
        let kinds: Vec<String> = r
            .by_kind
            .iter()
            .map(|(k, n)| report::count(*n, pipeline::singular(k), k))
            .collect();
        let warnings = r.warnings.len();
        println!(
            "Site construit dans {} en {} s : {} ({}){}",
            output.display(),
            format!("{secs:.2}").replace('.', ","),
            report::count(r.files, "fichier", "fichiers"),
            kinds.join(", "),
            if warnings > 0 {
                format!(
                    ", {}",
                    report::count(warnings, "avertissement", "avertissements")
                )
            } else {
                String::new()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
