//! The command line's words: the commands and their arguments with their French help, what a
//! command's failure says, and the build's `now`.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// The help's layouts, with French headings (clap's own are English, without the space French
/// puts before a colon): the tool's, a command's, a command's with arguments.
pub(super) const HELP_TOOL: &str = "{about-with-newline}\nUtilisation : {usage}\n\nCommandes :\n{subcommands}\n\nOptions :\n{options}{after-help}";
pub(super) const HELP: &str =
    "{about-with-newline}\nUtilisation : {usage}\n\nOptions :\n{options}\n";
pub(super) const HELP_ARGS: &str = "{about-with-newline}\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n";

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
    /// Sans effet : l'aperçu montre toujours les brouillons, marqués « Brouillon » (gardé pour
    /// les scripts qui le donnent).
    #[arg(long, hide = true)]
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
    pub(super) fn usage(message: impl Into<String>) -> Failure {
        Failure::Usage {
            message: message.into(),
            help: None,
        }
    }

    pub(super) fn fatal(message: impl Into<String>) -> Failure {
        Failure::Fatal {
            message: message.into(),
            help: None,
        }
    }
}

/// `resolve_now`, or a usage failure saying what is wrong.
pub(super) fn now_or_usage_error(arg: Option<&str>) -> Result<NaiveDateTime, Failure> {
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
