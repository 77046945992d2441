//! `notifier-lab`: command line front end over `notifier-lab-core`. With
//! no subcommand it opens the terminal walkthrough
//! ([`notifier_lab_tui::app::run`]).
#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
