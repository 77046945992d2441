//! `notifier-lab`: command line front end over `notifier-lab-core`.
#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
