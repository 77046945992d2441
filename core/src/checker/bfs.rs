//! Breadth-first search over interleavings.
//!
//! Memory: for every distinct state, one map entry `fingerprint ->
//! (parent fingerprint, thread)` (24 bytes of payload); full [`Machine`]s
//! only for the frontier, which BFS keeps one level deep at most plus the
//! next level being built. A successor's fingerprint is computed once and
//! travels with it through the queue.
//!
//! Shortest counterexamples: states are expanded in order of their depth,
//! so the first transition raising a violation id starts from a state of
//! minimal depth, and the parent chain of that state is a shortest path to
//! it (each state's parent is the first one that reached it).

use std::collections::{HashMap, VecDeque};

use super::{BuildIdHasher, Found, Options, Report, fingerprint};
use crate::event::Event;
use crate::machine::{Machine, StepOutcome, ThreadId};

/// Marks the initial state in the parent map.
const ROOT: u8 = u8::MAX;

/// Parent pointers: fingerprint -> (parent fingerprint, thread that ran).
pub type Parents = HashMap<u64, (u64, u8), BuildIdHasher>;

/// The schedule that reaches `fp` from the initial state.
pub fn schedule_to(parents: &Parents, mut fp: u64) -> Vec<ThreadId> {
    let mut out = Vec::new();
    while let Some(&(parent, t)) = parents.get(&fp) {
        if t == ROOT {
            break;
        }
        out.push(ThreadId(t));
        fp = parent;
    }
    out.reverse();
    out
}

/// Explores every state reachable from `initial`; see the module docs.
/// The report's `scenario` and `actors` are left for the caller to fill.
pub fn explore(initial: Machine, options: Options) -> Report {
    let threads = initial.threads.iter().map(|t| t.kind.id()).collect();
    let semantics = initial.semantics;
    let notifiers = initial.notifier_ids();
    let mut parents: Parents = HashMap::with_capacity_and_hasher(1 << 16, BuildIdHasher::default());
    let fp0 = fingerprint(&initial);
    parents.insert(fp0, (fp0, ROOT));
    let mut queue: VecDeque<(Machine, u64, u32)> = VecDeque::new();
    queue.push_back((initial, fp0, 0));
    let mut found: Vec<Found> = Vec::new();
    let mut deadlock = None;
    let (mut states, mut transitions, mut terminal, mut max_depth) = (1u64, 0u64, 0u64, 0u32);
    let mut complete = true;
    'search: while let Some((m, fp, depth)) = queue.pop_front() {
        max_depth = max_depth.max(depth);
        let runnable = m.runnable();
        if runnable.is_empty() {
            if m.all_done() {
                terminal += 1;
            } else if deadlock.is_none() {
                deadlock = Some(schedule_to(&parents, fp));
            }
            continue;
        }
        let last = runnable.len() - 1;
        let mut m = Some(m);
        for (i, &t) in runnable.iter().enumerate() {
            // The last successor takes the state itself: one clone fewer.
            let mut next = if i == last { m.take().unwrap_or_else(|| unreachable!()) } else { clone_of(&m) };
            let StepOutcome::Ran(x) = next.step(t) else {
                continue;
            };
            transitions += 1;
            states += 1;
            for e in &x.events {
                if let Event::Violation(v) = e
                    && !found.iter().any(|f| f.id == v.id)
                {
                    let mut schedule = schedule_to(&parents, fp);
                    schedule.push(t);
                    found.push(Found { id: v.id, message: v.message.clone(), schedule });
                }
            }
            let nfp = fingerprint(&next);
            if let std::collections::hash_map::Entry::Vacant(slot) = parents.entry(nfp) {
                slot.insert((fp, t.0));
                queue.push_back((next, nfp, depth + 1));
                if parents.len() >= options.max_states {
                    complete = false;
                    break 'search;
                }
            }
        }
    }
    found.sort_by_key(|f| f.id);
    Report {
        scenario: String::new(),
        semantics,
        notifiers,
        actors: Vec::new(),
        threads,
        states,
        distinct_states: parents.len() as u64,
        transitions,
        max_depth,
        terminal_states: terminal,
        complete,
        violations: found,
        deadlock,
    }
}

fn clone_of(m: &Option<Machine>) -> Machine {
    match m {
        Some(m) => m.clone(),
        None => unreachable!("only the last successor takes the state"),
    }
}
