//! `mdbook-notifier-lab`: the book's preprocessor binary.
//!
//! * `mdbook-notifier-lab supports <renderer>` exits 0 (every renderer).
//! * Otherwise it reads `[context, book]` from stdin, expands every
//!   `{{#notifier-lab ...}}` directive and prints the book JSON. On any
//!   error it prints every failing directive with its chapter to stderr
//!   and exits 1, which fails `mdbook build`.
#![forbid(unsafe_code)]

use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("supports") {
        return ExitCode::SUCCESS;
    }
    if !args.is_empty() {
        eprintln!("usage: mdbook-notifier-lab [supports <renderer>]  (book JSON on stdin)");
        return ExitCode::from(2);
    }
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("mdbook-notifier-lab: cannot read stdin: {e}");
        return ExitCode::FAILURE;
    }
    let started = std::time::Instant::now();
    match mdbook_notifier_lab::protocol::run(&input) {
        Ok((book, chapters)) => {
            println!("{book}");
            eprintln!(
                "mdbook-notifier-lab: {chapters} chapters generated from the model in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("mdbook-notifier-lab: {} directive(s) failed; the book does not match the model:", errors.len());
            for e in &errors {
                eprintln!("  {e}");
            }
            ExitCode::FAILURE
        }
    }
}
