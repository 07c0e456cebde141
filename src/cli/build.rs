//! `ess-site build`: the output folder, the progress bar, the summary.

use super::args::{now_or_usage_error, BuildArgs, Failure};
use crate::pipeline;
use crate::render::site::BuildOptions;
use crate::report;
use std::process::ExitCode;
use std::time::Instant;

pub(super) fn build(root: &std::path::Path, args: BuildArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    let now = now_or_usage_error(args.now.as_deref())?;
    let output = output_folder(root, &args)?;
    let options = BuildOptions {
        now,
        drafts: args.drafts,
        include_private: args.include_private,
        base_url: args.base_url,
        scheduled: false,
        editor_local: false,
    };
    let bar = Progress::new(started, !args.quiet);
    let progress = |done: usize, total: usize| bar.show(done, total);
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
        strict: args.strict,
        bodies_in_memory: pipeline::BODIES_IN_MEMORY,
    };
    let result = pipeline::build_with(root, &output, options, &hooks);
    bar.bar.finish_and_clear();
    let quiet = args.quiet;
    let r = result.map_err(|mut diagnostics| Failure::Content {
        root: root.to_path_buf(),
        // `--quiet`: the errors only.
        diagnostics: {
            if quiet {
                diagnostics.retain(|d| d.is_error());
            }
            diagnostics
        },
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
        println!("{}", summary(&output, &r, started.elapsed().as_secs_f64()));
        if let Some((next, _)) = r.scheduled.first() {
            let n = r.scheduled.len();
            println!(
                "{} programmée{}, la prochaine le {} : le site doit être reconstruit ce jour-là.",
                report::count(n, "fiche", "fiches"),
                if n > 1 { "s" } else { "" },
                next.moment_long(),
            );
            const SHOWN: usize = 10;
            for (date, path) in r.scheduled.iter().take(SHOWN) {
                let file = path.strip_prefix(root).unwrap_or(path);
                println!("  {} : {}", date.moment_long(), file.display());
            }
            if n > SHOWN {
                println!(
                    "  … et {} autres (ess-site serve les montre, marquées)",
                    n - SHOWN
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The output folder: `--output`, else `public/` (`public-membres/` for a members' build,
/// which may never write into `public/`).
fn output_folder(root: &std::path::Path, args: &BuildArgs) -> Result<std::path::PathBuf, Failure> {
    let default_output = if args.include_private {
        "public-membres"
    } else {
        "public"
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| root.join(default_output));
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
    Ok(output)
}

/// A progress bar on a terminal, once a build has taken more than a second.
struct Progress {
    bar: indicatif::ProgressBar,
    shown: std::sync::atomic::AtomicBool,
    started: Instant,
    tty: bool,
}

impl Progress {
    fn new(started: Instant, wanted: bool) -> Progress {
        use std::io::IsTerminal;
        Progress {
            bar: indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::hidden(),
            ),
            shown: std::sync::atomic::AtomicBool::new(false),
            started,
            tty: wanted && std::io::stderr().is_terminal(),
        }
    }

    fn show(&self, done: usize, total: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        if self.tty && !self.shown.load(Relaxed) && self.started.elapsed().as_secs_f64() > 1.0 {
            self.shown.store(true, Relaxed);
            self.bar.set_length(total as u64);
            self.bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} fichiers")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_position(done as u64);
    }
}

/// « Site construit dans public en 1,20 s : 412 fichiers (38 acteurs, …) ».
fn summary(output: &std::path::Path, r: &pipeline::BuildReport, secs: f64) -> String {
    let kinds: Vec<String> = r
        .by_kind
        .iter()
        .map(|(k, n)| report::count(*n, pipeline::singular(k), k))
        .collect();
    let warnings = r.warnings.len();
    format!(
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
    )
}
