//! Stage: the command line, at the top of the house. Parses arguments, runs a command, prints
//! its report; the work itself lives in the stages below.
//!
//! Owns: the commands' arguments and their French help, the progress bar, the summary.
//! May import: every stage below (`serve`, `pipeline`, `write`, `render`, `load`, `model`) and
//! the ground (`diagnostic`, `report`, `text`).

mod args;
mod build;
mod commands;

use crate::report;
pub use args::{resolve_now, BuildArgs, CheckArgs, Cli, Command, Failure, ServeArgs};
use build::build;
use clap::Parser;
use commands::{check, init, new, newsletter, serve};
use std::io::Write;
use std::process::ExitCode;

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
