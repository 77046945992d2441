//! Subcommands: `trace`, `compare`, `list`, `verify`, `check`; the global
//! `--replay FILE` opens a saved counterexample in the walkthrough.
//!
//! Everything goes to stdout through [`Out`], which turns a write error
//! into [`Fail::Stdout`] instead of a panic: a closed pipe ends the
//! program quietly with status 0, any other error is reported on stderr
//! with status 2.

use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use notifier_lab_core::checker::{self, Counterexample, Options, Outcome, Progress, ProgressFn, Report};
use notifier_lab_core::event::ViolationId;
use notifier_lab_core::scenario::MAX_FILE_BYTES;
use notifier_lab_core::{Actor, NotifierId, Scenario, Semantics, Trace, compare, escape};
use notifier_lab_tui::builtin;

/// Exit statuses, as `--help` prints them.
const EXIT_CODES: &str = "Exit status:
  0  success (also when stdout is a pipe closed early, as by `| head`)
  1  a check failed: `verify` found a FAIL, `check` a [[verdict]] mismatch,
     or `check --save` had nothing to save (the report is printed first)
  2  usage or input error (one line on stderr, `file:line:column` for
     files), or stdout could not be written (`notifier-lab: stdout: ...`)
  3  `check` stopped before exploring everything (--max-states,
     --max-memory or Ctrl-C): its `not found` results are not proofs";

/// Status of a search that stopped early.
const EXIT_INCOMPLETE: u8 = 3;

/// Watch the 2012 mmu_notifier regression happen, one kernel statement at a time.
#[derive(Parser, Debug)]
#[command(name = "notifier-lab", version, about, long_about = None, after_help = EXIT_CODES)]
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
        /// A semantics id (`list` shows all eight: original, wrapped, patched, bracket_if_missing, event_aware, v4.15, v6.9, v6.10)
        #[arg(long, short)]
        semantics: String,
        /// Comma-separated notifier ids (kvm,gru,amd_iommu_v2,xen_gntdev,sleepable,intel_svm),
        /// `none` or `all` (those that exist at the tag); default: the scenario's set.
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
        /// Comma-separated notifier ids, `none` or `all` (those that exist at the tag); default: the scenario's set.
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
    /// Without --semantics, runs every configuration the file's
    /// [[verdict]] tables name and compares the verdicts.
    #[command(after_help = EXIT_CODES)]
    Check {
        /// Built-in scenario name or path to a .toml file (not with --all).
        scenario: Option<String>,
        /// A semantics id (`list` shows all eight); without it, the [[verdict]] configurations.
        #[arg(long, short)]
        semantics: Option<String>,
        /// Comma-separated notifier ids, `none` or `all` (those that exist at the tag); default: the scenario's set.
        #[arg(long, short)]
        notifiers: Option<String>,
        /// Comma-separated actors, repeats allowed (host_write, vcpu_read,
        /// vcpu_write, gru_read, gru_write, svm_read, svm_write); default: the scenario's
        /// `actors`, or the default threads when it has none.
        #[arg(long, short)]
        actors: Option<String>,
        #[arg(long, short, value_enum, default_value = "text")]
        format: Format,
        /// Save a counterexample (the first violation found, or --violation).
        #[arg(long, value_name = "FILE")]
        save: Option<String>,
        /// Which violation --save writes (needs --save).
        #[arg(long)]
        violation: Option<String>,
        /// Every built-in scenario x semantics with its default actors, as
        /// a table of verdicts checked against the files' [[verdict]] tables.
        #[arg(long)]
        all: bool,
        /// Stop after this many distinct states.
        #[arg(long, default_value_t = Options::default().max_states)]
        max_states: usize,
        /// Stop before the search's estimated memory would pass this (bytes,
        /// or with a suffix: 512MiB, 4GiB, 2G).
        #[arg(long, default_value = "4GiB", value_parser = parse_bytes)]
        max_memory: usize,
        /// The exact search: no reduction, so every runnable thread is
        /// tried in every state, every state is stored and each schedule is
        /// a shortest one. By default, a statement that touches only its own
        /// thread's locals is not interleaved with the other threads
        /// (partial-order reduction), and states that differ only by which
        /// of two same actors is which are stored once (symmetry
        /// reduction): the same verdicts from far fewer states; schedules
        /// may be longer.
        #[arg(long)]
        no_reduce: bool,
    },
}

/// `4GiB`, `512MiB`, `2G`, `1000000`: a byte count.
fn parse_bytes(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: usize = num.parse().map_err(|_| format!("`{}`: expected a byte count like 4GiB or 512MiB", escape(s)))?;
    let mult: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return Err(format!("`{}`: unknown unit; expected B, KiB, MiB, GiB or TiB", escape(s))),
    };
    n.checked_mul(mult).ok_or_else(|| format!("`{}` is too large", escape(s)))
}

/// Why the command line stops early.
#[derive(Debug)]
pub enum Fail {
    /// A usage or input error: one line, exit status 2.
    Usage(String),
    /// Writing to stdout failed.
    Stdout(io::Error),
}

impl From<String> for Fail {
    fn from(s: String) -> Fail {
        Fail::Usage(s)
    }
}

impl From<&str> for Fail {
    fn from(s: &str) -> Fail {
        Fail::Usage(s.to_string())
    }
}

/// Standard output, locked; every write error becomes [`Fail::Stdout`].
struct Out(io::StdoutLock<'static>);

impl Out {
    fn new() -> Out {
        Out(io::stdout().lock())
    }

    fn print(&mut self, s: &str) -> Result<(), Fail> {
        self.0.write_all(s.as_bytes()).map_err(Fail::Stdout)
    }

    fn flush(&mut self) -> Result<(), Fail> {
        self.0.flush().map_err(Fail::Stdout)
    }
}

/// One line on stderr; a failure to write it is ignored (there is nowhere
/// left to report it), never a panic.
fn note(s: &str) {
    let _ = writeln!(io::stderr(), "{s}");
}

/// Reads an input file: a regular file of at most [`MAX_FILE_BYTES`],
/// checked before reading, in UTF-8.
pub fn read_input(path: &str) -> Result<String, String> {
    let shown = escape(path);
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    let limit = format!("input files are limited to {} MiB", MAX_FILE_BYTES >> 20);
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("{shown}: {} bytes: {limit}", meta.len()));
    }
    let mut bytes = Vec::new();
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    // The file may have grown since the check.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("{shown}: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("{shown}: {limit}"));
    }
    String::from_utf8(bytes).map_err(|e| format!("{shown}: not UTF-8 text ({e})"))
}

/// Whether a scenario argument names a file (else a built-in scenario).
fn is_file_spec(spec: &str) -> bool {
    spec.ends_with(".toml") || spec.contains('/')
}

fn load(spec: &str) -> Result<Scenario, String> {
    if is_file_spec(spec) {
        let text = read_input(spec)?;
        Scenario::parse(spec, &text).map_err(|e| e.to_string())
    } else {
        builtin::scenario(spec).map_err(|e| e.to_string())
    }
}

/// The `--notifiers` list; `all` means the users that exist at the tag of
/// every semantics in `sems`.
fn notifiers(s: &Scenario, arg: &Option<String>, sems: &[Semantics]) -> Result<Vec<NotifierId>, String> {
    match arg {
        None => Ok(s.notifiers.clone()),
        Some(list) if list.trim() == "all" => {
            Ok(NotifierId::ALL.into_iter().filter(|n| sems.iter().all(|sem| n.exists_at(*sem))).collect())
        }
        Some(list) => NotifierId::parse_list(list),
    }
}

fn semantics(s: &str) -> Result<Semantics, String> {
    Semantics::parse(s).map_err(|e| e.to_string())
}

fn json_text(v: &serde_json::Value) -> Result<String, String> {
    serde_json::to_string_pretty(v).map(|s| s + "\n").map_err(|e| e.to_string())
}

/// Runs the command line. See [`EXIT_CODES`].
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Out::new();
    let result = run(cli, &mut out).and_then(|code| out.flush().map(|()| code));
    match result {
        Ok(code) => code,
        Err(Fail::Stdout(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Fail::Stdout(e)) => {
            note(&format!("notifier-lab: stdout: {e}"));
            ExitCode::from(2)
        }
        Err(Fail::Usage(e)) => {
            // Anything echoed from the input is shown with its control
            // characters escaped.
            note(&format!("notifier-lab: {}", escape(&e)));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli, out: &mut Out) -> Result<ExitCode, Fail> {
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
        Command::Trace { scenario, semantics: sem, notifiers: n, format } => {
            let s = load(&scenario)?;
            let sem = semantics(&sem)?;
            let n = notifiers(&s, &n, &[sem])?;
            NotifierId::check_at(sem, &n)?;
            let t = Trace::run(&s, sem, &n);
            match format {
                Format::Text => out.print(&t.to_text())?,
                Format::Json => out.print(&json_text(&t.to_json())?)?,
            }
        }
        Command::Compare { scenario, left, right, notifiers: n } => {
            let s = load(&scenario)?;
            let (l, r) = (semantics(&left)?, semantics(&right)?);
            let n = notifiers(&s, &n, &[l, r])?;
            NotifierId::check_at(l, &n)?;
            NotifierId::check_at(r, &n)?;
            out.print(&compare(&s, l, r, &n).to_text())?;
        }
        Command::List => out.print(&list_text())?,
        Command::Check {
            scenario,
            semantics: sem,
            notifiers: n,
            actors,
            format,
            save,
            violation,
            all,
            max_states,
            max_memory,
            no_reduce,
        } => {
            let cancel = Arc::new(AtomicBool::new(false));
            let options = Options {
                max_states,
                max_memory,
                cancel: Some(cancel.clone()),
                progress: io::stderr().is_terminal().then(progress_line),
                reduce: !no_reduce,
            };
            if all {
                let extra: Vec<&str> = [
                    (scenario.is_some(), "a scenario"),
                    (sem.is_some(), "--semantics"),
                    (n.is_some(), "--notifiers"),
                    (actors.is_some(), "--actors"),
                    (save.is_some(), "--save"),
                    (violation.is_some(), "--violation"),
                ]
                .into_iter()
                .filter_map(|(given, what)| given.then_some(what))
                .collect();
                if !extra.is_empty() {
                    return Err(format!(
                        "check --all runs every built-in scenario with its own configurations; it takes no {}",
                        extra.join(", ")
                    )
                    .into());
                }
                let runs = builtin::all()
                    .into_iter()
                    .flat_map(|s| {
                        Semantics::ALL.map(|sem| Run {
                            spec: s.name.clone(),
                            semantics: sem,
                            notifiers: s.notifiers.clone(),
                            actors: s.actors.clone(),
                            scenario: s.clone(),
                        })
                    })
                    .collect();
                return check_table(runs, &options, format, out, &cancel);
            }
            if violation.is_some() && save.is_none() {
                return Err("--violation picks the counterexample --save writes; it needs --save".into());
            }
            let spec = scenario.ok_or("check needs a scenario (or --all)")?;
            let s = load(&spec)?;
            let Some(sem) = sem else {
                // The configurations of the file's [[verdict]] tables.
                if s.verdicts.is_empty() {
                    return Err(format!(
                        "check needs --semantics: {} has no [[verdict]] tables to check",
                        escape(&spec)
                    )
                    .into());
                }
                let extra: Vec<&str> =
                    [(n.is_some(), "--notifiers"), (actors.is_some(), "--actors"), (save.is_some(), "--save")]
                        .into_iter()
                        .filter_map(|(given, what)| given.then_some(what))
                        .collect();
                if !extra.is_empty() {
                    return Err(format!(
                        "without --semantics, check runs the configurations of the file's [[verdict]] tables; {} needs --semantics",
                        extra.join(", ")
                    )
                    .into());
                }
                let runs = s
                    .verdicts
                    .iter()
                    .map(|v| Run {
                        spec: spec.clone(),
                        semantics: v.semantics,
                        notifiers: v.notifiers.clone(),
                        actors: v.actors.clone(),
                        scenario: s.clone(),
                    })
                    .collect();
                return check_table(runs, &options, format, out, &cancel);
            };
            let sem = semantics(&sem)?;
            let n = notifiers(&s, &n, &[sem])?;
            let a = match actors {
                Some(list) => Actor::parse_list(&list).map_err(|e| e.to_string())?,
                None => s.actors.clone(),
            };
            // Known before the search, so a mistyped id costs no search.
            let wanted = match &violation {
                Some(v) => Some(ViolationId::ALL.into_iter().find(|x| x.id() == v).ok_or_else(|| {
                    format!(
                        "unknown violation `{}`; expected one of: {}",
                        escape(v),
                        ViolationId::ALL.map(|x| x.id()).join(", ")
                    )
                })?),
                None => None,
            };
            let start = Instant::now();
            let r = search(&s, sem, &n, &a, &options, &cancel)?;
            let secs = start.elapsed().as_secs_f64();
            // The file's [[verdict]] for exactly this configuration, if any.
            let verdict = s.verdicts.iter().find(|v| v.semantics == sem && v.notifiers == n && v.actors == a);
            let bad = verdict.map(|v| v.mismatches(&r)).unwrap_or_default();
            // `spec`, not the scenario's name: a file named like a built-in
            // scenario may differ from it, and only built-ins have demo links.
            match format {
                Format::Text => {
                    out.print(&r.to_text_with_links(&spec))?;
                    out.print(&format!(
                        "time {:.3} s | {:.0} distinct states/s\n",
                        secs,
                        r.distinct_states as f64 / secs.max(1e-9)
                    ))?;
                    if let Some(v) = verdict {
                        out.print(&verdict_text(&v.location, &bad))?;
                    }
                }
                Format::Json => {
                    let mut j = r.to_json_with_links(&spec);
                    if let Some(o) = j.as_object_mut() {
                        o.insert("seconds".into(), serde_json::json!(secs));
                        o.insert("verdict_location".into(), serde_json::json!(verdict.map(|v| &v.location)));
                        o.insert("verdict_mismatches".into(), serde_json::json!(bad));
                    }
                    out.print(&json_text(&j)?)?;
                }
            }
            out.flush()?;
            let mut failed = !bad.is_empty();
            if let Some(file) = save {
                // After the report: a search is never thrown away.
                let id = wanted.or_else(|| r.violations.first().map(|f| f.id));
                match id.and_then(|id| r.counterexample(id, &saved_scenario_path(&spec, &file)).map(|cx| (id, cx))) {
                    Some((id, cx)) => {
                        std::fs::write(&file, cx.to_toml()).map_err(|e| format!("{}: {e}", escape(&file)))?;
                        note(&format!(
                            "saved the {} counterexample ({} steps) to {f}; open it with: notifier-lab --replay {f}",
                            id.id(),
                            cx.schedule.len(),
                            f = escape(&file)
                        ));
                    }
                    None => {
                        let what = match wanted {
                            Some(id) => format!("{} was not found", id.id()),
                            None => "no violation was found".to_string(),
                        };
                        note(&format!("notifier-lab: nothing saved to {}: {what}", escape(&file)));
                        failed = true;
                    }
                }
            }
            if failed {
                return Ok(ExitCode::FAILURE);
            }
            if !r.complete {
                return Ok(ExitCode::from(EXIT_INCOMPLETE));
            }
        }
        Command::Verify { files } => {
            let scenarios: Vec<Scenario> = if files.is_empty() {
                builtin::all()
            } else {
                files.iter().map(|f| load(f)).collect::<Result<_, _>>()?
            };
            let (mut passed, mut failed) = (0, 0);
            let mut text = String::new();
            for s in &scenarios {
                for c in s.check_expectations() {
                    let e = &c.expectation;
                    let ns: Vec<&str> = e.notifiers.iter().map(|n| n.id()).collect();
                    let status = if c.mismatches.is_empty() { "ok  " } else { "FAIL" };
                    text.push_str(&format!(
                        "{status}  {:<8} {:<18} {:<22} {}\n",
                        s.name,
                        e.semantics.id(),
                        ns.join(","),
                        e.location
                    ));
                    if c.mismatches.is_empty() {
                        passed += 1;
                    } else {
                        failed += 1;
                        for m in &c.mismatches {
                            text.push_str(&format!("        {m}\n"));
                        }
                    }
                }
            }
            text.push_str(&format!("{passed} passed, {failed} failed\n"));
            out.print(&text)?;
            if failed > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The scenario a counterexample saved to `file` names: `spec` itself for
/// a built-in scenario or when the file goes to the current folder, else
/// the scenario file's absolute path (a relative path in a counterexample
/// file is read relative to that file's folder).
fn saved_scenario_path(spec: &str, file: &str) -> String {
    if !is_file_spec(spec) || Path::new(spec).is_absolute() {
        return spec.to_string();
    }
    let here = Path::new(file).parent().is_none_or(|d| d.as_os_str().is_empty());
    if here {
        return spec.to_string();
    }
    std::fs::canonicalize(spec).map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|_| spec.to_string())
}

/// Runs the explorer with Ctrl-C setting `cancel` (a second Ctrl-C ends
/// the program at once), and clears the progress line afterwards.
fn search(
    s: &Scenario,
    sem: Semantics,
    n: &[NotifierId],
    a: &[Actor],
    options: &Options,
    cancel: &Arc<AtomicBool>,
) -> Result<Report, String> {
    // Registered in this order, a second signal (the flag already set)
    // exits with 130, the usual status after SIGINT.
    let ids = [
        signal_hook::flag::register_conditional_shutdown(signal_hook::consts::SIGINT, 130, cancel.clone()),
        signal_hook::flag::register(signal_hook::consts::SIGINT, cancel.clone()),
    ];
    let r = checker::check(s, sem, n, a, options.clone());
    for id in ids.into_iter().flatten() {
        signal_hook::low_level::unregister(id);
    }
    if options.progress.is_some() {
        let _ = write!(io::stderr(), "\r\x1b[2K");
    }
    r
}

/// The progress line on stderr (when it is a terminal), redrawn in place
/// at most ten times a second.
fn progress_line() -> ProgressFn {
    let start = Instant::now();
    let last = std::sync::Mutex::new(None::<Instant>);
    Arc::new(move |p: &Progress| {
        let now = Instant::now();
        let Ok(mut last) = last.lock() else { return };
        if last.is_some_and(|t| now.duration_since(t) < Duration::from_millis(100)) {
            return;
        }
        *last = Some(now);
        let secs = now.duration_since(start).as_secs_f64().max(1e-3);
        let _ = write!(
            io::stderr(),
            "\r\x1b[2K  exploring: depth {} ({}/{}) | {} distinct | {:.0} states/s | ~{} MiB (Ctrl-C: stop and report)",
            p.depth,
            p.expanded,
            p.frontier,
            p.distinct_states,
            p.states as f64 / secs,
            p.memory_bytes >> 20
        );
    })
}

/// `check FILE` / `check --all`: one configuration to run.
struct Run {
    /// How the scenario was named (a built-in name or a path).
    spec: String,
    scenario: Scenario,
    semantics: Semantics,
    notifiers: Vec<NotifierId>,
    actors: Vec<Actor>,
}

fn verdict_text(location: &str, bad: &[String]) -> String {
    if bad.is_empty() {
        format!("verdict {location}: ok\n")
    } else {
        let mut s = format!("verdict {location}: FAIL\n");
        for b in bad {
            s.push_str(&format!("        {b}\n"));
        }
        s
    }
}

/// Runs `runs` and prints a table of verdicts, each checked against the
/// [[verdict]] of its configuration. Status 1 on a mismatch, else 3 when a
/// search stopped early.
fn check_table(
    runs: Vec<Run>,
    options: &Options,
    format: Format,
    out: &mut Out,
    cancel: &Arc<AtomicBool>,
) -> Result<ExitCode, Fail> {
    let total = Instant::now();
    let mut rows = Vec::new();
    let mut mismatches = 0;
    let mut incomplete = false;
    for run in &runs {
        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        let s = &run.scenario;
        let start = Instant::now();
        let r = search(s, run.semantics, &run.notifiers, &run.actors, options, cancel)?;
        let secs = start.elapsed().as_secs_f64();
        let verdict = s
            .verdicts
            .iter()
            .find(|v| v.semantics == run.semantics && v.notifiers == run.notifiers && v.actors == run.actors);
        let bad = verdict.map(|v| v.mismatches(&r)).unwrap_or_default();
        mismatches += bad.len();
        incomplete |= !r.complete;
        rows.push((run, r, secs, verdict.map(|v| v.location.clone()), bad));
    }
    let stopped = rows.len() < runs.len();
    let secs = total.elapsed().as_secs_f64();
    match format {
        Format::Text => {
            let short = |id: ViolationId| match id {
                ViolationId::SleepInAtomic => "sleep",
                ViolationId::StaleSecondaryRead => "stale",
                ViolationId::SecondaryMapsFreedPage => "freed",
                ViolationId::LostWrite => "lost",
                ViolationId::RangeImbalance => "range",
                ViolationId::StaleSpte => "spte",
            };
            let mut text = format!("{:<8} {:<18} {:<28}", "scenario", "semantics", "actors");
            for id in ViolationId::ALL {
                text.push_str(&format!(" {:<9}", short(id)));
            }
            text.push_str(&format!(" {:>9} {:>8}  verdict\n", "distinct", "seconds"));
            for (run, r, t, loc, bad) in &rows {
                let mut actors =
                    if r.actors.is_empty() { "(default threads)".to_string() } else { Actor::list_id(&r.actors) };
                if run.notifiers != run.scenario.notifiers {
                    let ns: Vec<&str> = run.notifiers.iter().map(|n| n.id()).collect();
                    actors = format!("[{}] {actors}", if ns.is_empty() { "none".into() } else { ns.join(",") });
                }
                text.push_str(&format!("{:<8} {:<18} {:<28}", run.scenario.name, r.semantics.id(), actors));
                for id in ViolationId::ALL {
                    // `?`: not found by a search that did not finish.
                    let o = if r.complete || r.outcome(id) == Outcome::Sometimes { r.outcome(id).id() } else { "?" };
                    text.push_str(&format!(" {o:<9}"));
                }
                let status = match (loc, bad.is_empty()) {
                    (None, _) => "no [[verdict]]".to_string(),
                    (Some(_), true) => "ok".to_string(),
                    (Some(l), false) => format!("FAIL {l}"),
                };
                text.push_str(&format!(
                    " {:>9} {:>8.3}  {}{}\n",
                    r.distinct_states,
                    t,
                    status,
                    match r.stopped {
                        Some(why) => format!(" (INCOMPLETE: {}; `?` = not found, not a proof)", why.describe()),
                        None => String::new(),
                    }
                ));
                for b in bad {
                    text.push_str(&format!("        {b}\n"));
                }
            }
            text.push_str(&format!(
                "{} configurations in {:.3} s, {} verdict mismatches{}\n",
                rows.len(),
                secs,
                mismatches,
                if stopped {
                    format!(" (INCOMPLETE: interrupted before {} more)", runs.len() - rows.len())
                } else {
                    String::new()
                }
            ));
            out.print(&text)?;
        }
        Format::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|(run, r, t, loc, bad)| {
                    let mut j = r.to_json_with_links(&run.spec);
                    if let Some(o) = j.as_object_mut() {
                        o.insert("seconds".into(), serde_json::json!(t));
                        o.insert("verdict_location".into(), serde_json::json!(loc));
                        o.insert("verdict_mismatches".into(), serde_json::json!(bad));
                    }
                    j
                })
                .collect();
            let doc = serde_json::json!({
                "runs": list,
                "seconds": secs,
                "mismatches": mismatches,
                "complete": !incomplete && !stopped,
            });
            out.print(&json_text(&doc)?)?;
        }
    }
    Ok(if mismatches > 0 {
        ExitCode::FAILURE
    } else if incomplete || stopped {
        ExitCode::from(EXIT_INCOMPLETE)
    } else {
        ExitCode::SUCCESS
    })
}

/// Loads a counterexample file and its scenario (a relative scenario path
/// is read relative to the counterexample file's folder), and checks that
/// the schedule replays and raises the saved violation.
pub fn load_replay(file: &str) -> Result<(Scenario, Counterexample), String> {
    let text = read_input(file)?;
    let shown = escape(file);
    let cx = Counterexample::parse(&text).map_err(|e| format!("{shown}: {e}"))?;
    let spec = if is_file_spec(&cx.scenario) && Path::new(&cx.scenario).is_relative() {
        let dir = Path::new(file).parent().unwrap_or(Path::new(""));
        dir.join(&cx.scenario).to_string_lossy().into_owned()
    } else {
        cx.scenario.clone()
    };
    let s = load(&spec).map_err(|e| format!("{shown}: scenario: {e}"))?;
    cx.trace(&s).map_err(|e| format!("{shown}: {e}"))?;
    Ok((s, cx))
}

/// The text of `notifier-lab list`.
pub fn list_text() -> String {
    let mut out = String::from("scenarios:\n");
    for s in builtin::all() {
        out.push_str(&format!("  {:<8} {}\n", s.name, s.title));
    }
    out.push_str("semantics:\n");
    for s in Semantics::ALL {
        out.push_str(&format!("  {:<18} {}\n", s.id(), s.describe()));
    }
    out.push_str("notifiers (default: kvm,gru):\n");
    for n in NotifierId::ALL {
        out.push_str(&format!("  {:<12} {}\n", n.id(), n.describe()));
        for (sems, ops) in n.ops_by_era() {
            let tags: Vec<&str> = sems.iter().map(|s| s.id()).collect();
            let ops = match ops {
                Some(ops) => ops.list().iter().map(|c| c.id()).collect::<Vec<_>>().join(", "),
                None => "does not exist".to_string(),
            };
            out.push_str(&format!("               {}: {ops}\n", tags.join(", ")));
        }
    }
    out.push_str("actors (check --actors, repeats allowed):\n");
    for a in Actor::ALL {
        let what = match a {
            Actor::HostWrite => "a second host thread stores through the primary pte (COW fault when read-only)",
            Actor::VcpuRead => "a vCPU reads the guest frame through KVM's spte (tdp_page_fault on a miss)",
            Actor::VcpuWrite => "a vCPU writes the guest frame (get_user_pages may run do_wp_page)",
            Actor::GruRead => "a GRU instruction reads through the GRU TLB (gru_user_dropin on a miss)",
            Actor::GruWrite => "a GRU instruction writes through the GRU TLB",
            Actor::SvmRead => {
                "an Intel SVM device reads by DMA through the IOTLB (the IOMMU walks the page table; page request on a missing pte)"
            }
            Actor::SvmWrite => {
                "an Intel SVM device writes by DMA through the IOTLB (page request, do_wp_page, on a read-only pte)"
            }
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
