//! Two runs of the same scenario aligned at milestones, with the state
//! differences at each milestone.

use std::collections::BTreeMap;

use crate::notifier::NotifierId;
use crate::scenario::Scenario;
use crate::semantics::Semantics;
use crate::trace::Trace;
use crate::view;

/// One aligned milestone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareRow {
    /// Milestone name.
    pub milestone: String,
    /// Step (1-based) where the left run reaches it, if it does.
    pub left_step: Option<usize>,
    /// Same for the right run.
    pub right_step: Option<usize>,
    /// Notifier callbacks made since the previous row, left.
    pub left_calls: Vec<String>,
    /// Same, right.
    pub right_calls: Vec<String>,
    /// `(key, left value, right value)` that differ at this milestone.
    pub diffs: Vec<(String, String, String)>,
}

/// The comparison of two semantics on one scenario.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Left run.
    pub left: Trace,
    /// Right run.
    pub right: Trace,
    /// Aligned milestones (longest common subsequence; milestones that exist
    /// on one side only appear with the other side `None`).
    pub rows: Vec<CompareRow>,
}

fn milestones(t: &Trace) -> Vec<(String, usize)> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    t.steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            s.milestone.as_ref().map(|m| {
                let n = seen.entry(m.clone()).or_default();
                *n += 1;
                let name = if *n == 1 { m.clone() } else { format!("{m}#{n}") };
                (name, i + 1)
            })
        })
        .collect()
}

fn calls_between(t: &Trace, from: usize, to: usize) -> Vec<String> {
    t.steps[from..to]
        .iter()
        .flat_map(|s| s.events.iter())
        .filter_map(|e| match e {
            crate::event::Event::Callback { notifier, callback, under_ptl, .. } => {
                Some(format!("{} {}{}", notifier.id(), callback.id(), if *under_ptl { " (PTL)" } else { "" }))
            }
            _ => None,
        })
        .collect()
}

/// Runs `scenario` under `left` and `right` and aligns the runs.
pub fn compare(scenario: &Scenario, left: Semantics, right: Semantics, notifiers: &[NotifierId]) -> Comparison {
    compare_traces(Trace::run(scenario, left, notifiers), Trace::run(scenario, right, notifiers))
}

/// Aligns two recorded runs at their milestones (for runs recorded with
/// another schedule, e.g. a replayed counterexample next to the default
/// schedule).
pub fn compare_traces(l: Trace, r: Trace) -> Comparison {
    let lm = milestones(&l);
    let rm = milestones(&r);
    // LCS over milestone names.
    let (n, m) = (lm.len(), rm.len());
    let mut dp = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if lm[i].0 == rm[j].0 { dp[i + 1][j + 1] + 1 } else { dp[i + 1][j].max(dp[i][j + 1]) };
        }
    }
    let mut rows = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut lprev, mut rprev) = (0, 0);
    let mut push = |name: &str, ls: Option<usize>, rs: Option<usize>, rows: &mut Vec<CompareRow>| {
        let lcalls = ls.map(|s| calls_between(&l, lprev, s)).unwrap_or_default();
        let rcalls = rs.map(|s| calls_between(&r, rprev, s)).unwrap_or_default();
        if let Some(s) = ls {
            lprev = s;
        }
        if let Some(s) = rs {
            rprev = s;
        }
        let diffs = match (ls, rs) {
            (Some(a), Some(b)) => view::diff(&view::flatten(l.state_at(a)), &view::flatten(r.state_at(b))),
            _ => Vec::new(),
        };
        rows.push(CompareRow {
            milestone: name.to_string(),
            left_step: ls,
            right_step: rs,
            left_calls: lcalls,
            right_calls: rcalls,
            diffs,
        });
    };
    while i < n || j < m {
        if i < n && j < m && lm[i].0 == rm[j].0 {
            push(&lm[i].0, Some(lm[i].1), Some(rm[j].1), &mut rows);
            i += 1;
            j += 1;
        } else if j >= m || (i < n && dp[i + 1][j] >= dp[i][j + 1]) {
            push(&lm[i].0, Some(lm[i].1), None, &mut rows);
            i += 1;
        } else {
            push(&rm[j].0, None, Some(rm[j].1), &mut rows);
            j += 1;
        }
    }
    Comparison { left: l, right: r, rows }
}

impl Comparison {
    /// The first milestone whose states differ.
    pub fn first_divergence(&self) -> Option<&CompareRow> {
        self.rows.iter().find(|r| !r.diffs.is_empty())
    }

    /// Human-readable table.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let (a, b) = (self.left.semantics, self.right.semantics);
        let _ = writeln!(
            out,
            "# compare {}: {} ({}) vs {} ({}) | notifiers {}",
            self.left.scenario,
            a.id(),
            a.tag(),
            b.id(),
            b.tag(),
            self.left.notifiers.iter().map(|n| n.id()).collect::<Vec<_>>().join(",")
        );
        let step = |s: Option<usize>| s.map(|s| format!("step {s}")).unwrap_or_else(|| "(not reached)".into());
        for r in &self.rows {
            let _ = writeln!(
                out,
                "\n== {}  [{}: {} | {}: {}]",
                r.milestone,
                a.id(),
                step(r.left_step),
                b.id(),
                step(r.right_step)
            );
            // Both sides' callbacks whenever there are any, marked `differ`
            // when they are not the same list.
            if !r.left_calls.is_empty() || !r.right_calls.is_empty() {
                let same = r.left_calls == r.right_calls;
                let _ = writeln!(
                    out,
                    "   callbacks since previous milestone ({}):",
                    if same { "same on both sides" } else { "differ" }
                );
                let mark = if same { " " } else { "*" };
                let _ = writeln!(
                    out,
                    "   {mark} {:<9} {}",
                    a.id(),
                    if r.left_calls.is_empty() { "-".into() } else { r.left_calls.join(", ") }
                );
                let _ = writeln!(
                    out,
                    "   {mark} {:<9} {}",
                    b.id(),
                    if r.right_calls.is_empty() { "-".into() } else { r.right_calls.join(", ") }
                );
            }
            if r.diffs.is_empty() {
                if r.left_step.is_some() && r.right_step.is_some() {
                    let _ = writeln!(out, "   same state");
                }
            } else {
                for (k, x, y) in &r.diffs {
                    let _ = writeln!(out, "   {k:<26} {:<9} {x}", a.id());
                    let _ = writeln!(out, "   {:<26} {:<9} {y}", "", b.id());
                }
            }
        }
        let _ = writeln!(out, "\n# {} summary", a.id());
        out.push_str(&self.left.summary_text());
        let _ = writeln!(out, "# {} summary", b.id());
        out.push_str(&self.right.summary_text());
        out
    }
}
