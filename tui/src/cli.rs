//! Subcommands: `trace`, `compare`, `list`, `verify`, `check`; the global
//! `--replay FILE` opens a saved counterexample in the walkthrough.

use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use notifier_lab_core::checker::{self, Counterexample, Options, Outcome};
use notifier_lab_core::event::ViolationId;
use notifier_lab_core::{Actor, NotifierId, Scenario, Semantics, Trace, compare};

/// Watch the 2012 mmu_notifier regression happen, one kernel statement at a time.
#[derive(Parser, Debug)]
#[command(name = "notifier-lab", version, about, long_about = None)]
pub struct Cli {
    /// Open a counterexample saved by `check --save` in the walkthrough.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<String>,
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
    /// Explore every interleaving of a scenario's threads and report each
    /// violation with a shortest counterexample and, for a built-in
    /// scenario, its browser demo link (`demo: index.html#v1/...`).
    Check {
        /// Built-in scenario name or path to a .toml file (not with --all).
        scenario: Option<String>,
        /// original | wrapped | patched
        #[arg(long, short)]
        semantics: Option<String>,
        /// Comma-separated notifier ids; default: the scenario's set.
        #[arg(long, short)]
        notifiers: Option<String>,
        /// Comma-separated actors, repeats allowed (host_write, vcpu_read,
        /// vcpu_write, gru_read, gru_write); default: the scenario's
        /// `actors`, or the default threads when it has none.
        #[arg(long, short)]
        actors: Option<String>,
        #[arg(long, short, value_enum, default_value = "text")]
        format: Format,
        /// Save a counterexample (the first violation found, or --violation).
        #[arg(long, value_name = "FILE")]
        save: Option<String>,
        /// Which violation --save writes.
        #[arg(long)]
        violation: Option<String>,
        /// Every built-in scenario x semantics with its default actors, as
        /// a table of verdicts checked against the files' [[verdict]] tables.
        #[arg(long)]
        all: bool,
        /// Stop after this many distinct states.
        #[arg(long, default_value_t = Options::default().max_states)]
        max_states: usize,
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
    if let Some(file) = &cli.replay {
        if cli.command.is_some() {
            return Err("--replay opens the walkthrough; it takes no subcommand".into());
        }
        let (scenario, cx) = load_replay(file)?;
        return Ok(notifier_lab_tui::app::run_replay(scenario, &cx));
    }
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
        Command::Check { scenario, semantics, notifiers: n, actors, format, save, violation, all, max_states } => {
            let options = Options { max_states };
            if all {
                if scenario.is_some() || semantics.is_some() || save.is_some() {
                    return Err("check --all takes no scenario, --semantics or --save".into());
                }
                return check_all(options, format);
            }
            let spec = scenario.ok_or("check needs a scenario (or --all)")?;
            let s = load(&spec)?;
            let sem =
                Semantics::parse(semantics.as_deref().ok_or("check needs --semantics")?).map_err(|e| e.to_string())?;
            let n = notifiers(&s, &n)?;
            let a = match actors {
                Some(list) => Actor::parse_list(&list).map_err(|e| e.to_string())?,
                None => s.actors.clone(),
            };
            let start = Instant::now();
            let r = checker::check(&s, sem, &n, &a, options)?;
            let secs = start.elapsed().as_secs_f64();
            if let Some(file) = save {
                let id = match violation {
                    Some(v) => ViolationId::ALL.into_iter().find(|x| x.id() == v).ok_or_else(|| {
                        format!(
                            "unknown violation `{v}`; expected one of: {}",
                            ViolationId::ALL.map(|x| x.id()).join(", ")
                        )
                    })?,
                    None => r.violations.first().map(|f| f.id).ok_or("nothing to save: no violation was found")?,
                };
                let cx =
                    r.counterexample(id, &spec).ok_or_else(|| format!("nothing to save: {} was not found", id.id()))?;
                std::fs::write(&file, cx.to_toml()).map_err(|e| format!("{file}: {e}"))?;
                eprintln!(
                    "saved the {} counterexample ({} steps) to {file}; open it with: notifier-lab --replay {file}",
                    id.id(),
                    cx.schedule.len()
                );
            }
            // `spec`, not the scenario's name: a file named like a built-in
            // scenario may differ from it, and only built-ins have demo links.
            match format {
                Format::Text => {
                    print!("{}", r.to_text_with_links(&spec));
                    println!("time {:.3} s | {:.0} distinct states/s", secs, r.distinct_states as f64 / secs.max(1e-9));
                }
                Format::Json => {
                    let mut j = r.to_json_with_links(&spec);
                    if let Some(o) = j.as_object_mut() {
                        o.insert("seconds".into(), serde_json::json!(secs));
                    }
                    println!("{}", serde_json::to_string_pretty(&j).map_err(|e| e.to_string())?);
                }
            }
        }
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

/// Loads a counterexample file and its scenario, and checks that the
/// schedule replays and raises the saved violation.
pub fn load_replay(file: &str) -> Result<(Scenario, Counterexample), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let cx = Counterexample::parse(&text).map_err(|e| format!("{file}: {e}"))?;
    let s = load(&cx.scenario)?;
    cx.trace(&s).map_err(|e| format!("{file}: {e}"))?;
    Ok((s, cx))
}

/// One row of `check --all`: a scenario under one semantics with its
/// default notifiers and actors.
fn check_all(options: Options, format: Format) -> Result<ExitCode, String> {
    let total = Instant::now();
    let mut rows = Vec::new();
    let mut mismatches = 0;
    for s in Scenario::all_builtin() {
        for sem in Semantics::ALL {
            let start = Instant::now();
            let r = checker::check(&s, sem, &s.notifiers, &s.actors, options)?;
            let secs = start.elapsed().as_secs_f64();
            // The file's [[verdict]] for exactly this configuration, if any.
            let verdict =
                s.verdicts.iter().find(|v| v.semantics == sem && v.notifiers == s.notifiers && v.actors == s.actors);
            let mut bad = Vec::new();
            if let Some(v) = verdict {
                for (id, want) in &v.expected {
                    if r.outcome(*id) != *want || (!r.complete && *want == Outcome::Never) {
                        bad.push(format!("{}: expected {}, explorer says {}", id.id(), want.id(), r.outcome(*id).id()));
                    }
                }
            }
            mismatches += bad.len();
            rows.push((s.name.clone(), r, secs, verdict.map(|v| v.location.clone()), bad));
        }
    }
    let secs = total.elapsed().as_secs_f64();
    match format {
        Format::Text => {
            let short = |id: ViolationId| match id {
                ViolationId::SleepInAtomic => "sleep",
                ViolationId::StaleSecondaryRead => "stale",
                ViolationId::SecondaryMapsFreedPage => "freed",
                ViolationId::LostWrite => "lost",
                ViolationId::RangeImbalance => "range",
            };
            print!("{:<8} {:<9} {:<28}", "scenario", "semantics", "actors");
            for id in ViolationId::ALL {
                print!(" {:<9}", short(id));
            }
            println!(" {:>9} {:>8}  verdict", "distinct", "seconds");
            for (name, r, t, loc, bad) in &rows {
                let actors =
                    if r.actors.is_empty() { "(default threads)".to_string() } else { Actor::list_id(&r.actors) };
                print!("{:<8} {:<9} {:<28}", name, r.semantics.id(), actors);
                for id in ViolationId::ALL {
                    print!(" {:<9}", r.outcome(id).id());
                }
                let status = match (loc, bad.is_empty()) {
                    (None, _) => "no [[verdict]]".to_string(),
                    (Some(_), true) => "ok".to_string(),
                    (Some(l), false) => format!("FAIL {l}"),
                };
                println!(
                    " {:>9} {:>8.3}  {}{}",
                    r.distinct_states,
                    t,
                    status,
                    if r.complete { "" } else { " (incomplete)" }
                );
                for b in bad {
                    println!("        {b}");
                }
            }
            println!("{} configurations in {:.3} s, {} verdict mismatches", rows.len(), secs, mismatches);
        }
        Format::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|(name, r, t, loc, bad)| {
                    let mut j = r.to_json_with_links(name);
                    if let Some(o) = j.as_object_mut() {
                        o.insert("seconds".into(), serde_json::json!(t));
                        o.insert("verdict_location".into(), serde_json::json!(loc));
                        o.insert("verdict_mismatches".into(), serde_json::json!(bad));
                    }
                    j
                })
                .collect();
            let doc = serde_json::json!({ "runs": list, "seconds": secs, "mismatches": mismatches });
            println!("{}", serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?);
        }
    }
    Ok(if mismatches > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
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
        out.push_str(&format!("  {:<12} ops used: {}\n               {}\n", n.id(), ops.join(", "), n.describe()));
    }
    out.push_str("actors (check --actors, repeats allowed):\n");
    for a in Actor::ALL {
        let what = match a {
            Actor::HostWrite => "a second host thread stores through the primary pte (COW fault when read-only)",
            Actor::VcpuRead => "a vCPU reads the guest frame through KVM's spte (tdp_page_fault on a miss)",
            Actor::VcpuWrite => "a vCPU writes the guest frame (get_user_pages may run do_wp_page)",
            Actor::GruRead => "a GRU instruction reads through the GRU TLB (gru_user_dropin on a miss)",
            Actor::GruWrite => "a GRU instruction writes through the GRU TLB",
        };
        out.push_str(&format!("  {:<12} {}\n", a.id(), what));
    }
    out.push_str("invariants:\n");
    for v in ViolationId::ALL {
        out.push_str(&format!("  {:<25} {}\n", v.id(), v.rule()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_option_parses_and_loads_a_saved_counterexample() {
        let cli = Cli::try_parse_from(["notifier-lab", "--replay", "x.toml"]).unwrap();
        assert_eq!(cli.replay.as_deref(), Some("x.toml"));
        assert!(cli.command.is_none());
        let s = Scenario::builtin("cow").unwrap();
        let actors = [Actor::HostWrite, Actor::GruRead];
        let r = checker::check(&s, Semantics::Patched, &s.notifiers, &actors, Options::default()).unwrap();
        let cx = r.counterexample(ViolationId::StaleSecondaryRead, "cow").unwrap();
        let file = std::env::temp_dir().join(format!("notifier-lab-replay-{}.toml", std::process::id()));
        std::fs::write(&file, cx.to_toml()).unwrap();
        let loaded = load_replay(file.to_str().unwrap());
        let _ = std::fs::remove_file(&file);
        let (scenario, back) = loaded.unwrap();
        assert_eq!(scenario.name, "cow");
        assert_eq!(back, cx);
        let w = notifier_lab_tui::app::replay_walkthrough(scenario, &back).unwrap();
        assert_eq!(w.left.len(), cx.schedule.len());
        assert!(load_replay("/nonexistent/cx.toml").unwrap_err().contains("/nonexistent/cx.toml"));
    }

    #[test]
    fn check_arguments_parse() {
        let cli = Cli::try_parse_from([
            "notifier-lab",
            "check",
            "cow",
            "--semantics",
            "patched",
            "--actors",
            "host_write,host_write,gru_read",
            "--format",
            "json",
            "--save",
            "cx.toml",
        ])
        .unwrap();
        match cli.command {
            Some(Command::Check { scenario, actors, save, all, .. }) => {
                assert_eq!(scenario.as_deref(), Some("cow"));
                assert_eq!(actors.as_deref(), Some("host_write,host_write,gru_read"));
                assert_eq!(save.as_deref(), Some("cx.toml"));
                assert!(!all);
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["notifier-lab", "check", "--all"]).is_ok());
    }
}
