//! v4.15 against v3.13 (`wrapped`): every milestone of the three paths has
//! a counterpart (wp_page_copy keeps do_wp_page's milestone names, and
//! ptep_clear_flush_notify marks its caller's `pte-cleared`), and with the
//! default notifiers (KVM, GRU, neither of which has `invalidate_range`)
//! the states agree at each of them: 0f10851ea475 and 4645b9fe84bf changed
//! only when `invalidate_range` users are flushed.

use notifier_lab_core::compare::compare;
use notifier_lab_core::{Scenario, Semantics};

#[test]
fn v4_15_lines_up_with_wrapped_at_every_milestone() {
    for s in Scenario::all_builtin() {
        let c = compare(&s, Semantics::Wrapped, Semantics::V4_15, &s.notifiers);
        assert!(c.rows.len() >= 6, "{}: {} rows", s.name, c.rows.len());
        for r in &c.rows {
            assert!(r.left_step.is_some() && r.right_step.is_some(), "{}: {} on one side only", s.name, r.milestone);
            assert!(r.diffs.is_empty(), "{}: {} differs: {:?}", s.name, r.milestone, r.diffs);
        }
        let names: Vec<&str> = c.rows.iter().map(|r| r.milestone.as_str()).collect();
        for m in ["ptl-taken", "pte-cleared", "pte-set", "ptl-released"] {
            assert!(names.iter().any(|n| n.ends_with(m)), "{}: no {m} in {names:?}", s.name);
        }
    }
}
