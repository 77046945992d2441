//! Everything the browser demo shows and every transition on it, as plain
//! Rust (yew todomvc style: the component in `app` only renders a
//! [`Demo`] and dispatches [`Action`]s to [`Demo::apply`]).
//!
//! The side-by-side stepping itself is [`notifier_lab_core::walk::Walk`],
//! the same model the terminal walkthrough drives, so both front ends keep
//! the two sides at corresponding milestones the same way. What is added
//! here is the browser's part: the focused side, the help panel, the
//! one-line message, the deep link ([`notifier_lab_core::link`]), the
//! counterexample replay a link can ask for, and flat "view models" of the
//! panes, so that what is displayed can be unit-tested without a browser.

use notifier_lab_core::link::{self, Link};
use notifier_lab_core::present::{self, Move};
use notifier_lab_core::walk::{Moved, Side, Walk};
use notifier_lab_core::{Actor, NotifierId, Scenario, Semantics};

/// Something a visitor can do (a button, a key, a picker, the slider).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `n`: next statement at this depth (steps over calls), both sides.
    StepOver,
    /// `s`: one statement, both sides.
    StepInto,
    /// `f`: until the current function returns, both sides.
    Finish,
    /// `b`: one statement back, both sides.
    Back,
    /// `r`: both runs to the end.
    RunToEnd,
    /// `R`: both runs to the start.
    Restart,
    /// `o`: focus the other side.
    FocusToggle,
    /// Focus one side (clicking into its column, using its controls).
    Focus(Side),
    /// `[`: previous semantics on the focused side.
    SemanticsPrev,
    /// `]`: next semantics on the focused side.
    SemanticsNext,
    /// A side's semantics picker.
    SetSemantics(Side, Semantics),
    /// The scenario picker (index into [`Demo::scenarios`]).
    SetScenario(usize),
    /// A notifier tick box.
    SetNotifier(NotifierId, bool),
    /// A side's step slider.
    SetStep(Side, usize),
    /// The "go to" box: a step number (focused side) or a milestone name.
    Goto(String),
    /// `g`: move the keyboard focus to the "go to" box (done by the
    /// component; the state only clears the message).
    FocusGoto,
    /// A listing line: run that side until the statement is next.
    RunToStatement(Side, usize),
    /// `?`: help on/off.
    ToggleHelp,
    /// `Escape`: close the help.
    CloseHelp,
    /// The URL fragment changed (another deep link was opened).
    OpenLink(String),
}

/// The keys, as data: `(KeyboardEvent.key, action, what it does)`. The help
/// panel is generated from this table.
pub const KEYS: &[(&str, KeyAction)] = &[
    ("n", KeyAction::StepOver),
    ("ArrowRight", KeyAction::StepOver),
    ("s", KeyAction::StepInto),
    ("f", KeyAction::Finish),
    ("b", KeyAction::Back),
    ("ArrowLeft", KeyAction::Back),
    ("r", KeyAction::RunToEnd),
    ("R", KeyAction::Restart),
    ("[", KeyAction::SemanticsPrev),
    ("]", KeyAction::SemanticsNext),
    ("o", KeyAction::FocusToggle),
    ("g", KeyAction::FocusGoto),
    ("?", KeyAction::ToggleHelp),
    ("Escape", KeyAction::CloseHelp),
];

/// The help panel's rows: each key with what it does (a second key for the
/// same action reads "same as n").
pub fn key_help() -> Vec<(&'static str, String)> {
    KEYS.iter()
        .enumerate()
        .map(|(i, (k, a))| {
            let what = match KEYS[..i].iter().find(|(_, b)| b == a) {
                Some((first, _)) => format!("same as {first}"),
                None => a.describe(),
            };
            (*k, what)
        })
        .collect()
}

/// The data-less actions keys map to (see [`KEYS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    /// [`Action::StepOver`].
    StepOver,
    /// [`Action::StepInto`].
    StepInto,
    /// [`Action::Finish`].
    Finish,
    /// [`Action::Back`].
    Back,
    /// [`Action::RunToEnd`].
    RunToEnd,
    /// [`Action::Restart`].
    Restart,
    /// [`Action::SemanticsPrev`].
    SemanticsPrev,
    /// [`Action::SemanticsNext`].
    SemanticsNext,
    /// [`Action::FocusToggle`].
    FocusToggle,
    /// [`Action::FocusGoto`].
    FocusGoto,
    /// [`Action::ToggleHelp`].
    ToggleHelp,
    /// [`Action::CloseHelp`].
    CloseHelp,
}

impl KeyAction {
    /// What it does, in the words both front ends' help uses
    /// ([`present::Move::describe`]).
    pub fn describe(self) -> String {
        let m = match self {
            KeyAction::StepOver => Move::StepOver,
            KeyAction::StepInto => Move::StepInto,
            KeyAction::Finish => Move::Finish,
            KeyAction::Back => Move::Back,
            KeyAction::RunToEnd => Move::RunToEnd,
            KeyAction::Restart => Move::Restart,
            KeyAction::SemanticsPrev => Move::SemanticsPrev,
            KeyAction::SemanticsNext => Move::SemanticsNext,
            KeyAction::FocusToggle => Move::FocusToggle,
            KeyAction::FocusGoto => Move::Goto,
            KeyAction::ToggleHelp => return "this help".into(),
            KeyAction::CloseHelp => return "close the help".into(),
        };
        m.describe()
    }

    /// The action.
    pub fn action(self) -> Action {
        match self {
            KeyAction::StepOver => Action::StepOver,
            KeyAction::StepInto => Action::StepInto,
            KeyAction::Finish => Action::Finish,
            KeyAction::Back => Action::Back,
            KeyAction::RunToEnd => Action::RunToEnd,
            KeyAction::Restart => Action::Restart,
            KeyAction::SemanticsPrev => Action::SemanticsPrev,
            KeyAction::SemanticsNext => Action::SemanticsNext,
            KeyAction::FocusToggle => Action::FocusToggle,
            KeyAction::FocusGoto => Action::FocusGoto,
            KeyAction::ToggleHelp => Action::ToggleHelp,
            KeyAction::CloseHelp => Action::CloseHelp,
        }
    }
}

/// What `key` (a `KeyboardEvent.key` value, case-sensitive) does.
pub fn key_action(key: &str) -> Option<Action> {
    KEYS.iter().find(|(k, _)| *k == key).map(|(_, a)| a.action())
}

pub use notifier_lab_core::present::{EventKind, Item, LOG_LIMIT, LogEvent, LogStep, Section};

/// The whole demo state.
#[derive(Debug, Clone)]
pub struct Demo {
    /// The two runs (shared model).
    pub walk: Walk,
    /// Scenarios the picker offers (the built-in ones).
    pub scenarios: Vec<Scenario>,
    /// The side `[`/`]` and the "go to" step number act on.
    pub focus: Side,
    /// Help panel shown.
    pub help: bool,
    /// One-line feedback (a bad link, a failed "go to"); cleared by the
    /// next action.
    pub message: Option<String>,
    /// The counterexample schedule the left side replays (a link's
    /// `schedule=`; thread index per step), or `None` when both sides run
    /// the default schedule.
    pub schedule: Option<Vec<u8>>,
}

impl Demo {
    /// The default view: `ksm`, `wrapped` left, `patched` right, KVM and
    /// GRU, at the start.
    pub fn new_default() -> Demo {
        Demo::from_fragment("")
    }

    /// The view a URL fragment names (see [`notifier_lab_core::link`]);
    /// anything that cannot be honoured is replaced by the nearest valid
    /// view and explained in [`Demo::message`]. With `schedule=` the left
    /// side replays that counterexample ([`Walk::replay`]).
    pub fn from_fragment(fragment: &str) -> Demo {
        let scenarios = crate::builtin::scenarios();
        let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
        let (fragment, view) = link::split_view(fragment);
        let parsed = link::parse(&fragment, &names);
        let l = parsed.link;
        let mut notes = parsed.notes;
        let idx = scenarios.iter().position(|s| s.name == l.scenario).unwrap_or(0);
        let (walk, schedule) = walk_for_link(scenarios[idx].clone(), &l, &mut notes);
        let mut d = Demo { walk, scenarios, focus: Side::Left, help: false, message: None, schedule };
        notes.extend(d.place_from_link(l.left_step, l.right_step));
        d.restore_view(&view, &mut notes);
        if !notes.is_empty() {
            d.message = Some(format!("Link: {}.", notes.join("; ")));
        }
        d
    }

    /// The one-line banner shown while a counterexample is replayed:
    /// which side runs which schedule, how long the replayed one is and
    /// which violations it raises.
    pub fn banner(&self) -> Option<String> {
        let schedule = self.schedule.as_ref()?;
        let mut raised: Vec<&'static str> = Vec::new();
        for v in self.walk.left.trace.steps.iter().flat_map(|s| s.violations()) {
            if !raised.contains(&v.id.id()) {
                raised.push(v.id.id());
            }
        }
        let what = if raised.is_empty() { "no violation".to_string() } else { raised.join(", ") };
        Some(format!(
            "Counterexample replay: left = the explorer's schedule ({} steps, {what}), right = default schedule",
            schedule.len()
        ))
    }

    /// The legend of the schedule notation, shown wherever the page
    /// prints a schedule: the schedule itself, run-length compressed
    /// (`0×43 1 2`), and what each digit names (`0 = host, 1 = host_write,
    /// 2 = gru`).
    pub fn schedule_legend(&self) -> Option<(String, String)> {
        let schedule = self.schedule.as_ref()?;
        let mut runs: Vec<(u8, usize)> = Vec::new();
        for &t in schedule {
            match runs.last_mut() {
                Some((x, n)) if *x == t => *n += 1,
                _ => runs.push((t, 1)),
            }
        }
        let compact: Vec<String> =
            runs.iter().map(|(t, n)| if *n == 1 { t.to_string() } else { format!("{t}×{n}") }).collect();
        let lanes = self.timeline(Side::Left).lanes;
        let names: Vec<String> = lanes.iter().map(|l| format!("{} = {}", l.thread, l.name)).collect();
        Some((
            format!("schedule {}", compact.join(" ")),
            format!(
                "Schedule notation: one digit per step, the index of the thread that runs it ({}); d×n repeats d n times.",
                names.join(", ")
            ),
        ))
    }

    /// The mapping diagram of `side` ([`notifier_lab_core::diagram`]).
    pub fn diagram(&self, side: Side) -> notifier_lab_core::diagram::Diagram {
        notifier_lab_core::diagram::of_side(&self.walk, side)
    }

    /// The thread timeline of `side` ([`notifier_lab_core::timeline`]).
    pub fn timeline(&self, side: Side) -> notifier_lab_core::timeline::Timeline {
        notifier_lab_core::timeline::of_side(&self.walk, side)
    }

    /// Puts the sides where a link says; returns notes about what had to be
    /// adjusted.
    fn place_from_link(&mut self, left: usize, right: Option<usize>) -> Vec<String> {
        let mut notes = Vec::new();
        let (ll, rl) = (self.walk.left.len(), self.walk.right.len());
        let (l, r) = match right {
            None => {
                if left > ll.max(rl) {
                    notes.push(format!("step {left} is past the end of both runs; showing their end"));
                }
                (left.min(ll), left.min(rl))
            }
            Some(right) => {
                for (side, want, len) in [("left", left, ll), ("right", right, rl)] {
                    if want > len {
                        notes.push(format!(
                            "step {want} is past the end of the {side} run ({len} steps); showing its end"
                        ));
                    }
                }
                (left.min(ll), right.min(rl))
            }
        };
        self.walk.set_positions(l, r);
        // `step=N` asks for "N, or as near as the sides can be"; only an
        // explicit pair that had to change is worth a note.
        if right.is_some() && (self.walk.left.pos, self.walk.right.pos) != (l, r) {
            notes.push(format!(
                "steps {l},{r} do not correspond (one side would be past a milestone the other has not reached); showing {},{}",
                self.walk.left.pos, self.walk.right.pos
            ));
        }
        notes
    }

    /// The current view as a [`Link`] (`step=N` when both sides stand at
    /// the same step).
    pub fn link(&self) -> Link {
        let (l, r) = (self.walk.left.pos, self.walk.right.pos);
        Link {
            scenario: self.walk.scenario.name.clone(),
            left: self.walk.left.semantics,
            right: self.walk.right.semantics,
            notifiers: self.walk.notifiers.clone(),
            left_step: l,
            right_step: (l != r).then_some(r),
            actors: self.walk.actors.clone(),
            schedule: self.schedule.clone(),
        }
    }

    /// The current view as a URL fragment (`#v1/...`), with the view keys
    /// ([`link::VIEW_KEYS`]) that differ from what the link alone shows.
    pub fn fragment(&self) -> String {
        let mut f = link::to_fragment(&self.link());
        let from = |s: &notifier_lab_core::walk::SideRun| if s.last_from + 1 < s.pos { s.last_from } else { s.pos };
        let (l, r) = (from(&self.walk.left), from(&self.walk.right));
        if (l, r) != (self.walk.left.pos, self.walk.right.pos) {
            f.push_str(&format!("&from={l},{r}"));
        }
        if self.focus == Side::Right {
            f.push_str("&focus=right");
        }
        f
    }

    /// Applies a link's view keys (see [`link::VIEW_KEYS`]) after its
    /// positions: where each side's last move started and the focused side.
    fn restore_view(&mut self, view: &[(String, String)], notes: &mut Vec<String>) {
        for (k, v) in view {
            match k.as_str() {
                "from" => {
                    let nums: Option<Vec<usize>> = v.split(',').map(|x| x.trim().parse().ok()).collect();
                    match nums.as_deref() {
                        Some(&[l, r]) => {
                            for (side, f) in [(Side::Left, l), (Side::Right, r)] {
                                let s = if side == Side::Left { &mut self.walk.left } else { &mut self.walk.right };
                                if f < s.pos {
                                    s.last_from = f;
                                }
                            }
                        }
                        _ => notes.push("`from` is not two step numbers `L,R`; showing each side's last step".into()),
                    }
                }
                _ => match v.as_str() {
                    "right" => self.focus = Side::Right,
                    "left" => self.focus = Side::Left,
                    _ => notes.push("`focus` is not left or right; the left side is focused".into()),
                },
            }
        }
    }

    /// Index of the scenario shown in [`Demo::scenarios`].
    pub fn scenario_index(&self) -> usize {
        self.scenarios.iter().position(|s| s.name == self.walk.scenario.name).unwrap_or(0)
    }

    /// Both runs are at their end (the summary is shown).
    pub fn finished(&self) -> bool {
        self.walk.both_at_end()
    }

    fn moved(&mut self, m: Moved) {
        self.message = m.finished.then(|| "Both runs finished: the summary is below the columns.".to_string());
    }

    /// One of the walk's moves, then its message.
    fn move_by(&mut self, step: fn(&mut Walk) -> Moved) {
        let m = step(&mut self.walk);
        self.moved(m);
    }

    /// Performs `action`.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::StepOver => self.move_by(Walk::step_over),
            Action::StepInto => self.move_by(Walk::step_into),
            Action::Finish => self.move_by(Walk::finish),
            Action::Back => self.move_by(Walk::back),
            Action::RunToEnd => self.move_by(Walk::run_to_end),
            Action::Restart => self.move_by(Walk::restart),
            Action::FocusToggle => {
                self.focus = self.focus.other();
                self.message = Some(format!("{} side focused", self.focus.name()));
            }
            Action::Focus(side) => self.focus = side,
            Action::SemanticsPrev | Action::SemanticsNext => {
                let sem = self.walk.cycled_semantics(self.focus, action == Action::SemanticsNext);
                self.set_semantics(self.focus, sem);
            }
            Action::SetSemantics(side, sem) => {
                self.focus = side;
                self.set_semantics(side, sem);
            }
            Action::SetScenario(i) => {
                if let Some(s) = self.scenarios.get(i).cloned() {
                    self.walk.set_scenario(s.clone());
                    let closed = self.leave_replay();
                    self.message = Some(format!("scenario {}: {}{closed}", s.name, s.title));
                }
            }
            Action::SetNotifier(n, true) if self.notifier_absent(n).is_some() => {
                // The picker does not offer it; a stale click is refused, not
                // silently dropped.
                self.message = self.notifier_absent(n);
            }
            Action::SetNotifier(n, on) => {
                let mut set = self.walk.notifiers.clone();
                set.retain(|x| *x != n);
                if on {
                    set.push(n);
                }
                let actors = self.walk.actors.clone();
                self.walk.set_notifiers(&set);
                let closed = self.leave_replay();
                let ids: Vec<&str> = self.walk.notifiers.iter().map(|n| n.id()).collect();
                let mut msg =
                    format!("notifiers: {}", if ids.is_empty() { "none".to_string() } else { ids.join(", ") });
                if actors != self.walk.actors {
                    let dropped: Vec<String> = actors
                        .iter()
                        .filter(|a| !self.walk.actors.contains(a))
                        .filter_map(|a| a.needs().map(|n| format!("{a} (needs {n})")))
                        .collect();
                    msg.push_str(&format!("; actors left out: {}", dropped.join(", ")));
                }
                msg.push_str(closed);
                self.message = Some(msg);
            }
            Action::SetStep(side, pos) => {
                self.focus = side;
                let m = self.walk.place(side, pos);
                self.moved(m);
            }
            Action::Goto(input) => match self.walk.goto(self.focus, &input) {
                Ok(m) => self.moved(m),
                Err(e) => self.message = Some(e.to_string()),
            },
            Action::FocusGoto => self.message = None,
            Action::RunToStatement(side, pc) => match self.walk.run_to_statement(side, pc) {
                Ok(m) => {
                    self.focus = side;
                    self.moved(m);
                }
                Err(e) => self.message = Some(e.to_string()),
            },
            Action::ToggleHelp => self.help = !self.help,
            Action::CloseHelp => self.help = false,
            Action::OpenLink(f) => {
                let help = self.help;
                *self = Demo::from_fragment(&f);
                self.help = help;
            }
        }
    }

    /// Why notifier `n` cannot be registered now: it does not exist at a
    /// side's tag (the error lists the users that do). `None`: it can.
    pub fn notifier_absent(&self, n: NotifierId) -> Option<String> {
        [self.walk.left.semantics, self.walk.right.semantics]
            .into_iter()
            .find_map(|s| NotifierId::check_at(s, &[n]).err())
    }

    /// Why `side` cannot switch to `sem`: a registered notifier does not
    /// exist at its tag. `None`: it can.
    pub fn semantics_refused(&self, sem: Semantics) -> Option<String> {
        NotifierId::check_at(sem, &self.walk.notifiers).err()
    }

    fn set_semantics(&mut self, side: Side, sem: Semantics) {
        match self.walk.set_semantics(side, sem) {
            Ok(m) => {
                self.moved(m);
                let closed = self.leave_replay();
                self.message = Some(format!("{} side: {} ({}){closed}", side.name(), sem.id(), sem.tag()));
            }
            Err(e) => self.message = Some(e),
        }
    }

    /// After the runs were rebuilt for another scenario, semantics or
    /// notifier set: back to the default schedule on both sides (the
    /// [`Walk`] already is). A schedule belongs to the configuration the
    /// explorer found it in; in another one it replays a different run, or
    /// none at all, so keeping it would show something nobody found. The
    /// actors stay, so the visitor can compare the default runs of the same
    /// threads. Returns a note for the message when a replay was closed.
    fn leave_replay(&mut self) -> &'static str {
        match self.schedule.take() {
            Some(_) => "; counterexample replay closed, both sides run the default schedule",
            None => "",
        }
    }

    /// The state pane of `side` ([`present::state`]).
    pub fn panes(&self, side: Side) -> Vec<Section> {
        present::state(&self.walk, side)
    }

    /// The steps the last move on `side` executed, with a title
    /// ([`present::log`]).
    pub fn log(&self, side: Side) -> (String, Vec<LogStep>) {
        let l = present::log(&self.walk, side);
        (l.title, l.steps)
    }

    /// Violations raised so far on `side`: `(step, id, what happened, the
    /// rule in plain language)`, duplicates removed ([`present::violations`]).
    pub fn violations(&self, side: Side) -> Vec<(usize, &'static str, String, &'static str)> {
        present::violations(&self.walk, side).into_iter().map(|v| (v.step, v.id, v.message, v.rule)).collect()
    }

    /// The whole-run summary of `side` as `(group, label, value, differs
    /// from the other side)` ([`present::summary`]).
    pub fn summary(&self, side: Side) -> Vec<(String, String, String, bool)> {
        present::summary(&self.walk, side)
            .into_iter()
            .flat_map(|g| g.rows.into_iter().map(move |r| (g.title.clone(), r.label, r.value, r.differs)))
            .collect()
    }
}

/// The runs a link names: its actors (if they fit its notifiers) and, with
/// a schedule that can run, the counterexample replay. Whatever cannot be
/// honoured adds a note and falls back to the nearest view: the default
/// schedule, then the default threads.
fn walk_for_link(scenario: Scenario, l: &Link, notes: &mut Vec<String>) -> (Walk, Option<Vec<u8>>) {
    let mut actors: &[Actor] = &l.actors;
    let mut schedule = l.schedule.as_deref();
    if let Err(e) = scenario.machine_with(l.left, &l.notifiers, actors) {
        notes.push(format!("{e}; showing the default threads"));
        actors = &[];
        if schedule.take().is_some() {
            notes.push("the schedule was ignored: it names the threads of those actors".into());
        }
    }
    if let Some(s) = schedule {
        match Walk::replay(scenario.clone(), l.left, l.right, &l.notifiers, actors, s) {
            Ok(w) => return (w, Some(s.to_vec())),
            Err(e) => notes.push(format!("the schedule cannot be replayed ({e}); showing the default schedule")),
        }
    }
    let walk = match Walk::with_actors(scenario.clone(), l.left, l.right, &l.notifiers, actors) {
        Ok(w) => w,
        // Not expected: the actors were checked against the notifiers above.
        Err(e) => {
            notes.push(format!("{e}; showing the default threads"));
            Walk::new(scenario, l.left, l.right, &l.notifiers)
        }
    };
    (walk, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(f: &str) -> Demo {
        Demo::from_fragment(f)
    }

    #[test]
    fn default_view() {
        let d = Demo::new_default();
        assert_eq!(d.walk.scenario.name, "ksm");
        assert_eq!((d.walk.left.semantics, d.walk.right.semantics), (Semantics::Wrapped, Semantics::Patched));
        assert_eq!(d.walk.notifiers, NotifierId::DEFAULT.to_vec());
        assert_eq!(d.message, None);
        assert_eq!(d.fragment(), "#v1/ksm/wrapped/patched/kvm,gru/step=0");
    }

    #[test]
    fn keys_step_and_the_fragment_follows() {
        let mut d = Demo::new_default();
        d.apply(key_action("n").unwrap());
        assert_eq!(d.walk.left.pos, 1);
        assert_eq!(d.fragment(), "#v1/ksm/wrapped/patched/kvm,gru/step=1");
        d.apply(key_action("s").unwrap());
        d.apply(key_action("f").unwrap());
        d.apply(key_action("b").unwrap());
        assert!(d.walk.consistent());
        d.apply(key_action("r").unwrap());
        assert!(d.finished());
        d.apply(key_action("R").unwrap());
        assert_eq!((d.walk.left.pos, d.walk.right.pos), (0, 0));
        d.apply(key_action("]").unwrap());
        assert_eq!(d.walk.left.semantics, Semantics::Patched);
        d.apply(key_action("o").unwrap());
        d.apply(key_action("[").unwrap());
        assert_eq!(d.walk.right.semantics, Semantics::Wrapped);
        d.apply(key_action("?").unwrap());
        assert!(d.help);
        d.apply(key_action("Escape").unwrap());
        assert!(!d.help);
        assert_eq!(key_action("x"), None);
        assert_eq!(key_action("N"), None, "keys are case-sensitive");
    }

    #[test]
    fn every_reachable_view_survives_its_link() {
        for scenario in ["ksm", "cow", "uprobe"] {
            let mut d = at(&format!("#v1/{scenario}/original/patched/kvm,gru,sleepable"));
            assert_eq!(d.message, None);
            let mut n = 0;
            loop {
                let f = d.fragment();
                let e = at(&f);
                assert_eq!(e.message, None, "{f}");
                assert_eq!((e.walk.left.pos, e.walk.right.pos), (d.walk.left.pos, d.walk.right.pos), "{f}");
                assert_eq!(e.fragment(), f);
                if d.finished() {
                    break;
                }
                d.apply(if n % 3 == 0 { Action::StepInto } else { Action::StepOver });
                n += 1;
                assert!(n < 2000);
            }
        }
    }

    #[test]
    fn a_shared_link_restores_the_last_move_and_the_focus() {
        let mut d = at("#v1/ksm/wrapped/patched/kvm,gru/step=51,36");
        d.apply(Action::FocusToggle);
        d.apply(Action::RunToEnd);
        let f = d.fragment();
        assert!(f.contains("&from=51,36") && f.ends_with("&focus=right"), "{f}");
        let e = at(&f);
        assert_eq!(e.message, None);
        assert_eq!(e.fragment(), f);
        assert_eq!(e.focus, Side::Right);
        for side in Side::BOTH {
            assert_eq!(e.log(side), d.log(side));
            assert_eq!(e.panes(side), d.panes(side));
        }
        // Old links are written as they were read, byte for byte.
        for old in ["#v1/ksm/wrapped/patched/kvm,gru/step=51,36", "#v1/cow/original/patched/kvm,sleepable/step=7"] {
            assert_eq!(at(old).fragment(), old);
        }
        assert!(at(&format!("{f}&from=x")).message.unwrap().contains("`from`"));
    }

    #[test]
    fn deep_link_with_both_positions() {
        let mut d = Demo::new_default();
        d.apply(Action::Goto("write_protect_page:pte-set".into()));
        d.apply(Action::SetStep(Side::Right, d.walk.right.pos + 1));
        let f = d.fragment();
        assert!(f.contains(','), "{f}");
        let e = at(&f);
        assert_eq!((e.walk.left.pos, e.walk.right.pos), (d.walk.left.pos, d.walk.right.pos));
    }

    #[test]
    fn bad_links_show_the_nearest_view_and_say_why() {
        let d = at("#v1/ksm/wrapped/patched/kvm,gru/step=99999");
        assert!(d.walk.left.at_end());
        assert!(d.message.as_deref().unwrap().contains("past the end"));
        let d = at("#garbage");
        assert_eq!(d.fragment(), Demo::new_default().fragment());
        assert!(d.message.as_deref().unwrap().starts_with("Link: "));
        let d = at("#v1/ksm/wrapped/patched/kvm,gru/step=0,200");
        assert!(d.walk.consistent());
        assert!(d.message.as_deref().unwrap().contains("do not correspond"), "{:?}", d.message);
        let d = at("#v1/nosuch/wrapped/bogus");
        assert_eq!(d.walk.scenario.name, "ksm");
        assert!(d.message.is_some());
        // The next action clears the note.
        let mut d = d;
        d.apply(Action::StepOver);
        assert_eq!(d.message, None);
    }

    #[test]
    fn panes_show_every_part_with_marks() {
        let mut d = Demo::new_default();
        let titles: Vec<String> = d.panes(Side::Left).into_iter().map(|s| s.title).collect();
        assert_eq!(titles, ["mm (primary MMU)", "notifier list", "KVM", "SGI GRU", "pages"]);
        let kvm = &d.panes(Side::Left)[2];
        for want in ["spte", "mmu_notifier_seq", "mmu_notifier_count", "mmu_lock"] {
            assert!(kvm.items.iter().any(|i| i.label.starts_with(want)), "{want}");
        }
        let gru = &d.panes(Side::Left)[3];
        for want in ["tlb", "ms_range_active", "waiters"] {
            assert!(gru.items.iter().any(|i| i.label.starts_with(want)), "{want}");
        }
        // Something is marked changed after the first step that changes state.
        while d.panes(Side::Left).iter().all(|s| s.items.iter().all(|i| !i.changed)) {
            d.apply(Action::StepInto);
            assert!(!d.walk.left.at_end());
        }
        // A callback is shown running at some point; a difference appears at
        // some common milestone.
        let (mut running, mut differs) = (false, false);
        d.apply(Action::Restart);
        while !d.finished() {
            d.apply(Action::StepInto);
            for side in Side::BOTH {
                for s in d.panes(side) {
                    running |= s.items.iter().any(|i| i.running);
                    differs |= s.items.iter().any(|i| i.differs);
                }
            }
        }
        assert!(running && differs);
    }

    #[test]
    fn log_violations_and_summary() {
        let mut d = at("#v1/ksm/wrapped/patched/kvm,gru");
        assert_eq!(d.log(Side::Left).0, "nothing executed yet");
        d.apply(Action::StepInto);
        let (title, steps) = d.log(Side::Left);
        assert_eq!(title, "step 1");
        assert_eq!(steps.len(), 1);
        d.apply(Action::RunToEnd);
        // The log of the long move (steps 2..=len) lists, in order, its
        // steps that have events (at most the last LOG_LIMIT) and its last.
        let len = d.walk.left.len();
        let (title, steps) = d.log(Side::Left);
        assert_eq!(title, format!("steps 2–{len} ({} steps)", len - 1));
        let trace = &d.walk.left.trace;
        let want: Vec<usize> = (len.saturating_sub(LOG_LIMIT).max(1)..len)
            .filter(|&i| !trace.steps[i].events.is_empty() || i + 1 == len)
            .map(|i| i + 1)
            .collect();
        assert_eq!(steps.iter().map(|s| s.index).collect::<Vec<_>>(), want);
        assert!(want.len() > 1 && want.last() == Some(&len));
        // Some era/notifier combination raises a violation with its rule.
        let mut found = false;
        for f in ["#v1/cow/wrapped/patched/kvm,sleepable", "#v1/ksm/original/patched/gru,sleepable"] {
            let mut d = at(f);
            d.apply(Action::RunToEnd);
            for side in Side::BOTH {
                for (_, id, msg, rule) in d.violations(side) {
                    assert!(!id.is_empty() && !msg.is_empty() && !rule.is_empty());
                    found = true;
                }
            }
        }
        assert!(found, "no violation in the sample links");
        // The summary's rows are the left run's counts, grouped by the
        // registered notifiers (kvm, gru) only.
        let s = d.summary(Side::Left);
        let row = |g: &str, l: &str| s.iter().find(|r| r.0 == g && r.1 == l).map(|r| r.2.clone());
        assert_eq!(row("run", "steps"), Some(d.walk.left.len().to_string()));
        let (kvm, gru) = (NotifierId::Kvm.label(), NotifierId::Gru.label());
        assert!(row(kvm, "sptes zapped").is_some() && row(gru, "TLB flushes").is_some());
        let others: Vec<&str> =
            NotifierId::ALL.iter().filter(|n| !NotifierId::DEFAULT.contains(n)).map(|n| n.label()).collect();
        assert!(s.iter().all(|r| !others.contains(&r.0.as_str())), "{s:?}");
    }

    #[test]
    fn pickers() {
        let mut d = Demo::new_default();
        let cow = d.scenarios.iter().position(|s| s.name == "cow").unwrap();
        d.apply(Action::SetScenario(cow));
        assert_eq!(d.scenario_index(), cow);
        d.apply(Action::SetNotifier(NotifierId::Gru, false));
        d.apply(Action::SetNotifier(NotifierId::XenGntdev, true));
        assert_eq!(d.walk.notifiers, vec![NotifierId::Kvm, NotifierId::XenGntdev]);
        assert!(d.fragment().starts_with("#v1/cow/wrapped/patched/kvm,xen_gntdev/"));
        d.apply(Action::SetSemantics(Side::Right, Semantics::Original));
        assert_eq!(d.walk.right.semantics, Semantics::Original);
        assert_eq!(d.focus, Side::Right);
        d.apply(Action::Goto("nope".into()));
        assert!(d.message.as_deref().unwrap().contains("nope"));
        d.apply(Action::Goto("3".into()));
        assert_eq!(d.walk.right.pos, 3);
        d.apply(Action::OpenLink("#v1/uprobe".into()));
        assert_eq!(d.walk.scenario.name, "uprobe");
    }

    #[test]
    fn every_semantics_is_offered_and_absent_users_are_refused() {
        let mut d = Demo::new_default();
        // With the default notifiers every semantics can be picked on
        // either side, the two 2014 alternatives and v6.10 included.
        for sem in Semantics::ALL {
            assert_eq!(d.semantics_refused(sem), None, "{sem}");
        }
        d.apply(Action::SetSemantics(Side::Left, Semantics::V6_10));
        d.apply(Action::SetSemantics(Side::Right, Semantics::EventAware));
        assert_eq!((d.walk.left.semantics, d.walk.right.semantics), (Semantics::V6_10, Semantics::EventAware));
        assert!(d.fragment().starts_with("#v1/ksm/v6.10/event_aware/kvm,gru/"), "{}", d.fragment());
        assert!(d.message.as_deref().unwrap().contains("event_aware"));
        // A user absent at a side's tag is not offered, and a click on it
        // is refused with the users that do exist there.
        let absent: Vec<NotifierId> = NotifierId::ALL.into_iter().filter(|n| !n.exists_at(Semantics::V6_10)).collect();
        for n in &absent {
            let why = d.notifier_absent(*n).expect("absent at v6.10");
            assert!(why.contains(&format!("`{}`", n.id())) && why.contains("v6.10"), "{why}");
            d.apply(Action::SetNotifier(*n, true));
            assert_eq!(d.walk.notifiers, NotifierId::DEFAULT.to_vec());
            assert_eq!(d.message.as_deref(), Some(why.as_str()));
        }
        // A user is offered only where it exists at both sides' tags
        // (v6.10 left, event_aware right).
        for n in NotifierId::ALL {
            let both = n.exists_at(Semantics::V6_10) && n.exists_at(Semantics::EventAware);
            assert_eq!(d.notifier_absent(n).is_none(), both, "{n}");
        }
        // With such a user registered, the eras without it are refused.
        if let Some(n) = absent.first() {
            let mut d = Demo::new_default();
            d.apply(Action::SetNotifier(*n, true));
            assert!(d.walk.notifiers.contains(n));
            let refused: Vec<Semantics> = Semantics::ALL.into_iter().filter(|s| !n.exists_at(*s)).collect();
            for sem in &refused {
                assert!(d.semantics_refused(*sem).is_some(), "{sem}");
                d.apply(Action::SetSemantics(Side::Right, *sem));
                assert_ne!(d.walk.right.semantics, *sem);
                assert!(d.message.as_deref().unwrap().contains(&format!("`{}`", n.id())));
            }
            // [ and ] skip them.
            for _ in 0..Semantics::COUNT {
                d.apply(Action::SemanticsNext);
                assert!(!refused.contains(&d.walk.side(d.focus).semantics));
            }
        }
    }

    #[test]
    fn old_book_links_open_the_same_view() {
        // Links of the book when it had three semantics (see core's link
        // tests): the same scenario, semantics, notifiers and step.
        let d = Demo::from_fragment("#v1/uprobe/original/wrapped/kvm/step=0");
        assert_eq!((d.walk.left.semantics, d.walk.right.semantics), (Semantics::Original, Semantics::Wrapped));
        assert_eq!(d.walk.notifiers, vec![NotifierId::Kvm]);
        assert_eq!(d.fragment(), "#v1/uprobe/original/wrapped/kvm/step=0");
        // A step the right side cannot stand at without passing a
        // milestone the left has not reached: the left keeps it (the link
        // format's rule, unchanged by the new semantics).
        let d = Demo::from_fragment("#v1/ksm/wrapped/patched/kvm,gru/step=28");
        assert_eq!((d.walk.left.semantics, d.walk.right.semantics), (Semantics::Wrapped, Semantics::Patched));
        assert_eq!(d.walk.left.pos, 28);
    }

    /// The explorer's counterexample for Eran's race under the patch (`cow`,
    /// a second host writer and a GRU reader), as the link the CLI prints.
    fn cow_counterexample() -> String {
        use notifier_lab_core::checker::{self, Options};
        use notifier_lab_core::event::ViolationId;
        let s = Scenario::builtin("cow").unwrap();
        let actors = [Actor::HostWrite, Actor::GruRead];
        // The exact search, as the book runs it: the shortest schedule.
        let options = Options { reduce: false, ..Options::default() };
        let r = checker::check(&s, Semantics::Patched, &NotifierId::DEFAULT, &actors, options).unwrap();
        r.fragment(ViolationId::StaleSecondaryRead, "cow").expect("a link")
    }

    #[test]
    fn counterexample_link_shows_the_violation_and_the_banner() {
        let f = cow_counterexample();
        let mut d = at(&f);
        assert_eq!(d.message, None);
        assert_eq!(
            d.banner().as_deref(),
            Some(
                "Counterexample replay: left = the explorer's schedule (45 steps, stale_secondary_read), right = default schedule"
            )
        );
        // The link's step is the one that raises the violation.
        assert!(d.walk.left.at_end());
        let v = d.violations(Side::Left);
        assert_eq!(v.len(), 1, "{v:?}");
        let (at_step, id, msg, rule) = &v[0];
        assert_eq!((*at_step, *id), (d.walk.left.len(), "stale_secondary_read"));
        assert!(msg.starts_with("the GRU read 0x5a5a") && !rule.is_empty(), "{msg}");
        assert!(d.violations(Side::Right).is_empty());
        // The printed link names both positions: the violation step on the
        // left and, on the right (the default schedule, where the host path
        // runs first), the milestone the left side last reached. The page's
        // own link is the same and opens the same view.
        let pair = format!("/step={},{}&", d.walk.left.pos, d.walk.right.pos);
        assert!(d.walk.right.pos != d.walk.left.pos && f.contains(&pair), "{f} lacks {pair}");
        let g = d.fragment();
        assert_eq!(g, f);
        let e = at(&g);
        assert_eq!((e.walk.left.pos, e.walk.right.pos, e.banner()), (d.walk.left.pos, d.walk.right.pos, d.banner()));
        // Stepping stays in the replay, and every step has its own link.
        d.apply(Action::Restart);
        assert!(d.violations(Side::Left).is_empty());
        assert!(d.fragment().contains("/step=0&actors=host_write,gru_read&schedule=0000"), "{}", d.fragment());
        let mut n = 0;
        while !d.walk.left.at_end() {
            d.apply(Action::StepOver);
            let e = at(&d.fragment());
            assert_eq!(e.message, None, "{}", d.fragment());
            assert_eq!((e.walk.left.pos, e.walk.right.pos), (d.walk.left.pos, d.walk.right.pos));
            assert_eq!(e.banner(), d.banner());
            n += 1;
            assert!(n < 200);
        }
        assert_eq!(d.violations(Side::Left).len(), 1);
    }

    #[test]
    fn haggai_erans_link_draws_the_stale_gru_arrow_and_names_every_thread() {
        let d = at(
            "#v1/cow/patched/patched/kvm,gru/step=45,65&actors=host_write,gru_read&schedule=000000000000000000000000000000000000000000012",
        );
        assert_eq!(d.message, None);
        let svg = d.diagram(Side::Left).to_svg();
        assert!(svg.contains("data-key=\"gru tlb 0x7f0000010000\" data-class=\"stale\" data-pfn=\"0x200\""), "{svg}");
        assert!(svg.contains("data-key=\"pte 0x7f0000010000\" data-class=\"ok\" data-pfn=\"0x300\""), "{svg}");
        let t = d.timeline(Side::Left);
        let names: Vec<&str> = t.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["host", "host_write", "gru"]);
        let (sched, legend) = d.schedule_legend().expect("a replay has a legend");
        assert_eq!(sched, "schedule 0×43 1 2");
        assert!(legend.contains("0 = host, 1 = host_write, 2 = gru"), "{legend}");
        assert_eq!(at("#v1/cow/patched/patched/kvm,gru/step=4").schedule_legend(), None);
    }

    #[test]
    fn pickers_leave_the_replay_and_keep_the_actors() {
        let f = cow_counterexample();
        let mut d = at(&f);
        d.apply(Action::SetSemantics(Side::Right, Semantics::Wrapped));
        assert_eq!((d.schedule.as_ref(), d.banner()), (None, None));
        assert!(d.message.as_deref().unwrap().contains("counterexample replay closed"), "{:?}", d.message);
        assert_eq!(d.walk.actors, [Actor::HostWrite, Actor::GruRead]);
        let g = d.fragment();
        assert!(g.contains("&actors=host_write,gru_read") && !g.contains("schedule="), "{g}");
        assert_eq!(at(&g).walk.left.trace.initial.threads.len(), 3);

        let mut d = at(&f);
        d.apply(Action::SetScenario(d.scenarios.iter().position(|s| s.name == "ksm").unwrap()));
        assert_eq!((d.walk.scenario.name.as_str(), d.banner()), ("ksm", None));
        assert!(d.fragment().starts_with("#v1/ksm/patched/patched/kvm,gru/step=0&actors=host_write,gru_read"));

        // Without GRU there is no GRU reader.
        let mut d = at(&f);
        d.apply(Action::SetNotifier(NotifierId::Gru, false));
        assert_eq!((d.walk.actors.as_slice(), d.banner()), (&[Actor::HostWrite][..], None));
        let m = d.message.clone().unwrap();
        assert!(m.contains("actors left out: gru_read (needs gru)") && m.contains("replay closed"), "{m}");
        // A plain view has nothing to close.
        let mut d = Demo::new_default();
        d.apply(Action::SetSemantics(Side::Left, Semantics::Original));
        assert!(!d.message.as_deref().unwrap().contains("replay"));
    }

    #[test]
    fn counterexample_links_that_cannot_be_honoured() {
        // A thread the scenario does not have: the default schedule of the
        // same threads.
        let d = at("#v1/cow/patched/patched/kvm,gru/step=3&actors=host_write,gru_read&schedule=0009");
        let m = d.message.clone().unwrap();
        assert!(m.contains("cannot be replayed") && m.contains("step 4: the schedule picks thread 9"), "{m}");
        assert_eq!((d.schedule.as_ref(), d.banner()), (None, None));
        assert_eq!(d.walk.actors, [Actor::HostWrite, Actor::GruRead]);
        assert_eq!(d.walk.left.pos, 3);
        // Actors whose notifier is not registered: the default threads, and
        // the schedule goes with the actors.
        let d = at("#v1/cow/patched/patched/kvm/step=0&actors=gru_read&schedule=01");
        let m = d.message.clone().unwrap();
        assert!(m.contains("needs the `gru` notifier") && m.contains("schedule was ignored"), "{m}");
        assert!(d.walk.actors.is_empty() && d.schedule.is_none());
        assert_eq!(d.fragment(), "#v1/cow/patched/patched/kvm/step=0");
        // Actors alone: the default schedule with those threads.
        let f = "#v1/cow/patched/wrapped/kvm,gru/step=0&actors=host_write,host_write,gru_read";
        let d = at(f);
        assert_eq!((d.message.as_ref(), d.banner()), (None, None));
        assert_eq!(d.walk.right.trace.initial.threads.len(), 4);
        assert_eq!(d.fragment(), f);
    }
}
