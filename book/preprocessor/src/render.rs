//! Turns a [`Directive`] into HTML by running the model. Runs and
//! explorations are cached per book build, so a chapter may use the same
//! run in many figures at the cost of one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use notifier_lab_core::checker::{self, Options, Report};
use notifier_lab_core::link::{self, Link};
use notifier_lab_core::machine::ThreadId;
use notifier_lab_core::{
    Actor, Callback, Event, NotifierId, Scenario, Semantics, Trace, ViolationId, compare, kernel, view,
};
use serde_json::Value;

use crate::directive::{Bound, CmpOp, Directive, Explore, Run};
use crate::html::{a, block, code, esc, table, table_with_note};
use crate::msc;

/// Where the browser demo is, relative to the book's root: `scripts/site.sh`
/// puts the book at the site's root and the demo in `demo/`. A chapter in a
/// subdirectory gets one `../` per level ([`crate::protocol::rebase_demo_links`]).
pub const DEMO: &str = "demo/index.html";

/// The browser demo's deep link ([`notifier_lab_core::link`], the format
/// the demo and the command line write too) for `scenario` with
/// `left`/`right` semantics, `notifiers`, after `step` steps.
pub fn demo_link(scenario: &str, left: Semantics, right: Semantics, notifiers: &[NotifierId], step: usize) -> String {
    let l = Link {
        scenario: scenario.to_string(),
        left,
        right,
        notifiers: notifiers.to_vec(),
        left_step: step,
        ..Link::default()
    };
    format!("{DEMO}{}", link::to_fragment(&l))
}

/// The semantics a single-run figure's demo link puts on the right: the
/// next one in [`Semantics::ALL`], or for the last one the one before it.
pub fn partner(s: Semantics) -> Semantics {
    let i = Semantics::ALL.iter().position(|x| *x == s).unwrap_or(0);
    let j = if i + 1 < Semantics::ALL.len() { i + 1 } else { i.saturating_sub(1) };
    Semantics::ALL[j]
}

/// The semantics before `s` in [`Semantics::ALL`] (for the first, the
/// second): what a walkthrough of `s` is compared with by default.
pub fn predecessor(s: Semantics) -> Semantics {
    let i = Semantics::ALL.iter().position(|x| *x == s).unwrap_or(0);
    Semantics::ALL[if i == 0 { 1 } else { i - 1 }]
}

type TraceKey = (String, Semantics, Vec<NotifierId>);
type CheckKey = (String, Semantics, Vec<NotifierId>, Vec<Actor>);

/// The model, with caches.
#[derive(Default)]
pub struct Lab {
    traces: HashMap<TraceKey, Rc<Trace>>,
    reports: HashMap<CheckKey, Rc<Report>>,
    /// Explorations run (for the build log).
    pub explorations: usize,
}

fn ids(ns: &[NotifierId]) -> String {
    if ns.is_empty() { "none".into() } else { ns.iter().map(|n| n.id()).collect::<Vec<_>>().join(",") }
}

fn scenario(name: &str) -> Result<Scenario, String> {
    Scenario::builtin(name).map_err(|e| e.to_string())
}

/// Short callback names for dense cells.
fn cb_short(c: Callback) -> &'static str {
    match c {
        Callback::ChangePte => "change_pte",
        Callback::InvalidatePage => "invalidate_page",
        Callback::InvalidateRangeStart => "range_start",
        Callback::InvalidateRangeEnd => "range_end",
        Callback::InvalidateRange => "invalidate_range",
        Callback::ArchInvalidateSecondaryTlbs => "arch_inv_sec_tlbs",
    }
}

/// The effect counters of one notifier, from the summary JSON.
fn effects(n: NotifierId) -> &'static [&'static str] {
    match n {
        NotifierId::Kvm => &["kvm.sptes_zapped", "kvm.sptes_remapped", "kvm.change_pte_misses", "kvm.guest_faults"],
        NotifierId::Gru => &["gru.tlb_flushes", "gru.wake_up_all", "gru.max_range_active"],
        NotifierId::AmdIommuV2 => &["amd_iommu_v2.page_flushes", "amd_iommu_v2.gcr3_swaps"],
        NotifierId::XenGntdev => &["xen_gntdev.unmap_walks"],
        NotifierId::Sleepable => &["sleepable.mutex_locks"],
        NotifierId::IntelSvm => &["intel_svm.iotlb_flushes", "intel_svm.iotlb_flushes_under_ptl"],
    }
}

fn lookup<'a>(v: &'a Value, path: &str) -> Result<&'a Value, String> {
    let mut cur = v;
    let mut walked = Vec::new();
    for part in path.split('.') {
        match cur.get(part) {
            Some(x) => cur = x,
            None => {
                let keys: Vec<String> = match cur {
                    Value::Object(o) => o.keys().cloned().collect(),
                    _ => Vec::new(),
                };
                let at = if walked.is_empty() { "the summary".to_string() } else { format!("`{}`", walked.join(".")) };
                return Err(if keys.is_empty() {
                    format!("unknown path `{path}`: {at} has no fields")
                } else {
                    format!("unknown path `{path}`: {at} has no `{part}`; expected one of: {}", keys.join(", "))
                });
            }
        }
        walked.push(part);
    }
    Ok(cur)
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

fn parse_num(s: &str) -> Option<f64> {
    if let Some(h) = s.strip_prefix("0x") {
        return u64::from_str_radix(h, 16).ok().map(|v| v as f64);
    }
    s.parse::<f64>().ok()
}

/// Compares `actual` with `expected` as written; `Err` says why the types
/// do not fit.
pub fn compare_value(actual: &Value, op: CmpOp, expected: &str) -> Result<bool, String> {
    let ord = match actual {
        Value::Number(n) => {
            let a = n.as_f64().unwrap_or(f64::NAN);
            let e = parse_num(expected).ok_or_else(|| format!("the model's value is a number; `{expected}` is not"))?;
            a.partial_cmp(&e)
        }
        Value::Bool(b) => {
            let e: bool =
                expected.parse().map_err(|_| format!("the model's value is a boolean; `{expected}` is not"))?;
            Some(b.cmp(&e))
        }
        _ => {
            let a = show(actual);
            if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                return Err(format!("`{}` compares numbers only; the model's value is `{a}`", op.as_str()));
            }
            Some(a.as_str().cmp(expected))
        }
    };
    let Some(o) = ord else { return Ok(false) };
    use std::cmp::Ordering::*;
    Ok(match op {
        CmpOp::Eq => o == Equal,
        CmpOp::Ne => o != Equal,
        CmpOp::Lt => o == Less,
        CmpOp::Le => o != Greater,
        CmpOp::Gt => o == Greater,
        CmpOp::Ge => o != Less,
    })
}

fn event_kind(e: &Event) -> String {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(String::from))
        .unwrap_or_default()
}

/// The value of `path` in a run: summary paths, `violations` (a sorted,
/// comma-separated set of ids, `none` when empty), and `event.<kind>...`.
pub fn run_value(t: &Trace, path: &str) -> Result<Value, String> {
    if path == "violations" {
        let set: BTreeSet<&str> = t.summary.violations.iter().map(|v| v.id.id()).collect();
        return Ok(Value::String(if set.is_empty() {
            "none".into()
        } else {
            set.into_iter().collect::<Vec<_>>().join(",")
        }));
    }
    if let Some(rest) = path.strip_prefix("event.") {
        let (kind_n, field) = rest.split_once('.').ok_or_else(|| {
            format!("`{path}`: expected event.<kind>.count, event.<kind>[#n].step or event.<kind>[#n].<field>")
        })?;
        let (kind, nth, explicit) = match kind_n.split_once('#') {
            Some((k, n)) => (k, n.parse::<usize>().map_err(|_| format!("`{path}`: `#{n}` is not a number"))?, true),
            None => (kind_n, 1, false),
        };
        let all: Vec<(usize, &Event)> =
            t.steps.iter().enumerate().flat_map(|(i, s)| s.events.iter().map(move |e| (i + 1, e))).collect();
        let kinds: BTreeSet<String> = all.iter().map(|(_, e)| event_kind(e)).collect();
        let of_kind: Vec<&(usize, &Event)> = all.iter().filter(|(_, e)| event_kind(e) == kind).collect();
        // `event.kvm_count.count` counts events; `event.kvm_count#1.count`
        // reads the first one's `count` field.
        if field == "count" && !explicit {
            return Ok(Value::from(of_kind.len()));
        }
        let Some((step, e)) = of_kind.get(nth.wrapping_sub(1)) else {
            return Err(format!(
                "`{path}`: the run has {} `{kind}` event(s); events in this run: {}",
                of_kind.len(),
                kinds.into_iter().collect::<Vec<_>>().join(", ")
            ));
        };
        if field == "step" {
            return Ok(Value::from(*step));
        }
        let v = serde_json::to_value(e).map_err(|e| e.to_string())?;
        return v.get(field).cloned().ok_or_else(|| {
            let keys: Vec<String> = v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            format!("`{path}`: a `{kind}` event has no `{field}`; fields: step, {}", keys.join(", "))
        });
    }
    if let Some(prefix) = path.strip_suffix(".sum") {
        let j = t.summary.to_json();
        let under = if prefix == "sum" || prefix.is_empty() { &j } else { lookup(&j, prefix)? };
        return Ok(Value::from(sum(under)));
    }
    lookup(&t.summary.to_json(), path).cloned()
}

/// The sum of every integer under `v` (a `.sum` path).
fn sum(v: &Value) -> u64 {
    match v {
        Value::Number(n) => n.as_u64().unwrap_or(0),
        Value::Object(o) => o.values().map(sum).sum(),
        Value::Array(a) => a.iter().map(sum).sum(),
        _ => 0,
    }
}

/// The mapping diagram after step `n` of `t` (marking what that step
/// changed), or its thread timeline up to step `n`: the SVG the demo draws.
pub fn picture(t: &Trace, n: usize, timeline: bool) -> String {
    let (class, svg) = if timeline {
        ("nl-timeline-figure", notifier_lab_core::timeline::timeline(t, n).to_svg())
    } else {
        (
            "nl-diagram-figure",
            notifier_lab_core::diagram::diagram(t.state_at(n), Some(t.state_at(n.saturating_sub(1)))).to_svg(),
        )
    };
    format!("<figure class=\"{class}\">\n{svg}\n</figure>")
}

/// Resolves a trace bound to a 1-based step number.
pub fn resolve(t: &Trace, b: &Bound) -> Result<usize, String> {
    match b {
        Bound::Step(n) if (1..=t.steps.len()).contains(n) => Ok(*n),
        Bound::Step(n) => Err(format!("step {n} is outside the run (steps 1..={})", t.steps.len())),
        Bound::Milestone(m) => {
            let (name, nth) = match m.split_once('#') {
                Some((n, k)) => {
                    (n, k.parse::<usize>().map_err(|_| format!("milestone `{m}`: `#{k}` is not a number"))?)
                }
                None => (m.as_str(), 1),
            };
            t.steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.milestone.as_deref() == Some(name))
                .nth(nth.wrapping_sub(1))
                .map(|(i, _)| i + 1)
                .ok_or_else(|| {
                    let mut seen = Vec::new();
                    for s in &t.steps {
                        if let Some(x) = &s.milestone
                            && !seen.contains(x)
                        {
                            seen.push(x.clone());
                        }
                    }
                    format!("milestone `{m}` not reached in this run; milestones: {}", seen.join(", "))
                })
        }
    }
}

/// The steps `[from, to]` (1-based, inclusive) a figure covers.
pub fn range(t: &Trace, from: &Option<Bound>, to: &Option<Bound>) -> Result<(usize, usize), String> {
    let f = from.as_ref().map(|b| resolve(t, b)).transpose()?.unwrap_or(1);
    let l = to.as_ref().map(|b| resolve(t, b)).transpose()?.unwrap_or(t.steps.len());
    if f > l {
        return Err(format!("from (step {f}) is after to (step {l})"));
    }
    Ok((f, l))
}

/// Steps (1-based, inclusive) of the first call of function `name`: from
/// its first statement to the last one before control returns to a
/// shallower frame.
pub fn within_call(t: &Trace, name: &str) -> Result<(usize, usize), String> {
    let Some(i) = t.steps.iter().position(|s| s.function.name == name) else {
        let mut names: Vec<&str> = t.steps.iter().map(|s| s.function.name).collect();
        names.sort();
        names.dedup();
        return Err(format!("function `{name}` does not run in this trace; functions: {}", names.join(", ")));
    };
    let (d, th) = (t.steps[i].depth, t.steps[i].thread);
    let end = t.steps[i + 1..]
        .iter()
        .position(|s| s.thread == th && (s.depth < d || (s.depth == d && s.function.name != name)))
        .map(|k| i + 1 + k)
        .unwrap_or(t.steps.len());
    Ok((i + 1, end))
}

/// Keys of `view::flatten` shown in state tables, with short labels.
fn state_rows(m: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let pick: [(&str, &str); 6] = [
        ("pte ", "pte"),
        ("ptl", "PT lock"),
        ("kvm spte", "spte"),
        ("kvm mmu_notifier_count", "kvm count"),
        ("gru tlb", "GRU TLB"),
        ("gru ms_range_active", "range_active"),
    ];
    let mut out = Vec::new();
    for (prefix, label) in pick {
        for (k, v) in m {
            if k.starts_with(prefix) {
                out.push((label.to_string(), v.clone()));
            }
        }
    }
    out
}

/// Milestones of a run, repeats numbered `name#2`, with their steps.
fn milestones(t: &Trace) -> Vec<(String, usize)> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, s) in t.steps.iter().enumerate() {
        if let Some(m) = &s.milestone {
            let n = seen.entry(m.clone()).or_default();
            *n += 1;
            out.push((if *n == 1 { m.clone() } else { format!("{m}#{n}") }, i + 1));
        }
    }
    out
}

/// Merges two name sequences keeping both orders (longest common
/// subsequence; names of one side only are inserted where they occur).
fn merge(a: &[String], b: &[String]) -> Vec<String> {
    let (n, m) = (a.len(), b.len());
    let mut dp = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if a[i] == b[j] { dp[i + 1][j + 1] + 1 } else { dp[i + 1][j].max(dp[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(a[i].clone());
            i += 1;
            j += 1;
        } else if j >= m || (i < n && dp[i + 1][j] >= dp[i][j + 1]) {
            out.push(a[i].clone());
            i += 1;
        } else {
            out.push(b[j].clone());
            j += 1;
        }
    }
    out
}

impl Lab {
    /// A run with the default schedule (cached).
    pub fn trace(
        &mut self,
        scenario_name: &str,
        sem: Semantics,
        notifiers: Option<&[NotifierId]>,
    ) -> Result<Rc<Trace>, String> {
        let s = scenario(scenario_name)?;
        let ns = notifiers.map(<[NotifierId]>::to_vec).unwrap_or_else(|| s.notifiers.clone());
        NotifierId::check_at(sem, &ns)?;
        let key = (scenario_name.to_string(), sem, ns.clone());
        if let Some(t) = self.traces.get(&key) {
            return Ok(t.clone());
        }
        let t = Rc::new(Trace::run(&s, sem, &ns));
        if let Some(why) = &t.summary.stopped {
            return Err(format!("the run of {scenario_name} under {sem} stopped early: {why}"));
        }
        self.traces.insert(key, t.clone());
        Ok(t)
    }

    fn run_trace(&mut self, r: &Run) -> Result<Rc<Trace>, String> {
        self.trace(&r.scenario, r.semantics, r.notifiers.as_deref())
    }

    /// An exploration (cached).
    pub fn report(&mut self, r: &Run, actors: &[Actor]) -> Result<Rc<Report>, String> {
        let s = scenario(&r.scenario)?;
        let ns = r.notifiers.clone().unwrap_or_else(|| s.notifiers.clone());
        let key = (r.scenario.clone(), r.semantics, ns.clone(), actors.to_vec());
        if let Some(x) = self.reports.get(&key) {
            return Ok(x.clone());
        }
        let rep = Rc::new(checker::check(
            &s,
            r.semantics,
            &ns,
            actors,
            // The exact search: the book shows shortest schedules.
            Options { max_states: 2_000_000, reduce: false, ..Options::default() },
        )?);
        if !rep.complete {
            return Err(format!(
                "the exploration of {} under {} with actors {} did not complete (state limit); its verdicts are not proofs",
                r.scenario,
                r.semantics,
                Actor::list_id(actors)
            ));
        }
        self.explorations += 1;
        self.reports.insert(key, rep.clone());
        Ok(rep)
    }

    /// Replays a schedule into a trace.
    pub fn replay(&mut self, r: &Run, actors: &[Actor], schedule: &[ThreadId]) -> Result<Trace, String> {
        let s = scenario(&r.scenario)?;
        let ns = r.notifiers.clone().unwrap_or_else(|| s.notifiers.clone());
        let m = s.machine_with(r.semantics, &ns, actors)?;
        let picks: Vec<u8> = schedule.iter().map(|t| t.0).collect();
        Trace::replay(&s.name, m, &picks).map_err(|e| format!("replaying the counterexample: {e}"))
    }

    /// Renders one directive.
    pub fn render(&mut self, d: &Directive) -> Result<String, String> {
        match d {
            Directive::Ops => Ok(self.ops()),
            Directive::Scenarios => self.scenarios(),
            Directive::Summary { scenario, notifiers, semantics } => {
                self.summary(scenario, notifiers.as_deref(), semantics.as_deref())
            }
            Directive::Calls { scenario, notifier, notifiers, semantics } => {
                self.calls(scenario, *notifier, notifiers.as_deref(), semantics.as_deref())
            }
            Directive::Users { scenario, notifiers, semantics } => {
                self.users(scenario, notifiers.as_deref().unwrap_or(&NotifierId::ALL), semantics.as_deref())
            }
            Directive::Trace { run, from, to, depth, thread, right, events_only, within } => {
                let t = self.run_trace(run)?;
                let (mut f, mut l) = range(&t, from, to)?;
                if let Some(name) = within {
                    let (a, b) = within_call(&t, name)?;
                    (f, l) = (f.max(a), l.min(b));
                    if f > l {
                        return Err(format!("the call of `{name}` (steps {a}–{b}) is outside from/to"));
                    }
                }
                let right = right.unwrap_or_else(|| partner(run.semantics));
                Ok(trace_html(&t, f, l, *depth, thread.as_deref(), *events_only, Some(right)))
            }
            Directive::Msc { run, from, to } => {
                let t = self.run_trace(run)?;
                let (f, l) = range(&t, from, to)?;
                Ok(block(&msc::svg(&t, f, l)))
            }
            Directive::Picture { run, at, actors, schedule, timeline } => {
                let t = match schedule {
                    Some(sched) => {
                        let picks: Vec<ThreadId> = sched.iter().map(|&t| ThreadId(t)).collect();
                        Rc::new(self.replay(run, actors, &picks)?)
                    }
                    None if actors.is_empty() => self.run_trace(run)?,
                    None => {
                        let s = scenario(&run.scenario)?;
                        let ns = run.notifiers.clone().unwrap_or_else(|| s.notifiers.clone());
                        let m = s.machine_with(run.semantics, &ns, actors)?;
                        Rc::new(Trace::run_with(&s.name, m, |r, _| r.first().copied()))
                    }
                };
                let n = resolve(&t, at)?;
                Ok(block(&picture(&t, n, *timeline)))
            }
            Directive::Compare { scenario, left, right, notifiers } => {
                self.compare(scenario, *left, *right, notifiers.as_deref())
            }
            Directive::States { scenario, notifiers, semantics } => {
                self.states(scenario, notifiers.as_deref(), semantics.as_deref())
            }
            Directive::Check { run, actors, violation } => self.check(run, actors, *violation),
            Directive::Verdicts { scenario, actors, notifiers, semantics } => {
                self.verdicts(scenario, actors, notifiers.as_deref(), semantics.as_deref())
            }
            Directive::Designs { notifiers, semantics, explore } => {
                self.designs(notifiers.as_deref(), semantics.as_deref(), explore)
            }
            Directive::Demo { run, right, at } => {
                let t = self.run_trace(run)?;
                let right = right.unwrap_or_else(|| predecessor(run.semantics));
                NotifierId::check_at(right, &t.notifiers)?;
                let step = at.as_ref().map(|b| resolve(&t, b)).transpose()?.unwrap_or(0);
                let href = demo_link(&run.scenario, run.semantics, right, &t.notifiers, step);
                let text = format!("{}: {} against {}", run.scenario, run.semantics, right);
                Ok(format!("<a class=\"nl-demo\" href=\"{}\">{}</a>", esc(&href), esc(&text)))
            }
            Directive::Value { run, path } => {
                let t = self.run_trace(run)?;
                Ok(esc(&show(&run_value(&t, path)?)))
            }
            Directive::Assert { run, path, op, value } => {
                let t = self.run_trace(run)?;
                let actual = run_value(&t, path)?;
                if compare_value(&actual, *op, value)? {
                    Ok(String::new())
                } else {
                    Err(format!(
                        "assertion failed: {} under {} (notifiers {}): `{path} {} {value}`, but the model says {}",
                        run.scenario,
                        run.semantics,
                        ids(&t.notifiers),
                        op.as_str(),
                        show(&actual)
                    ))
                }
            }
            Directive::AssertCheck { run, actors, path, op, value } => {
                let rep = self.report(run, actors)?;
                let actual = check_value(&rep, path)?;
                if compare_value(&actual, *op, value)? {
                    Ok(String::new())
                } else {
                    Err(format!(
                        "assertion failed: exploring {} under {} (notifiers {}, actors {}): `{path} {} {value}`, but the explorer says {}",
                        run.scenario,
                        run.semantics,
                        ids(&rep.notifiers),
                        Actor::list_id(actors),
                        op.as_str(),
                        show(&actual)
                    ))
                }
            }
        }
    }

    fn ops(&self) -> String {
        let mut head = vec!["notifier".to_string()];
        head.extend(Callback::ALL.iter().map(|c| code(c.id())));
        head.push("what it is".into());
        head.insert(1, "at".into());
        let rows: Vec<Vec<String>> = NotifierId::ALL
            .iter()
            .flat_map(|n| {
                n.ops_by_era().into_iter().map(move |(sems, ops)| {
                    let at: Vec<String> = sems.iter().map(|s| code(s.id())).collect();
                    let mut r = vec![format!("{}<br>{}", esc(n.label()), code(n.id())), at.join(" ")];
                    match ops {
                        Some(ops) => r.extend(
                            Callback::ALL.iter().map(|c| if ops.has(*c) { "yes".to_string() } else { "—".to_string() }),
                        ),
                        None => r.extend(Callback::ALL.iter().map(|_| "absent".to_string())),
                    }
                    r.push(esc(n.describe()));
                    r
                })
            })
            .collect();
        table(
            "nl-ops",
            Some("Which callbacks each notifier user implements at each tag (<code>NotifierId::ops_by_era()</code>)"),
            &head,
            &rows,
        )
    }

    fn scenarios(&self) -> Result<String, String> {
        let rows: Vec<Vec<String>> = Scenario::all_builtin()
            .iter()
            .map(|s| vec![code(&s.name), code(s.path.id()), esc(&s.title), esc(&ids(&s.notifiers))])
            .collect();
        if rows.is_empty() {
            return Err("no built-in scenario parsed".into());
        }
        let head = ["scenario", "host path", "title", "notifiers"].map(String::from);
        Ok(table("nl-scenarios", None, &head, &rows))
    }

    /// One run per semantics: those of `sems` in their order (each must
    /// have every notifier of the run at its tag), or without `sems` every
    /// semantics at whose tag they all exist. Also returns a note naming the
    /// semantics left out and why, for the caption (empty when none was).
    fn per_semantics(
        &mut self,
        scenario: &str,
        notifiers: Option<&[NotifierId]>,
        sems: Option<&[Semantics]>,
    ) -> Result<(Vec<Rc<Trace>>, String), String> {
        let ns = match notifiers {
            Some(ns) => ns.to_vec(),
            None => crate::render::scenario(scenario)?.notifiers,
        };
        // `notifiers=all`: the users that exist at each semantics' tag.
        let all = notifiers.is_some_and(|ns| ns == NotifierId::ALL);
        let (chosen, left_out) = if all {
            (sems.map_or(Semantics::ALL.to_vec(), <[Semantics]>::to_vec), String::new())
        } else {
            semantics_for(&ns, sems)?
        };
        let ts = chosen
            .iter()
            .map(|s| {
                let at = NotifierId::all_at(*s);
                self.trace(scenario, *s, if all { Some(&at) } else { notifiers })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((ts, left_out))
    }

    /// The callbacks any of `ts` has for `n`, in [`Callback::ALL`] order.
    fn callbacks_in(ts: &[Rc<Trace>], n: NotifierId) -> Vec<Callback> {
        Callback::ALL.into_iter().filter(|c| ts.iter().any(|t| n.ops(t.semantics).has(*c))).collect()
    }

    /// `n`'s calls of `c` in `t` and how many were under the PT lock;
    /// `None` when `n` has no `c` at `t`'s tag.
    fn count(t: &Trace, n: NotifierId, c: Callback) -> Option<(u32, u32)> {
        Some((*t.summary.calls.get(&n)?.get(&c)?, *t.summary.calls_under_ptl.get(&n)?.get(&c)?))
    }

    fn sem_head(first: &str, traces: &[Rc<Trace>]) -> Vec<String> {
        let mut head = vec![first.to_string()];
        for t in traces {
            head.push(format!("{}<br><small>{}</small>", code(t.semantics.id()), esc(t.semantics.tag().name)));
        }
        head
    }

    fn summary(
        &mut self,
        scenario: &str,
        notifiers: Option<&[NotifierId]>,
        sems: Option<&[Semantics]>,
    ) -> Result<String, String> {
        let (ts, left_out) = self.per_semantics(scenario, notifiers, sems)?;
        let js: Vec<Value> = ts.iter().map(|t| t.summary.to_json()).collect();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut push = |label: String, cells: Vec<String>| {
            let differ = cells.windows(2).any(|w| w[0] != w[1]);
            let mut r = vec![if differ { format!("<b>{label}</b>") } else { label }];
            r.extend(cells);
            rows.push(r);
        };
        for n in &ts[0].notifiers {
            for c in Self::callbacks_in(&ts, *n) {
                let cells = ts
                    .iter()
                    .map(|t| match Self::count(t, *n, c) {
                        Some((k, u)) if u > 0 => format!("{k} ({u} under PT lock)"),
                        Some((k, _)) => k.to_string(),
                        None => "—".to_string(),
                    })
                    .collect();
                push(format!("{} {}", esc(n.label()), code(c.id())), cells);
            }
        }
        for n in &ts[0].notifiers {
            for p in effects(*n) {
                let cells = js.iter().map(|j| lookup(j, p).map(show).unwrap_or_default()).collect();
                push(code(p), cells);
            }
        }
        push(code("steps"), js.iter().map(|j| show(&j["steps"])).collect());
        push(
            code("violations"),
            ts.iter().map(|t| run_value(t, "violations").map(|v| esc(&show(&v))).unwrap_or_default()).collect(),
        );
        let cap = format!(
            "{} with notifiers {}: counts from the model (callbacks, effects); bold rows differ between semantics{left_out}",
            code(scenario),
            esc(&ids(&ts[0].notifiers))
        );
        Ok(table("nl-summary", Some(&cap), &Self::sem_head("count", &ts), &rows))
    }

    fn calls(
        &mut self,
        scenario: &str,
        n: NotifierId,
        notifiers: Option<&[NotifierId]>,
        sems: Option<&[Semantics]>,
    ) -> Result<String, String> {
        let (ts, left_out) = self.per_semantics(scenario, notifiers, sems)?;
        if !ts[0].notifiers.contains(&n) {
            return Err(format!("notifier `{n}` is not registered in this run (notifiers {})", ids(&ts[0].notifiers)));
        }
        let mut rows = Vec::new();
        for c in Self::callbacks_in(&ts, n) {
            let mut r = vec![code(c.id())];
            for t in &ts {
                r.push(match Self::count(t, n, c) {
                    Some((k, u)) => format!("{k} <small>({u} under PT lock)</small>"),
                    None => "—".to_string(),
                });
            }
            rows.push(r);
        }
        for p in effects(n) {
            let mut r = vec![code(p)];
            for t in &ts {
                r.push(show(lookup(&t.summary.to_json(), p)?));
            }
            rows.push(r);
        }
        let cap = format!(
            "What {} receives in {} (notifiers {}): calls per callback, of which under the PT lock, and what they did{left_out}",
            esc(n.label()),
            code(scenario),
            esc(&ids(&ts[0].notifiers))
        );
        Ok(table("nl-calls", Some(&cap), &Self::sem_head("callback", &ts), &rows))
    }

    fn users(
        &mut self,
        scenario: &str,
        notifiers: &[NotifierId],
        sems: Option<&[Semantics]>,
    ) -> Result<String, String> {
        let (ts, left_out) = self.per_semantics(scenario, Some(notifiers), sems)?;
        let mut rows = Vec::new();
        for n in notifiers {
            let mut r = vec![format!("{}<br>{}", esc(n.label()), code(n.id()))];
            for t in &ts {
                let j = t.summary.to_json();
                let mut lines = Vec::new();
                for c in Callback::ALL {
                    let Some((k, u)) = Self::count(t, *n, c) else { continue };
                    if k > 0 {
                        lines.push(format!(
                            "{} {k}{}",
                            code(cb_short(c)),
                            if u > 0 { format!(" <small>({u} PTL)</small>") } else { String::new() }
                        ));
                    }
                }
                if lines.is_empty() {
                    lines.push("<i>no callback</i>".into());
                }
                for p in effects(*n) {
                    let v = lookup(&j, p)?;
                    if v.as_i64().unwrap_or(0) != 0 {
                        lines.push(format!(
                            "<small>{} = {}</small>",
                            esc(p.split_once('.').map_or(p, |x| x.1)),
                            show(v)
                        ));
                    }
                }
                r.push(lines.join("<br>"));
            }
            rows.push(r);
        }
        let mut v = vec!["violations".to_string()];
        for t in &ts {
            v.push(esc(&show(&run_value(t, "violations")?)));
        }
        rows.push(v);
        let cap = format!(
            "{} with notifiers {}: callbacks received (PTL = under the PT lock) and non-zero effects{left_out}",
            code(scenario),
            esc(&ids(notifiers))
        );
        Ok(table("nl-users", Some(&cap), &Self::sem_head("notifier", &ts), &rows))
    }

    fn compare(
        &mut self,
        scenario_name: &str,
        l: Semantics,
        r: Semantics,
        notifiers: Option<&[NotifierId]>,
    ) -> Result<String, String> {
        let s = scenario(scenario_name)?;
        let ns = notifiers.map(<[NotifierId]>::to_vec).unwrap_or_else(|| s.notifiers.clone());
        let c = compare(&s, l, r, &ns);
        let step = |x: Option<usize>| match x {
            Some(n) => a(&demo_link(scenario_name, l, r, &ns, n), &n.to_string()),
            None => "—".into(),
        };
        let rstep = |x: Option<usize>| match x {
            // The demo link of a right-side step: right run at `n`, left at
            // its last milestone (the page aligns a lone right position).
            Some(n) => a(&demo_link(scenario_name, r, l, &ns, n), &n.to_string()),
            None => "—".into(),
        };
        let calls = |v: &[String]| {
            if v.is_empty() { "—".to_string() } else { v.iter().map(|x| esc(x)).collect::<Vec<_>>().join("<br>") }
        };
        let rows: Vec<Vec<String>> = c
            .rows
            .iter()
            .map(|row| {
                let cb = if row.left_calls == row.right_calls {
                    if row.left_calls.is_empty() { "—".into() } else { format!("same: {}", calls(&row.left_calls)) }
                } else {
                    format!(
                        "<b>{}</b>: {}<br><b>{}</b>: {}",
                        l.id(),
                        calls(&row.left_calls),
                        r.id(),
                        calls(&row.right_calls)
                    )
                };
                let diffs = if row.diffs.is_empty() {
                    if row.left_step.is_some() && row.right_step.is_some() { "same state".into() } else { "—".into() }
                } else {
                    row.diffs
                        .iter()
                        .map(|(k, x, y)| format!("{}: {} → {}", esc(k), esc(x), esc(y)))
                        .collect::<Vec<_>>()
                        .join("<br>")
                };
                vec![code(&row.milestone), step(row.left_step), rstep(row.right_step), cb, diffs]
            })
            .collect();
        let head = vec![
            "milestone".into(),
            format!("{} step", code(l.id())),
            format!("{} step", code(r.id())),
            "callbacks since the previous milestone".into(),
            format!("state differences ({} → {})", l.id(), r.id()),
        ];
        let cap = format!(
            "{}: {} ({}) against {} ({}), notifiers {}, aligned at milestones",
            code(scenario_name),
            code(l.id()),
            esc(l.tag().name),
            code(r.id()),
            esc(r.tag().name),
            esc(&ids(&ns))
        );
        Ok(table("nl-compare", Some(&cap), &head, &rows))
    }

    fn states(
        &mut self,
        scenario: &str,
        notifiers: Option<&[NotifierId]>,
        sems: Option<&[Semantics]>,
    ) -> Result<String, String> {
        let (ts, left_out) = self.per_semantics(scenario, notifiers, sems)?;
        let ms: Vec<Vec<(String, usize)>> = ts.iter().map(|t| milestones(t)).collect();
        let names: Vec<Vec<String>> = ms.iter().map(|m| m.iter().map(|x| x.0.clone()).collect()).collect();
        let order = names.iter().fold(Vec::new(), |acc, n| merge(&acc, n));
        let mut rows = Vec::new();
        let mut prev: Vec<Option<BTreeMap<String, String>>> = vec![None; ts.len()];
        let mut emit = |label: String, steps: Vec<Option<usize>>, rows: &mut Vec<Vec<String>>| {
            let mut r = vec![label];
            for (i, t) in ts.iter().enumerate() {
                let Some(n) = steps[i] else {
                    r.push("<i>not reached</i>".into());
                    continue;
                };
                let flat = view::flatten(t.state_at(n));
                let mut lines = vec![a(
                    &demo_link(scenario, t.semantics, partner(t.semantics), &t.notifiers, n),
                    &format!("step {n}"),
                )];
                for (label, v) in state_rows(&flat) {
                    let changed = prev[i]
                        .as_ref()
                        .is_some_and(|p| state_rows(p).iter().all(|(l2, v2)| !(l2 == &label && v2 == &v)));
                    let text = format!("{}: {}", esc(&label), esc(&v));
                    lines.push(if changed { format!("<mark>{text}</mark>") } else { text });
                }
                prev[i] = Some(flat);
                r.push(lines.join("<br>"));
            }
            rows.push(r);
        };
        emit("<i>initial</i>".into(), vec![Some(0); ts.len()], &mut rows);
        for name in &order {
            let steps: Vec<Option<usize>> =
                ms.iter().map(|m| m.iter().find(|(n, _)| n == name).map(|(_, s)| *s)).collect();
            emit(code(name), steps, &mut rows);
        }
        let cap = format!(
            "{} (notifiers {}): the state after each milestone; highlighted values changed since the previous row of the same column{left_out}",
            code(scenario),
            esc(&ids(&ts[0].notifiers))
        );
        Ok(table("nl-states", Some(&cap), &Self::sem_head("milestone", &ts), &rows))
    }

    fn check(&mut self, run: &Run, actors: &[Actor], violation: Option<ViolationId>) -> Result<String, String> {
        let rep = self.report(run, actors)?;
        let threads = rep.threads.iter().enumerate().map(|(i, k)| format!("{i}:{k}")).collect::<Vec<_>>().join(" ");
        let mut out = format!(
            "<div class=\"nl nl-check\">\n<p class=\"nl-cap\">Explorer: {} under {} ({}), notifiers {}, actors {}; threads {}. Every interleaving at statement granularity: {} distinct states, {} transitions, complete.</p>\n",
            code(&run.scenario),
            code(run.semantics.id()),
            esc(run.semantics.tag().name),
            esc(&ids(&rep.notifiers)),
            code(&Actor::list_id(actors)),
            esc(&threads),
            rep.distinct_states,
            rep.transitions
        );
        out.push_str("<ul class=\"nl-verdicts\">\n");
        for id in ViolationId::ALL {
            match rep.found(id) {
                Some(f) => out.push_str(&format!(
                    "<li>{} <b>sometimes</b> (shortest schedule {} steps: {})</li>\n",
                    code(id.id()),
                    f.schedule.len(),
                    esc(&checker::schedule_text(&f.schedule))
                )),
                None => out.push_str(&format!("<li>{} never</li>\n", code(id.id()))),
            }
        }
        out.push_str(&match &rep.deadlock {
            Some(d) => format!("<li>deadlock <b>reachable</b> ({} steps)</li>\n", d.len()),
            None => "<li>deadlock: none (every thread can always finish)</li>\n".to_string(),
        });
        out.push_str("</ul>\n");
        let shown = match violation {
            Some(v) => Some(rep.found(v).ok_or_else(|| {
                format!("the explorer found no {} in {} under {}: nothing to show", v.id(), run.scenario, run.semantics)
            })?),
            None => rep.violations.first(),
        };
        if let Some(f) = shown {
            let t = self.replay(run, actors, &f.schedule)?;
            let demo = match counterexample_link(&rep, f.id, &run.scenario) {
                Some(href) => {
                    format!(" (<a class=\"nl-demo\" href=\"{}\">step through it in the demo</a>)", esc(&href))
                }
                None => String::new(),
            };
            out.push_str(&format!(
                "<p>The shortest schedule raising {}, replayed through the model{demo}:</p>\n",
                code(f.id.id())
            ));
            out.push_str(&counterexample_html(&t));
        }
        out.push_str("</div>");
        Ok(block(&out))
    }

    fn verdicts(
        &mut self,
        scenario: &str,
        actors: &[Actor],
        notifiers: Option<&[NotifierId]>,
        sems: Option<&[Semantics]>,
    ) -> Result<String, String> {
        let ns0 = match notifiers {
            Some(ns) => ns.to_vec(),
            None => crate::render::scenario(scenario)?.notifiers,
        };
        let (chosen, left_out) = semantics_for(&ns0, sems)?;
        let mut head = vec!["semantics".to_string()];
        head.extend(ViolationId::ALL.iter().map(|v| code(v.id())));
        head.push("deadlock".into());
        head.push("distinct states".into());
        let mut rows = Vec::new();
        let mut ns = Vec::new();
        for sem in chosen {
            let run = Run {
                scenario: scenario.to_string(),
                semantics: sem,
                notifiers: notifiers.map(<[NotifierId]>::to_vec),
            };
            let rep = self.report(&run, actors)?;
            ns = rep.notifiers.clone();
            let mut r = vec![format!("{}<br><small>{}</small>", code(sem.id()), esc(sem.tag().name))];
            for id in ViolationId::ALL {
                r.push(match rep.found(id) {
                    Some(f) => format!("<b>sometimes</b><br><small>{} steps</small>", f.schedule.len()),
                    None => "never".into(),
                });
            }
            r.push(match &rep.deadlock {
                Some(d) => format!("<b>reachable</b><br><small>{} steps</small>", d.len()),
                None => "none".into(),
            });
            r.push(rep.distinct_states.to_string());
            rows.push(r);
        }
        let cap = format!(
            "Explorer verdicts for {} with actors {} (notifiers {}): can the invariant break in some interleaving?{left_out}",
            code(scenario),
            code(&Actor::list_id(actors)),
            esc(&ids(&ns))
        );
        Ok(table("nl-verdicts", Some(&cap), &head, &rows))
    }
}

/// The demo link that replays the shortest counterexample for `id` in
/// `rep` (the same fragment `notifier-lab check` prints), if one was found.
pub fn counterexample_link(rep: &Report, id: ViolationId, scenario: &str) -> Option<String> {
    rep.fragment(id, scenario).map(|frag| format!("{DEMO}{frag}"))
}

/// The design table's effect columns: a heading and the summary paths a
/// cell shows, `/`-separated, for each scenario's default run.
const DESIGN_COLUMNS: [(&str, &[&str]); 4] = [
    ("KVM guest faults", &["kvm.guest_faults"]),
    ("KVM sptes remapped / zapped", &["kvm.sptes_remapped", "kvm.sptes_zapped"]),
    ("callbacks under the PT lock", &["calls_under_ptl.sum"]),
    ("GRU TLB flushes / <code>wake_up_all</code>", &["gru.tlb_flushes", "gru.wake_up_all"]),
];

/// The semantics of a per-semantics table for notifiers `ns`: `sems` as
/// given (each must have every notifier at its tag), or every semantics of
/// [`Semantics::ALL`] at whose tag they all exist, with a caption note
/// naming those left out.
fn semantics_for(ns: &[NotifierId], sems: Option<&[Semantics]>) -> Result<(Vec<Semantics>, String), String> {
    if let Some(sems) = sems {
        for s in sems {
            NotifierId::check_at(*s, ns)?;
        }
        return Ok((sems.to_vec(), String::new()));
    }
    let (ok, out): (Vec<Semantics>, Vec<Semantics>) =
        Semantics::ALL.into_iter().partition(|s| NotifierId::check_at(*s, ns).is_ok());
    if ok.is_empty() {
        return Err(format!("no semantics has every notifier of {} at its tag", ids(ns)));
    }
    let note = if out.is_empty() {
        String::new()
    } else {
        let absent: Vec<&str> = ns.iter().filter(|n| out.iter().any(|s| !n.exists_at(*s))).map(|n| n.id()).collect();
        format!(
            ". Not shown: {} (the model has no {} there)",
            out.iter().map(|s| code(s.id())).collect::<Vec<_>>().join(", "),
            esc(&absent.join(", "))
        )
    };
    Ok((ok, note))
}

impl Lab {
    /// The design-space table: a row per semantics; for each built-in
    /// scenario's default run, KVM's faults and spte work, the callbacks
    /// made under the PT lock and GRU's flushes and wake-ups; then per
    /// invariant, the configurations of `explore` in which the explorer
    /// breaks it, each linking to its shortest counterexample in the demo.
    fn designs(
        &mut self,
        notifiers: Option<&[NotifierId]>,
        sems: Option<&[Semantics]>,
        explore: &[Explore],
    ) -> Result<String, String> {
        let sems: Vec<Semantics> = sems.map(<[Semantics]>::to_vec).unwrap_or_else(|| Semantics::ALL.to_vec());
        let scenarios: Vec<String> = Scenario::all_builtin().iter().map(|s| s.name.clone()).collect();
        let per = esc(&scenarios.join(" · "));
        let mut head = vec!["semantics".to_string()];
        head.extend(DESIGN_COLUMNS.iter().map(|(h, _)| format!("{h}<br><small>{per}</small>")));
        head.extend(ViolationId::ALL.iter().map(|v| code(v.id())));
        let mut rows = Vec::new();
        let mut run_notifiers: Vec<String> = Vec::new();
        for sem in &sems {
            let mut r = vec![format!("{}<br><small>{}</small>", code(sem.id()), esc(sem.tag().name))];
            let mut runs = Vec::new();
            for sc in &scenarios {
                let t = self.trace(sc, *sem, notifiers)?;
                let n = ids(&t.notifiers);
                if !run_notifiers.contains(&n) {
                    run_notifiers.push(n);
                }
                runs.push(t);
            }
            for (_, paths) in DESIGN_COLUMNS {
                let cells: Vec<String> = runs
                    .iter()
                    .map(|t| {
                        paths
                            .iter()
                            .map(|p| {
                                // A user's counters read "—" when it is not registered.
                                let user = p.split('.').next().and_then(|u| NotifierId::parse(u).ok());
                                match run_value(t, p) {
                                    Ok(v) if user.is_none_or(|u| t.notifiers.contains(&u)) => show(&v),
                                    _ => "—".into(),
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .collect();
                r.push(cells.join(" · "));
            }
            let mut found: Vec<Vec<String>> = vec![Vec::new(); ViolationId::ALL.len()];
            for e in explore {
                let ns = e.notifiers.clone().unwrap_or(scenario(&e.scenario)?.notifiers);
                if NotifierId::check_at(*sem, &ns).is_err() {
                    continue;
                }
                let run = Run { scenario: e.scenario.clone(), semantics: *sem, notifiers: e.notifiers.clone() };
                let rep = self.report(&run, &e.actors)?;
                for (i, id) in ViolationId::ALL.into_iter().enumerate() {
                    let Some(f) = rep.found(id) else { continue };
                    let label = esc(&e.label());
                    let shown = match counterexample_link(&rep, id, &e.scenario) {
                        Some(href) => format!("<a class=\"nl-demo\" href=\"{}\">{label}</a>", esc(&href)),
                        None => label,
                    };
                    found[i].push(format!("{shown} <small>({} steps)</small>", f.schedule.len()));
                }
            }
            r.extend(found.into_iter().map(|f| if f.is_empty() { "never".to_string() } else { f.join("<br>") }));
            rows.push(r);
        }
        let absent: Vec<String> = explore
            .iter()
            .filter_map(|e| {
                let ns = e
                    .notifiers
                    .clone()
                    .unwrap_or_else(|| scenario(&e.scenario).map(|s| s.notifiers).unwrap_or_default());
                let missing: Vec<&str> =
                    sems.iter().filter(|s| NotifierId::check_at(**s, &ns).is_err()).map(|s| s.id()).collect();
                (!missing.is_empty())
                    .then(|| format!("{} is not explored under {}", esc(&e.label()), missing.join(", ")))
            })
            .collect();
        let cap = format!(
            "The design space, computed: effect cells per scenario ({per}), from its default run with notifiers {}",
            esc(&run_notifiers.join("; "))
        );
        let note = format!(
            "Invariant columns: in which of these configurations the explorer breaks the invariant in some interleaving \
             (each entry opens its shortest counterexample in the demo; <i>never</i>: in none of them): {}{}.",
            explore.iter().map(|e| code(&e.label())).collect::<Vec<_>>().join(", "),
            if absent.is_empty() {
                String::new()
            } else {
                format!(" ({}: a notifier does not exist there)", absent.join("; "))
            }
        );
        Ok(table_with_note("nl-designs", Some(&cap), &head, &rows, Some(&note)))
    }
}

/// The value of an explorer path.
pub fn check_value(rep: &Report, path: &str) -> Result<Value, String> {
    match path {
        "distinct_states" => return Ok(Value::from(rep.distinct_states)),
        "transitions" => return Ok(Value::from(rep.transitions)),
        "complete" => return Ok(Value::from(rep.complete)),
        "deadlock" => return Ok(Value::from(if rep.deadlock.is_some() { "reachable" } else { "none" })),
        _ => {}
    }
    let (id, field) = match path.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (path, None),
    };
    let v = crate::directive::violation_id(id)
        .map_err(|e| format!("`{path}`: {e}, or distinct_states, transitions, complete, deadlock"))?;
    match (field, rep.found(v)) {
        (None, f) => Ok(Value::from(if f.is_some() { "sometimes" } else { "never" })),
        (Some("steps"), Some(f)) => Ok(Value::from(f.schedule.len())),
        (Some("steps"), None) => Err(format!("`{path}`: the explorer found no {id}, so it has no schedule")),
        (Some(other), _) => Err(format!("`{path}`: unknown field `{other}`; expected `{id}` or `{id}.steps`")),
    }
}

fn step_li(t: &Trace, i: usize, right: Option<Semantics>, extra_class: &str) -> String {
    let s = &t.steps[i];
    let src = s.source();
    let mut li = format!(
        "<li value=\"{}\" class=\"nl-t-{}{extra_class}\" style=\"margin-left:{}em\"><span class=\"nl-th\">{}</span> <span class=\"nl-fn\">{}</span> {}",
        i + 1,
        esc(s.thread_kind),
        s.depth,
        esc(s.thread_kind),
        esc(s.function.name),
        code(s.code())
    );
    if let Some(m) = &s.milestone {
        li.push_str(&format!(" <span class=\"nl-ms\">{}</span>", esc(m)));
    }
    li.push_str(&format!(" <a class=\"nl-src\" href=\"{}\">{}</a>", esc(&src.url()), esc(&src.short())));
    if let Some(r) = right {
        li.push_str(&format!(
            " <a class=\"nl-demo\" href=\"{}\">demo</a>",
            esc(&demo_link(&t.scenario, t.semantics, r, &t.notifiers, i + 1))
        ));
    }
    if !s.events.is_empty() {
        li.push_str("\n<ul class=\"nl-ev\">");
        for e in &s.events {
            let cls = if matches!(e, Event::Violation(_)) { " class=\"nl-viol\"" } else { "" };
            li.push_str(&format!("<li{cls}>{}</li>", esc(&e.message())));
        }
        li.push_str("</ul>");
    }
    li.push_str("</li>\n");
    li
}

/// A trace excerpt: steps `f..=l`, each with its statement, citation (elixir
/// link), demo link and events.
pub fn trace_html(
    t: &Trace,
    f: usize,
    l: usize,
    depth: Option<usize>,
    thread: Option<&str>,
    events_only: bool,
    right: Option<Semantics>,
) -> String {
    let mut out = format!(
        "<div class=\"nl nl-trace\">\n<p class=\"nl-cap\">{} under {} ({}), notifiers {}: steps {f}–{l} of {}{}</p>\n<ol class=\"nl-steps\">\n",
        code(&t.scenario),
        code(t.semantics.id()),
        esc(t.semantics.tag().name),
        esc(&ids(&t.notifiers)),
        t.steps.len(),
        match (depth, events_only) {
            (Some(d), true) => format!(", call depth ≤ {d}, steps with events only"),
            (Some(d), false) => format!(", call depth ≤ {d}"),
            (None, true) => ", steps with events only".into(),
            (None, false) => String::new(),
        }
    );
    for i in f - 1..l {
        let s = &t.steps[i];
        if depth.is_some_and(|d| s.depth > d)
            || thread.is_some_and(|k| k != s.thread_kind)
            || (events_only && s.events.is_empty())
        {
            continue;
        }
        out.push_str(&step_li(t, i, right, ""));
    }
    out.push_str("</ol>\n</div>");
    block(&out)
}

/// A replayed counterexample: steps with events, milestones or a thread
/// switch are shown; runs of other steps are folded.
pub fn counterexample_html(t: &Trace) -> String {
    let mut out = "<ol class=\"nl-steps nl-cx\">\n".to_string();
    let mut folded = 0;
    for i in 0..t.steps.len() {
        let s = &t.steps[i];
        let switch = i == 0 || t.steps[i - 1].thread != s.thread;
        if s.events.is_empty() && s.milestone.is_none() && !switch {
            folded += 1;
            continue;
        }
        if folded > 0 {
            out.push_str(&format!("<li class=\"nl-fold\">… {folded} step(s) without a tracked change</li>\n"));
            folded = 0;
        }
        out.push_str(&step_li(t, i, None, if switch { " nl-switch" } else { "" }));
    }
    if folded > 0 {
        out.push_str(&format!("<li class=\"nl-fold\">… {folded} step(s) without a tracked change</li>\n"));
    }
    out.push_str("</ol>\n");
    for v in &t.summary.violations {
        out.push_str(&format!("<p class=\"nl-viol\">VIOLATION {}: {}</p>\n", code(v.id.id()), esc(&v.message)));
    }
    out
}

/// Every function listing's name, for the glossary's cross-check.
pub fn function_names() -> BTreeSet<&'static str> {
    kernel::all_functions().iter().map(|f| f.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directive::parse;

    fn render(s: &str) -> Result<String, String> {
        Lab::default().render(&parse(s)?)
    }

    #[test]
    fn asserts_pass_silently_and_fail_with_the_models_value() {
        assert_eq!(render("assert ksm wrapped kvm.guest_faults == 1").unwrap(), "");
        assert_eq!(render("assert ksm original kvm.guest_faults < 1").unwrap(), "");
        let e = render("assert ksm wrapped kvm.guest_faults == 2").unwrap_err();
        assert!(e.contains("assertion failed") && e.contains("model says 1"), "{e}");
        let e = render("assert ksm wrapped kvm.guest_fault == 1").unwrap_err();
        assert!(e.contains("no `guest_fault`") && e.contains("guest_faults"), "{e}");
        assert_eq!(render("assert ksm wrapped violations == none").unwrap(), "");
        assert_eq!(
            render("assert ksm original notifiers=kvm,sleepable violations == sleep_in_atomic,stale_spte").unwrap(),
            ""
        );
        assert_eq!(render("assert ksm wrapped event.spte_zapped.by == invalidate_range_start").unwrap(), "");
        assert_eq!(render("assert ksm wrapped event.change_pte_miss.count == 2").unwrap(), "");
        assert_eq!(render("assert ksm wrapped event.spte_zapped.gfn == 0x10").unwrap(), "");
        assert_eq!(render("assert cow wrapped event.kvm_count.count == 2").unwrap(), "");
        assert_eq!(render("assert cow wrapped event.kvm_count#1.count == 1").unwrap(), "");
        assert_eq!(render("assert cow wrapped event.kvm_count#2.count == 0").unwrap(), "");
        let e = render("assert ksm original event.spte_zapped.by == invalidate_range_start").unwrap_err();
        assert!(e.contains("0 `spte_zapped` event"), "{e}");
        let e = render("assert ksm wrapped kvm.guest_faults == one").unwrap_err();
        assert!(e.contains("is not"), "{e}");
    }

    #[test]
    fn diagram_and_timeline_directives_draw_the_demos_svg() {
        let haggai = "cow patched notifiers=kvm,gru actors=host_write,gru_read schedule=000000000000000000000000000000000000000000012 at=45";
        let d = render(&format!("diagram {haggai}")).unwrap();
        assert!(d.contains("<figure class=\"nl-diagram-figure\">\n<svg"), "{d}");
        assert!(d.contains("role=\"img\" aria-label=\"Mapping diagram: pte 0x7f0000010000 → page 0x300"), "{d}");
        assert!(d.contains("GRU TLB 0x7f0000010000 → page 0x200 (stale: the process maps 0x300)"), "{d}");
        let t = render(&format!("timeline {haggai}")).unwrap();
        assert!(t.contains("aria-label=\"Thread timeline: 45 of 45 steps, 2 context switches"), "{t}");
        // The default schedule at a milestone: the pte is set, nothing is stale.
        let k = render("diagram ksm patched at=write_protect_page:ptl-released").unwrap();
        assert!(k.contains("Mapping diagram: ") && !k.contains("stale"), "{k}");
        // What the ksm chapter says of its two diagrams.
        let o = render("diagram ksm original at=replace_page:ptl-released").unwrap();
        assert!(o.contains("pte 0x7f0000010000 → page 0x200; KVM spte gfn 0x10 → page 0x200;"), "{o}");
        let w = render("diagram ksm wrapped at=replace_page:ptl-released").unwrap();
        assert!(w.contains("pte 0x7f0000010000 → page 0x200; KVM spte gfn 0x10 → none;"), "{w}");
        let e = render("diagram ksm patched").unwrap_err();
        assert!(e.contains("at="), "{e}");
        let e = render("diagram ksm patched at=nowhere").unwrap_err();
        assert!(e.contains("nowhere"), "{e}");
        let e = render("diagram cow patched actors=host_write schedule=0x at=1").unwrap_err();
        assert!(e.contains("thread digits"), "{e}");
    }

    #[test]
    fn explorer_asserts() {
        assert_eq!(
            render("assert-check uprobe original actors=vcpu_read stale_secondary_read == sometimes").unwrap(),
            ""
        );
        assert_eq!(render("assert-check uprobe patched actors=vcpu_read stale_secondary_read == never").unwrap(), "");
        let e = render("assert-check uprobe patched actors=vcpu_read stale_secondary_read == sometimes").unwrap_err();
        assert!(e.contains("explorer says never"), "{e}");
    }

    #[test]
    fn every_figure_renders_one_html_block() {
        for d in [
            "ops",
            "scenarios",
            "summary ksm",
            "calls ksm kvm",
            "users cow",
            "trace ksm wrapped from=write_protect_page:ptl-taken to=write_protect_page:ptl-released",
            "compare ksm wrapped patched",
            "states ksm",
            "check uprobe original actors=vcpu_read",
            "verdicts uprobe actors=vcpu_read",
        ] {
            let h = render(d).unwrap_or_else(|e| panic!("{d}: {e}"));
            let inner = h.trim();
            assert!(inner.starts_with('<') && !inner.contains("\n\n"), "{d}: {h}");
        }
    }

    #[test]
    fn trace_links_cite_elixir_and_the_demo() {
        let h =
            render("trace ksm wrapped from=write_protect_page:ptl-taken to=write_protect_page:ptl-released").unwrap();
        assert!(h.contains("https://elixir.bootlin.com/linux/v3.13/source/mm/ksm.c#L"), "{h}");
        assert!(h.contains("\"demo/index.html#v1/ksm/wrapped/patched/kvm,gru/step="), "{h}");
        let e = render("trace ksm wrapped from=nowhere").unwrap_err();
        assert!(e.contains("milestone `nowhere` not reached") && e.contains("write_protect_page:ptl-taken"), "{e}");
        let h = render("trace ksm patched within=write_protect_page events=only").unwrap();
        assert!(h.contains("invalidate_page called") && !h.contains("replace_page"), "{h}");
    }

    #[test]
    fn counterexamples_link_to_their_replay_in_the_demo() {
        let h = render("check cow patched actors=host_write,gru_read violation=stale_secondary_read").unwrap();
        let s = scenario("cow").unwrap();
        let actors = [Actor::HostWrite, Actor::GruRead];
        // The book runs the exact search (shortest schedules).
        let exact = Options { reduce: false, ..Options::default() };
        let rep = checker::check(&s, Semantics::Patched, &s.notifiers, &actors, exact).unwrap();
        let f = rep.fragment(ViolationId::StaleSecondaryRead, "cow").unwrap();
        assert!(f.contains("&schedule="), "{f}");
        assert!(h.contains(&format!("<a class=\"nl-demo\" href=\"{}\">", esc(&format!("{DEMO}{f}")))), "{h}");
    }

    #[test]
    fn sum_paths_add_up_every_count_under_them() {
        let mut lab = Lab::default();
        let t = lab.trace("ksm", Semantics::Original, None).unwrap();
        let by_hand: u32 = t.summary.calls_under_ptl.values().flat_map(|m| m.values()).sum();
        assert_eq!(run_value(&t, "calls_under_ptl.sum").unwrap(), Value::from(by_hand));
        let kvm: u32 = t.summary.calls[&NotifierId::Kvm].values().sum();
        assert_eq!(run_value(&t, "calls.kvm.sum").unwrap(), Value::from(kvm));
        assert!(run_value(&t, "calls.nobody.sum").unwrap_err().contains("no `nobody`"));
    }

    #[test]
    fn semantics_option_picks_the_columns_and_absent_users_are_named() {
        let h = render("states ksm semantics=event_aware,patched").unwrap();
        let heads: Vec<&str> = h.match_indices("<th><code>").map(|(i, _)| &h[i + 10..i + 30]).collect();
        assert_eq!(heads.len(), 2, "{h}");
        assert!(heads[0].starts_with("event_aware") && heads[1].starts_with("patched"), "{heads:?}");
        // Without the option every semantics the notifiers exist at, in order.
        let h = render("summary ksm").unwrap();
        assert_eq!(h.matches("<th><code>").count(), Semantics::COUNT, "{h}");
        // A user absent at some tags: those columns are left out, and said so.
        let absent: Vec<Semantics> =
            Semantics::ALL.into_iter().filter(|s| !NotifierId::XenGntdev.exists_at(*s)).collect();
        let h = render("users uprobe notifiers=kvm,xen_gntdev").unwrap();
        assert_eq!(h.matches("<th><code>").count(), Semantics::COUNT - absent.len(), "{h}");
        if let Some(s) = absent.first() {
            assert!(h.contains("Not shown: ") && h.contains(&code(s.id())), "{h}");
            let e = render(&format!("summary uprobe notifiers=kvm,xen_gntdev semantics=wrapped,{s}")).unwrap_err();
            assert!(e.contains("`xen_gntdev`") && e.contains(&format!("`{s}`")), "{e}");
        }
    }

    #[test]
    fn the_design_table_has_a_row_per_semantics_and_links_each_verdict() {
        let h = render("designs explore=cow:host_write,gru_read;uprobe:gru_read").unwrap();
        assert_eq!(h.matches("<tr><td>").count(), Semantics::COUNT, "{h}");
        // Every counterexample the explorer finds is linked, with the link
        // the `check` directive and the CLI write.
        let mut lab = Lab::default();
        for sem in Semantics::ALL {
            for (sc, actors) in [("cow", vec![Actor::HostWrite, Actor::GruRead]), ("uprobe", vec![Actor::GruRead])] {
                let run = Run { scenario: sc.into(), semantics: sem, notifiers: None };
                let rep = lab.report(&run, &actors).unwrap();
                for f in &rep.violations {
                    let href = counterexample_link(&rep, f.id, sc).unwrap();
                    assert!(h.contains(&format!("href=\"{}\"", esc(&href))), "{sem} {sc}: {href}");
                }
            }
        }
        // The effect cells list the scenarios in order.
        let mut faults = |sc: &str| {
            show(&run_value(&lab.trace(sc, Semantics::Original, None).unwrap(), "kvm.guest_faults").unwrap())
        };
        let want = format!("{} · {} · {}", faults("ksm"), faults("cow"), faults("uprobe"));
        assert!(h.contains(&format!("<td>{want}</td>")), "{want}: {h}");
    }

    #[test]
    fn demo_links_name_a_walkthrough_and_refuse_absent_users() {
        let h = render("demo ksm event_aware right=wrapped").unwrap();
        assert_eq!(
            h,
            "<a class=\"nl-demo\" href=\"demo/index.html#v1/ksm/event_aware/wrapped/kvm,gru/step=0\">ksm: event_aware against wrapped</a>"
        );
        let h = render("demo uprobe wrapped at=done notifiers=kvm").unwrap();
        let t = Lab::default().trace("uprobe", Semantics::Wrapped, Some(&[NotifierId::Kvm])).unwrap();
        let done = resolve(&t, &Bound::Milestone("done".into())).unwrap();
        assert!(h.contains(&format!("#v1/uprobe/wrapped/original/kvm/step={done}\"")), "{h}");
        assert_eq!(predecessor(Semantics::Original), Semantics::Wrapped);
        assert_eq!(predecessor(Semantics::V6_10), Semantics::V6_9);
        for s in Semantics::ALL.into_iter().filter(|s| !NotifierId::AmdIommuV2.exists_at(*s)) {
            let e = render(&format!("demo ksm {s} notifiers=kvm,amd_iommu_v2")).unwrap_err();
            assert!(e.contains("`amd_iommu_v2`") && e.contains(&format!("`{s}`")), "{e}");
        }
    }

    #[test]
    fn merge_keeps_both_orders() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(merge(&s(&["a", "b", "d"]), &s(&["a", "c", "d"])), s(&["a", "b", "c", "d"]));
    }
}
