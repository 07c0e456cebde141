//! The command line speaks French: its help, every command's help, and its errors.

use std::process::{Command, Output};

fn ess_site(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(args)
        .output()
        .expect("run ess-site")
}

/// Words of clap's English output that must never show.
const ENGLISH: &[&str] = &[
    "Usage",
    "Commands:",
    "Arguments:",
    "Print help",
    "Print version",
    "[default",
    "error:",
    "tip:",
    "For more information",
    "unrecognized",
    "required",
];

fn assert_french(text: &str, what: &str) {
    for word in ENGLISH {
        assert!(!text.contains(word), "{what}: « {word} » in\n{text}");
    }
}

#[test]
fn the_help_of_the_tool_and_of_each_command_is_french() {
    let out = ess_site(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Utilisation : ess-site [OPTIONS] <COMMANDE>"),
        "{help}"
    );
    assert!(
        help.contains("Commandes :") && help.contains("Construit le site"),
        "{help}"
    );
    assert_french(&help, "--help");
    for command in ["build", "check", "serve", "new", "init", "newsletter"] {
        let out = ess_site(&[command, "--help"]);
        assert!(out.status.success(), "{command} --help");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains(&format!("Utilisation : ess-site {command}")),
            "{help}"
        );
        assert!(help.contains("Affiche cette aide"), "{help}");
        assert_french(&help, command);
    }
    let version = ess_site(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("ess-site {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_wrong_command_line_gets_a_french_error_with_a_hint() {
    let cases: &[(&[&str], &str, Option<&str>)] = &[
        (
            &["buidl"],
            "erreur: commande inconnue « buidl »",
            Some("vouliez-vous dire « build » ?"),
        ),
        (
            &["build", "--ouput", "x"],
            "erreur: option inconnue « --ouput »",
            Some("vouliez-vous dire « --output » ?"),
        ),
        (&[], "erreur: il manque la commande", None),
        (&["new"], "erreur: il manque <TYPE>, <TITRE>", None),
        (
            &["serve", "--port", "abc"],
            "erreur: valeur invalide « abc » pour --port",
            None,
        ),
    ];
    for (args, message, hint) in cases {
        let out = ess_site(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with(message), "{args:?}: {stderr}");
        if let Some(hint) = hint {
            assert!(
                stderr.contains(&format!("  = aide : {hint}")),
                "{args:?}: {stderr}"
            );
        }
        assert_french(&stderr, &format!("{args:?}"));
    }
}
