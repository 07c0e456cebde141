//! The `ess-site` command.

fn main() -> std::process::ExitCode {
    ess_site::cli::main()
}
