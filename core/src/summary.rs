//! What a run did, counted from its events: callback calls per notifier
//! (and how many under the PT lock), each notifier user's own counters
//! (declared as data in its module), steps, why the run stopped, and its
//! violations. It depends on events alone, so that a scenario file's
//! `[[expect]]` keys can be checked against its shape without running
//! anything.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::event::{Event, Violation};
use crate::notifier::{Callback, NotifierId};
use crate::semantics::Semantics;

/// Counts a run produced, computed from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Registered notifiers.
    pub notifiers: Vec<NotifierId>,
    /// Callback invocations per notifier.
    pub calls: BTreeMap<NotifierId, BTreeMap<Callback, u32>>,
    /// Of those, made while the PT lock was held.
    pub calls_under_ptl: BTreeMap<NotifierId, BTreeMap<Callback, u32>>,
    /// Every user's counters (registered or not), in the order of
    /// [`NotifierId::counters`], which says what each one counts.
    pub counters: BTreeMap<NotifierId, Vec<i64>>,
    /// Steps executed.
    pub steps: usize,
    /// Why the run stopped early (deadlock, step limit), if it did.
    pub stopped: Option<String>,
    /// Every violation, in order, deduplicated.
    pub violations: Vec<Violation>,
}

/// One counter of a [`Summary`], for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterRow {
    /// JSON key (`sptes_zapped`).
    pub key: &'static str,
    /// Display label (`sptes zapped`).
    pub label: &'static str,
    /// Its value.
    pub value: i64,
}

impl Summary {
    /// Computes the summary of a run's `events` (`steps` statements) for
    /// `notifiers` under `semantics` (whose ops tables give the callbacks
    /// counted, zero or not).
    pub fn from_events<'a>(
        semantics: Semantics,
        notifiers: &[NotifierId],
        events: impl IntoIterator<Item = &'a Event>,
        steps: usize,
        stopped: Option<String>,
    ) -> Summary {
        let mut s = Summary {
            notifiers: notifiers.to_vec(),
            calls: BTreeMap::new(),
            calls_under_ptl: BTreeMap::new(),
            counters: NotifierId::ALL.into_iter().map(|n| (n, vec![0; n.counters().len()])).collect(),
            steps,
            stopped,
            violations: Vec::new(),
        };
        for n in notifiers {
            let zero: BTreeMap<Callback, u32> = n.ops(semantics).list().into_iter().map(|c| (c, 0)).collect();
            s.calls.insert(*n, zero.clone());
            s.calls_under_ptl.insert(*n, zero);
        }
        for e in events {
            match e {
                Event::Callback { notifier, callback, under_ptl, .. } => {
                    *s.calls.entry(*notifier).or_default().entry(*callback).or_default() += 1;
                    if *under_ptl {
                        *s.calls_under_ptl.entry(*notifier).or_default().entry(*callback).or_default() += 1;
                    }
                }
                Event::User(u) => u.count(&mut s.counters),
                Event::Violation(v) if !s.violations.contains(v) => s.violations.push(v.clone()),
                _ => {}
            }
        }
        s
    }

    /// Notifier `n`'s counters with their labels, in display order.
    pub fn counter_rows(&self, n: NotifierId) -> Vec<CounterRow> {
        let values = self.counters.get(&n);
        n.counters()
            .into_iter()
            .enumerate()
            .map(|(i, (key, label))| CounterRow {
                key,
                label,
                value: values.and_then(|v| v.get(i)).copied().unwrap_or(0),
            })
            .collect()
    }

    /// The value of notifier `n`'s counter `key` (`sptes_zapped`).
    pub fn counter(&self, n: NotifierId, key: &str) -> Option<i64> {
        self.counter_rows(n).into_iter().find(|r| r.key == key).map(|r| r.value)
    }

    fn calls_json(m: &BTreeMap<NotifierId, BTreeMap<Callback, u32>>) -> Value {
        let mut out = serde_json::Map::new();
        for (n, cbs) in m {
            let mut inner = serde_json::Map::new();
            for (c, k) in cbs {
                inner.insert(c.id().to_string(), json!(k));
            }
            out.insert(n.id().to_string(), Value::Object(inner));
        }
        Value::Object(out)
    }

    /// The `summary` object of the trace JSON: calls, then one object of
    /// counters per user (every user, registered or not).
    pub fn to_json(&self) -> Value {
        let mut o = serde_json::Map::new();
        o.insert("calls".into(), Summary::calls_json(&self.calls));
        o.insert("calls_under_ptl".into(), Summary::calls_json(&self.calls_under_ptl));
        for n in NotifierId::ALL {
            let counters = self.counter_rows(n).into_iter().map(|r| (r.key.to_string(), json!(r.value))).collect();
            o.insert(n.id().into(), Value::Object(counters));
        }
        o.insert("steps".into(), json!(self.steps));
        o.insert("stopped".into(), json!(self.stopped));
        o.insert(
            "violations".into(),
            self.violations.iter().map(|v| json!({"id": v.id.id(), "message": v.message})).collect(),
        );
        Value::Object(o)
    }

    /// The summary JSON shape for a notifier set (all counters zero); used to
    /// validate the keys of `[[expect]]` tables.
    pub fn shape(semantics: Semantics, notifiers: &[NotifierId]) -> Value {
        Summary::from_events(semantics, notifiers, [], 0, None).to_json()
    }
}
