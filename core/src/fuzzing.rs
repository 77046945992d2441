//! Fuzz harnesses: the functions the `fuzz/` crate's cargo-fuzz targets
//! call, kept here so that an ordinary test (`core/tests/fuzz_corpus.rs`)
//! replays every committed corpus file through the same code on stable.
//!
//! Each takes arbitrary bytes, parses them as one input format, and runs
//! the model on whatever parses, within small bounds. A harness never
//! returns an error: it may only panic, which is the finding. Pure like the
//! rest of the crate (no I/O).

use crate::checker::{self, Counterexample, Options};
use crate::link;
use crate::scenario::{BUILTIN, Scenario};
use crate::semantics::Semantics;
use crate::trace::Trace;
use crate::walk::Walk;

/// States the harnesses let the explorer store: enough to run a few depths.
const MAX_STATES: usize = 2_000;

/// A scenario file: parse it; on success run every semantics with its
/// notifiers (a trace, bounded by the model's step limit), check its
/// expectations, and explore a few thousand states with its actors.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(s) = Scenario::parse("fuzz.toml", text) else { return };
    for sem in Semantics::ALL {
        let t = Trace::run(&s, sem, &s.notifiers);
        let _ = t.to_text();
        let _ = t.to_json();
    }
    let _ = s.check_expectations();
    let options = Options { max_states: MAX_STATES, ..Options::default() };
    if let Ok(r) = checker::check(&s, Semantics::Patched, &s.notifiers, &s.actors, options) {
        let _ = r.to_text();
    }
}

/// A counterexample file: parse it; on success, when it names a built-in
/// scenario, replay it (errors are fine) and build its link.
pub fn counterexample(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(cx) = Counterexample::parse(text) else { return };
    let _ = cx.to_toml();
    let Ok(s) = Scenario::builtin(&cx.scenario) else { return };
    if cx.trace(&s).is_ok() {
        let _ = cx.fragment();
    }
}

/// A deep link: parse it (never fails), write it back, and build the walk
/// the browser demo would show for it.
pub fn link(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let names: Vec<&str> = BUILTIN.iter().map(|(n, _, _)| *n).collect();
    let parsed = link::parse(&text, &names);
    let l = parsed.link;
    let again = link::parse(&link::to_fragment(&l), &names);
    let _ = again.notes;
    let Ok(s) = Scenario::builtin(&l.scenario) else { return };
    let walk = match &l.schedule {
        Some(schedule) => Walk::replay(s, l.left, l.right, &l.notifiers, &l.actors, schedule),
        None => Walk::with_actors(s, l.left, l.right, &l.notifiers, &l.actors),
    };
    if let Ok(mut w) = walk {
        w.set_positions(l.left_step, l.right_step.unwrap_or(l.left_step));
        let _ = w.consistent();
    }
}
