//! Subcommands: `trace`, `compare`, `list`, `verify`.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use notifier_lab_core::event::ViolationId;
use notifier_lab_core::{NotifierId, Scenario, Semantics, Trace, compare};

/// Watch the 2012 mmu_notifier regression happen, one kernel statement at a time.
#[derive(Parser, Debug)]
#[command(name = "notifier-lab", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario under one semantics and print every step.
    Trace {
        /// Built-in scenario name (ksm, cow, uprobe) or path to a .toml file.
        scenario: String,
        /// original | wrapped | patched
        #[arg(long, short)]
        semantics: String,
        /// Comma-separated notifier ids (kvm,gru,amd_iommu_v2,xen_gntdev,sleepable);
        /// default: the scenario's set.
        #[arg(long, short)]
        notifiers: Option<String>,
        #[arg(long, short, value_enum, default_value = "text")]
        format: Format,
    },
    /// Run a scenario under two semantics, aligned at milestones.
    Compare {
        /// Built-in scenario name or path to a .toml file.
        scenario: String,
        /// Left semantics.
        left: String,
        /// Right semantics.
        right: String,
        /// Comma-separated notifier ids; default: the scenario's set.
        #[arg(long, short)]
        notifiers: Option<String>,
    },
    /// List scenarios, semantics, notifiers and invariants.
    List,
    /// Recheck every scenario file's expected results (herd7 style).
    Verify {
        /// Scenario files; default: the built-in scenarios.
        files: Vec<String>,
    },
}

fn load(spec: &str) -> Result<Scenario, String> {
    if spec.ends_with(".toml") || spec.contains('/') {
        let text = std::fs::read_to_string(spec).map_err(|e| format!("{spec}: {e}"))?;
        Scenario::parse(spec, &text).map_err(|e| e.to_string())
    } else {
        Scenario::builtin(spec).map_err(|e| e.to_string())
    }
}

fn notifiers(s: &Scenario, arg: &Option<String>) -> Result<Vec<NotifierId>, String> {
    match arg {
        None => Ok(s.notifiers.clone()),
        Some(list) => NotifierId::parse_list(list).map_err(|e| e.to_string()),
    }
}

/// Runs the command line; errors print one clear line and exit 2.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("notifier-lab: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let Some(command) = cli.command else {
        // No subcommand: the terminal walkthrough (exits 2 with a pointer to
        // `trace` when stdout is not a terminal).
        return Ok(notifier_lab_tui::app::run());
    };
    match command {
        Command::Trace { scenario, semantics, notifiers: n, format } => {
            let s = load(&scenario)?;
            let sem = Semantics::parse(&semantics).map_err(|e| e.to_string())?;
            let n = notifiers(&s, &n)?;
            let t = Trace::run(&s, sem, &n);
            match format {
                Format::Text => print!("{}", t.to_text()),
                Format::Json => println!("{}", serde_json::to_string_pretty(&t.to_json()).map_err(|e| e.to_string())?),
            }
        }
        Command::Compare { scenario, left, right, notifiers: n } => {
            let s = load(&scenario)?;
            let l = Semantics::parse(&left).map_err(|e| e.to_string())?;
            let r = Semantics::parse(&right).map_err(|e| e.to_string())?;
            let n = notifiers(&s, &n)?;
            print!("{}", compare(&s, l, r, &n).to_text());
        }
        Command::List => print!("{}", list_text()),
        Command::Verify { files } => {
            let scenarios: Vec<Scenario> = if files.is_empty() {
                Scenario::all_builtin()
            } else {
                files.iter().map(|f| load(f)).collect::<Result<_, _>>()?
            };
            let (mut passed, mut failed) = (0, 0);
            for s in &scenarios {
                for c in s.check_expectations() {
                    let e = &c.expectation;
                    let ns: Vec<&str> = e.notifiers.iter().map(|n| n.id()).collect();
                    if c.mismatches.is_empty() {
                        passed += 1;
                        println!("ok    {:<8} {:<9} {:<22} {}", s.name, e.semantics.id(), ns.join(","), e.location);
                    } else {
                        failed += 1;
                        println!("FAIL  {:<8} {:<9} {:<22} {}", s.name, e.semantics.id(), ns.join(","), e.location);
                        for m in &c.mismatches {
                            println!("        {m}");
                        }
                    }
                }
            }
            println!("{passed} passed, {failed} failed");
            if failed > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The text of `notifier-lab list`.
pub fn list_text() -> String {
    let mut out = String::from("scenarios:\n");
    for s in Scenario::all_builtin() {
        out.push_str(&format!("  {:<8} {}\n", s.name, s.title));
    }
    out.push_str("semantics:\n");
    for s in Semantics::ALL {
        out.push_str(&format!("  {:<8} {}\n", s.id(), s.describe()));
    }
    out.push_str("notifiers (default: kvm,gru):\n");
    for n in NotifierId::ALL {
        let ops: Vec<&str> = n.ops().list().iter().map(|c| c.id()).collect();
        out.push_str(&format!("  {:<12} ops: {}\n               {}\n", n.id(), ops.join(", "), n.describe()));
    }
    out.push_str("invariants:\n");
    for v in ViolationId::ALL {
        out.push_str(&format!("  {:<25} {}\n", v.id(), v.rule()));
    }
    out
}
