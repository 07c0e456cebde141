//! The `ess-site` command.

/// mimalloc: a build allocates and frees many small strings and JSON values on every core;
/// the system allocator spent about a tenth of a build's time on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ess_site::cli::main()
}
