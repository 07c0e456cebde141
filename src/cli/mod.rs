//! Stage: the command line, at the top of the house. Parses arguments, runs a command, prints
//! its report; the work itself lives in the stages below.
//!
//! Owns: the commands' arguments and their French help, the progress bar, the summary.
//! May import: every stage below (`serve`, `pipeline`, `write`, `render`, `load`, `model`) and
//! the ground (`diagnostic`, `report`, `text`).

mod build;
mod commands;

use crate::report;
use build::build;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use clap::{Parser, Subcommand};
use commands::{check, init, new, newsletter, serve};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

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
        /// Garde la lettre dans content/data/lettres.yaml : le site la publie sous /lettre/, avec la liste des lettres et leur flux.
        #[arg(long)]
        archive: bool,
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
    /// Ouvre aussi l'éditeur du site sur /admin/ : il enregistre les fiches dans content/ et les
    /// images dans static/images/, sans compte (cette machine seulement).
    #[arg(long)]
    pub editor: bool,
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
    /// Compte les avertissements comme des erreurs (pour l'intégration continue).
    #[arg(long)]
    pub strict: bool,
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
    /// Compte les avertissements comme des erreurs : la construction échoue s'il y en a (pour l'intégration continue).
    #[arg(long)]
    pub strict: bool,
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
        // An option given without its value (`--output` at the end of the line).
        ErrorKind::InvalidValue
            if value(ContextKind::InvalidValue)
                .unwrap_or_default()
                .is_empty() =>
        {
            format!("il manque la valeur de {arg}")
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
        .or_else(|| {
            value(ContextKind::ValidValue)
                .filter(|s| !s.trim().is_empty())
                .map(|s| format!("valeurs possibles : {s}"))
        });
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
            archive,
        } => newsletter(&cli.root, &since, until.as_deref(), output, archive),
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
    Ok(crate::model::time::clock_now())
}
