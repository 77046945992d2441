//! The thread timeline: one lane per thread of a side's run (the host
//! path, each actor or vCPU), a mark per executed statement up to where
//! the side stands, context switches, milestones and violating steps.
//! Model, an SVG renderer (browser demo, book) and text lanes (terminal);
//! pure.

use serde::Serialize;

use crate::diagram::esc;
use crate::trace::Trace;
use crate::walk::{Side, Walk};

/// One thread's lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lane {
    /// The thread's index (the schedule's digit).
    pub thread: u8,
    /// Its name (`host`, `host_write`, `gru`; a repeated kind gets its
    /// index: `gru#3`).
    pub name: String,
    /// Where it stands now: `write_protect_page:870`, `done`, `not
    /// started`, with `blocked: …` when it cannot run.
    pub at: String,
}

/// One executed statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mark {
    /// 1-based step.
    pub step: usize,
    /// Index into [`Timeline::lanes`].
    pub lane: usize,
    /// Another thread ran the step before (a context switch).
    pub switch: bool,
    /// The milestone it reached.
    pub milestone: Option<String>,
    /// It raised a violation.
    pub violation: bool,
    /// `host write_protect_page:870`.
    pub what: String,
}

/// The timeline of one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The lanes, thread 0 first.
    pub lanes: Vec<Lane>,
    /// The executed steps, up to the side's position.
    pub marks: Vec<Mark>,
    /// Steps in the whole run.
    pub total: usize,
}

/// The timeline of `trace` up to `pos` steps.
pub fn timeline(trace: &Trace, pos: usize) -> Timeline {
    let pos = pos.min(trace.steps.len());
    let init = &trace.initial;
    let kinds: Vec<&str> = init.threads.iter().map(|t| t.kind.id()).collect();
    let now = match pos {
        0 => init,
        n => &trace.steps[n - 1].after,
    };
    let lanes = init
        .thread_ids()
        .map(|t| {
            let i = usize::from(t.0);
            let k = kinds[i];
            let name = if kinds.iter().filter(|x| **x == k).count() > 1 { format!("{k}#{i}") } else { k.to_string() };
            let ran = trace.steps[..pos].iter().any(|s| s.thread == t);
            let at = match now.current(t) {
                None => "done".to_string(),
                Some((f, pc)) => {
                    let here = format!("{}:{}", f.name, f.source(pc).line);
                    let here = if ran { here } else { format!("not started ({here})") };
                    match now.blocked_on(t) {
                        Some(why) => format!("{here}, {why}"),
                        None => here,
                    }
                }
            };
            Lane { thread: t.0, name, at }
        })
        .collect();
    let marks = trace.steps[..pos]
        .iter()
        .enumerate()
        .map(|(i, s)| Mark {
            step: i + 1,
            lane: usize::from(s.thread.0),
            switch: i > 0 && trace.steps[i - 1].thread != s.thread,
            milestone: s.milestone.clone(),
            violation: s.violations().next().is_some(),
            what: format!("{} {}:{}", s.thread_kind, s.function.name, s.source().line),
        })
        .collect();
    Timeline { lanes, marks, total: trace.steps.len() }
}

/// The timeline of `side` where it stands.
pub fn of_side(walk: &Walk, side: Side) -> Timeline {
    let s = walk.side(side);
    timeline(&s.trace, s.pos)
}

impl Timeline {
    /// Context switches so far.
    pub fn switches(&self) -> usize {
        self.marks.iter().filter(|m| m.switch).count()
    }

    /// The timeline in words, for an `aria-label`.
    pub fn summary(&self) -> String {
        let lanes: Vec<String> = self.lanes.iter().map(|l| format!("{} at {}", l.name, l.at)).collect();
        let mut s = format!(
            "Thread timeline: {} of {} steps, {} context switch{}; threads: {}",
            self.marks.len(),
            self.total,
            self.switches(),
            if self.switches() == 1 { "" } else { "es" },
            lanes.join("; ")
        );
        let switches: Vec<String> = self
            .marks
            .iter()
            .filter(|m| m.switch)
            .map(|m| format!("step {} to {}", m.step, self.lanes[m.lane].name))
            .collect();
        if !switches.is_empty() {
            s.push_str(&format!("; switches: {}", switches.join(", ")));
        }
        if let Some(v) = self.marks.iter().find(|m| m.violation) {
            s.push_str(&format!("; violation at step {} ({})", v.step, v.what));
        }
        s
    }

    /// Text lanes for a terminal, at most `width` columns: the name, then
    /// one column per step (`■` ran, `!` violation, `◆` milestone, `·`
    /// another thread ran), the newest steps when they do not fit.
    pub fn lines(&self, width: usize) -> Vec<String> {
        let name_w = self.lanes.iter().map(|l| l.name.chars().count()).max().unwrap_or(0).min(12);
        let cols = width.saturating_sub(name_w + 1);
        let from = self.marks.len().saturating_sub(cols);
        self.lanes
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let name: String = l.name.chars().take(name_w).collect();
                let mut s = format!("{name:<name_w$} ");
                for m in &self.marks[from..] {
                    s.push(if m.lane != i {
                        '·'
                    } else if m.violation {
                        '!'
                    } else if m.milestone.is_some() {
                        '◆'
                    } else {
                        '■'
                    });
                }
                s.chars().take(width).collect()
            })
            .collect()
    }

    /// The timeline as an SVG element: a lane per thread, a mark
    /// (`data-step`) per executed step (the newest one in the tab order,
    /// the others focusable by script: a roving tab stop), a vertical line at every context
    /// switch, the violating step labelled; `role="img"` is not used
    /// because the marks are interactive: the root is a `group` with the
    /// [`Timeline::summary`] as its `aria-label`.
    pub fn to_svg(&self) -> String {
        const LANE: i32 = 26;
        const NAME_W: i32 = 96;
        let n = self.marks.len().max(1) as i32;
        let step_w = if n <= 40 {
            12
        } else if n <= 120 {
            6
        } else {
            3
        };
        let w = NAME_W + n * step_w + 100;
        let lanes = self.lanes.len().max(1) as i32;
        let h = 16 + lanes * LANE + 22;
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"nl-timeline\" role=\"group\" aria-label=\"{}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"monospace\" font-size=\"11\">",
            esc(&self.summary())
        );
        s.push_str("<title>thread timeline</title>");
        for (i, l) in self.lanes.iter().enumerate() {
            let y = 16 + i as i32 * LANE;
            s.push_str(&format!(
                "<g class=\"lane\" data-thread=\"{}\"><text x=\"2\" y=\"{}\" font-weight=\"bold\">{}</text><line x1=\"{NAME_W}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ccc\"/><text x=\"{}\" y=\"{}\" font-size=\"9\" fill=\"#555\">{}</text></g>",
                l.thread,
                y + 12,
                esc(&l.name),
                y + 9,
                w - 4,
                y + 9,
                NAME_W + n * step_w + 4,
                y + 12,
                esc(&short(&l.at, 16))
            ));
        }
        for (k, m) in self.marks.iter().enumerate() {
            let x = NAME_W + k as i32 * step_w;
            let y = 16 + m.lane as i32 * LANE;
            if m.switch {
                s.push_str(&format!(
                    "<line class=\"switch\" x1=\"{x}\" y1=\"12\" x2=\"{x}\" y2=\"{}\" stroke=\"#1565c0\" stroke-dasharray=\"2 2\"/>",
                    16 + lanes * LANE
                ));
            }
            let fill = if m.violation {
                "#c62828"
            } else if m.milestone.is_some() {
                "#6a1b9a"
            } else {
                "#37474f"
            };
            let title = match (&m.milestone, m.violation) {
                (_, true) => format!("step {}: {} (violation)", m.step, m.what),
                (Some(ms), _) => format!("step {}: {} ({ms})", m.step, m.what),
                _ => format!("step {}: {}", m.step, m.what),
            };
            s.push_str(&format!(
                "<rect class=\"mark{}{}\" data-step=\"{}\" tabindex=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"18\" fill=\"{fill}\"><title>{}</title></rect>",
                if m.switch { " switch" } else { "" },
                if m.violation { " violation" } else { "" },
                m.step,
                // One tab stop (the newest mark); arrows move between marks.
                if k + 1 == self.marks.len() { "0" } else { "-1" },
                x + 1,
                y,
                (step_w - 1).max(2),
                esc(&title)
            ));
        }
        if let Some((k, m)) = self.marks.iter().enumerate().find(|(_, m)| m.violation) {
            let x = NAME_W + k as i32 * step_w;
            s.push_str(&format!(
                "<text class=\"violation-label\" x=\"{}\" y=\"{}\" fill=\"#c62828\" text-anchor=\"middle\">violation, step {}</text>",
                x.max(NAME_W + 40),
                h - 6,
                m.step
            ));
        }
        s.push_str("</svg>");
        s
    }
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).chain(['…']).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifier::NotifierId;
    use crate::scenario::Scenario;
    use crate::semantics::Semantics;

    #[test]
    fn haggai_erans_replay_names_every_thread_and_the_switches() {
        let w = crate::walk::haggai_eran_replay();
        let t = of_side(&w, Side::Left);
        let names: Vec<&str> = t.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["host", "host_write", "gru"]);
        assert_eq!(t.marks.len(), 45);
        assert_eq!(t.switches(), 2);
        assert_eq!(t.marks[43].lane, 1);
        assert!(t.marks[43].switch && t.marks[44].switch);
        assert!(t.marks[44].violation, "the GRU read of the old page is the violation");
        // The host path is mid-way (about to set the pte) while GRU reads.
        assert_eq!(t.lanes[0].at, "set_pte_at_notify:303");
        assert_eq!((t.lanes[1].at.as_str(), t.lanes[2].at.as_str()), ("done", "done"));
        let sum = t.summary();
        assert!(sum.starts_with("Thread timeline: 45 of"), "{sum}");
        assert!(sum.contains("switches: step 44 to host_write, step 45 to gru"), "{sum}");
        assert!(sum.contains("violation at step 45"), "{sum}");
        let svg = t.to_svg();
        assert_eq!(svg.matches("<rect class=\"mark").count(), 45);
        assert_eq!(svg.matches("<line class=\"switch\"").count(), 2);
        assert!(svg.contains("data-step=\"45\" tabindex=\"0\""));
        assert_eq!(svg.matches("tabindex=\"0\"").count(), 1, "one tab stop");
        let lines = t.lines(30);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('!'), "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 30));
    }

    #[test]
    fn nothing_executed_has_lanes_but_no_marks() {
        let w = Walk::new(
            Scenario::builtin("ksm").expect("ksm"),
            Semantics::Wrapped,
            Semantics::Patched,
            &NotifierId::DEFAULT,
        );
        let t = of_side(&w, Side::Left);
        assert_eq!(t.lanes.len(), 2, "host and the default vCPU");
        assert!(t.marks.is_empty());
        assert!(t.lanes[1].at.starts_with("not started"));
        assert!(t.to_svg().contains("aria-label=\"Thread timeline: 0 of"));
    }
}
