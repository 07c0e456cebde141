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

/// The help's layouts, with French headings (clap's own are English, without the space French
/// puts before a colon): the tool's, a command's, a command's with arguments.
const HELP_TOOL: &str = "{about-with-newline}\nUtilisation : {usage}\n\nCommandes :\n{subcommands}\n\nOptions :\n{options}{after-help}";
const HELP: &str = "{about-with-newline}\nUtilisation : {usage}\n\nOptions :\n{options}\n";
const HELP_ARGS: &str = "{about-with-newline}\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n";

/// Outil de publication du portail de l'économie sociale et solidaire (ESS) d'une commune.
#[derive(Parser, Debug)]
#[command(
    name = "ess-site",
    version,
    help_template = HELP_TOOL,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_value_name = "COMMANDE",
    override_usage = "ess-site [OPTIONS] <COMMANDE>",
    after_help = "Aide d'une commande : ess-site COMMANDE --help"
)]
pub struct Cli {
    /// Le dossier du site (celui de site.toml) [par défaut : le dossier courant].
    #[arg(
        long,
        short = 's',
        global = true,
        default_value = ".",
        hide_default_value = true,
        value_name = "DOSSIER"
    )]
    pub root: PathBuf,
    /// Affiche cette aide.
    #[arg(long, short = 'h', global = true, action = clap::ArgAction::Help)]
    help: Option<bool>,
    /// Affiche la version.
    #[arg(long, short = 'V', action = clap::ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Construit le site dans public/ (la version précédente reste intacte si la construction échoue).
    #[command(help_template = HELP, override_usage = "ess-site build [OPTIONS]")]
    Build(BuildArgs),
    /// Vérifie chaque fiche, référence, lien interne et gabarit ; n'écrit rien.
    #[command(help_template = HELP, override_usage = "ess-site check [OPTIONS]")]
    Check(CheckArgs),
    /// Aperçu en direct : construit le site en mémoire, le sert, le reconstruit et recharge les pages à chaque modification.
    #[command(help_template = HELP, override_usage = "ess-site serve [OPTIONS]")]
    Serve(ServeArgs),
    /// Crée une fiche, chaque champ documenté : acteur, forum, conference, magazine, ressource ou page.
    #[command(help_template = HELP_ARGS, override_usage = "ess-site new [OPTIONS] <TYPE> <TITRE>")]
    New {
        /// acteur, forum, conference, magazine, ressource ou page
        #[arg(value_name = "TYPE")]
        kind: String,
        /// Le titre de la fiche (son nom de fichier et son adresse en viennent).
        #[arg(value_name = "TITRE")]
        title: String,
    },
    /// La lettre d'information de ce qui a été publié de --since à --until (HTML prêt à envoyer, et texte).
    #[command(help_template = HELP, override_usage = "ess-site newsletter [OPTIONS] --since <DATE>")]
    Newsletter {
        /// Premier jour de la période (AAAA-MM-JJ).
        #[arg(long, value_name = "DATE")]
        since: String,
        /// Dernier jour de la période [par défaut : aujourd'hui].
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Le fichier HTML à écrire ; le texte va à côté, en .txt [par défaut : newsletter-FIN.html dans le dossier du site].
        #[arg(long, short = 'o', value_name = "FICHIER")]
        output: Option<PathBuf>,
    },
    /// Crée le site d'une nouvelle commune dans DOSSIER : site.toml et un exemple de chaque fiche.
    #[command(help_template = HELP_ARGS, override_usage = "ess-site init [OPTIONS] <DOSSIER>")]
    Init {
        /// Le dossier du nouveau site (qui ne doit pas exister, ou être vide).
        #[arg(value_name = "DOSSIER")]
        dir: PathBuf,
        /// Le nom de la commune [par défaut : d'après le nom du dossier].
        #[arg(long, value_name = "NOM")]
        commune: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Le port (0 en choisit un libre) [par défaut : 1111].
    #[arg(
        long,
        short = 'p',
        default_value_t = 1111,
        hide_default_value = true,
        value_name = "PORT"
    )]
    pub port: u16,
    /// L'adresse d'écoute [par défaut : 127.0.0.1, cette machine seulement].
    #[arg(
        long,
        default_value = "127.0.0.1",
        hide_default_value = true,
        value_name = "ADRESSE"
    )]
    pub bind: String,
    /// Montre aussi les brouillons.
    #[arg(long)]
    pub drafts: bool,
    /// La date et l'heure de l'aperçu (voir `build --now`) ; sans elle, l'aperçu suit l'horloge.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Vérifie comme une construction avec les brouillons.
    #[arg(long)]
    pub drafts: bool,
    /// Vérifie comme une construction des membres (avec les ressources privées).
    #[arg(long)]
    pub include_private: bool,
    /// La date et l'heure de la vérification (voir `build --now`).
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// Publie aussi les brouillons (jamais les fiches privées), pour relecture.
    #[arg(long)]
    pub drafts: bool,
    /// Construction des membres : publie aussi les ressources privées, dans son propre dossier.
    #[arg(long)]
    pub include_private: bool,
    /// Remplace le base_url de site.toml.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Le dossier de sortie [par défaut : public, ou public-membres avec --include-private].
    #[arg(long, short = 'o', value_name = "DOSSIER")]
    pub output: Option<PathBuf>,
    /// La date et l'heure de la construction, heure de Paris (2016-11-19 ou 2016-11-19T14:00) ; par défaut SOURCE_DATE_EPOCH s'il est donné, sinon l'horloge.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
    /// N'affiche que les erreurs (ni avertissements, ni résumé, ni barre de progression).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Liste chaque fichier écrit.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Échoue aussitôt si une autre construction écrit dans le même dossier de sortie, au lieu de l'attendre.
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return parse_error(&e),
    };
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

/// Prints the help or version clap asked for, or a French message for a wrong command line.
fn parse_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayVersion => {
            println!("ess-site {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let value = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(v)) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let arg = value(ContextKind::InvalidArg).unwrap_or_default();
    let message = match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} »",
            value(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::UnknownArgument => format!("option inconnue « {arg} »"),
        ErrorKind::MissingRequiredArgument => format!("il manque {arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "il manque la commande (build, check, serve, new, init ou newsletter)".to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => format!(
            "valeur invalide « {} » pour {arg}",
            value(ContextKind::InvalidValue).unwrap_or_default()
        ),
        ErrorKind::ArgumentConflict => format!(
            "{arg} ne va pas avec {}",
            value(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::TooManyValues => format!(
            "valeur de trop : « {} »",
            value(ContextKind::InvalidValue).unwrap_or_default()
        ),
        ErrorKind::NoEquals => format!("{arg} attend une valeur après ="),
        _ => "ligne de commande invalide".to_string(),
    };
    let help = value(ContextKind::SuggestedSubcommand)
        .map(|s| format!("vouliez-vous dire « {s} » ?"))
        .or_else(|| {
            value(ContextKind::SuggestedArg).map(|s| format!("vouliez-vous dire « {s} » ?"))
        })
        .or_else(|| value(ContextKind::ValidValue).map(|s| format!("valeurs possibles : {s}")));
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "erreur: {message}");
    if let Some(help) = help {
        let _ = writeln!(stderr, "  = aide : {help}");
    }
    let _ = writeln!(stderr, "\nPour l'aide : ess-site --help");
    ExitCode::from(2)
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
