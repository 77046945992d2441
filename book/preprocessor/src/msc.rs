//! Message-sequence charts drawn from a [`Trace`] as inline SVG.
//!
//! Lifelines: the scenario's host thread, the PT lock, each registered
//! notifier in list order, then any other thread (vCPU, a second host
//! writer, a GRU instruction). Each drawn event gets its own row: a
//! callback is an arrow from the thread that made it to the notifier's
//! lifeline, a guest fault an arrow from the vCPU to KVM; what a callback
//! did (spte zapped, TLB flushed...) is a note on its notifier's lifeline.
//! Rows while the PT lock is held are shaded across the whole chart.
//!
//! Colours come from `currentColor` and mdBook's CSS variables (`--fg`,
//! `--bg`, `--links`, `--quote-bg`), with fallbacks, so the chart follows
//! the light and dark themes.

use notifier_lab_core::notifier::UserEvent;
use notifier_lab_core::page::hex;
use notifier_lab_core::users::amd_iommu_v2::AmdEvent;
use notifier_lab_core::users::gru::GruEvent;
use notifier_lab_core::users::kvm::KvmEvent;
use notifier_lab_core::users::sleepable::SleepableEvent;
use notifier_lab_core::users::xen_gntdev::GntdevEvent;
use notifier_lab_core::{Event, NotifierId, Trace};

use crate::html::esc;

const ROW: f64 = 20.0;
const TOP: f64 = 46.0;
const LEFT: f64 = 40.0;
const CHAR: f64 = 6.7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    Thread(&'static str),
    Ptl,
    Notifier(NotifierId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    Plain,
    Bad,
    Good,
}

#[derive(Debug, Clone)]
enum Item {
    Arrow { from: Lane, to: Lane, label: String },
    Note { lane: Lane, text: String, tone: Tone },
    Violation(String),
}

struct Row {
    step: usize,
    first_of_step: bool,
    item: Item,
    ptl_held: bool,
}

fn rw(w: bool) -> &'static str {
    if w { "RW" } else { "R" }
}

fn thread_label(k: &str) -> &'static str {
    match k {
        "host" => "host path",
        "vcpu" => "vCPU",
        "host_write" => "host writer",
        "gru" => "GRU instruction",
        "svm" => "SVM device",
        _ => "thread",
    }
}

fn lane_label(l: Lane) -> String {
    match l {
        Lane::Thread(k) => thread_label(k).to_string(),
        Lane::Ptl => "PT lock".into(),
        Lane::Notifier(n) => n.label().to_string(),
    }
}

/// The items one event draws (none for bookkeeping events).
fn items(e: &Event, thread: &'static str, has: &dyn Fn(NotifierId) -> bool) -> Vec<Item> {
    let on = |n: NotifierId| if has(n) { Lane::Notifier(n) } else { Lane::Thread(thread) };
    let me = Lane::Thread(thread);
    let note = |lane, text: String, tone| vec![Item::Note { lane, text, tone }];
    match e {
        Event::Callback { notifier, callback, under_ptl, .. } => vec![Item::Arrow {
            from: me,
            to: on(*notifier),
            label: format!("{}{}", callback.id(), if *under_ptl { " (PTL)" } else { "" }),
        }],
        Event::PtlTaken => note(Lane::Ptl, format!("taken by {}", thread_label(thread)), Tone::Plain),
        Event::PtlReleased => note(Lane::Ptl, "released".into(), Tone::Plain),
        Event::PteCleared { .. } => note(me, "pte cleared".into(), Tone::Plain),
        Event::PteSet { pfn, writable, .. } => note(me, format!("pte → {} {}", hex(*pfn), rw(*writable)), Tone::Plain),
        Event::User(UserEvent::Kvm(KvmEvent::SpteZapped { .. })) => {
            note(on(NotifierId::Kvm), "spte zapped".into(), Tone::Bad)
        }
        Event::User(UserEvent::Kvm(KvmEvent::SpteRemapped { new_pfn, .. })) => {
            note(on(NotifierId::Kvm), format!("spte → {} R", hex(*new_pfn)), Tone::Good)
        }
        Event::User(UserEvent::Kvm(KvmEvent::ChangePteMiss { .. })) => {
            note(on(NotifierId::Kvm), "no spte: no-op".into(), Tone::Bad)
        }
        Event::User(UserEvent::Kvm(KvmEvent::SpteInstalled { pfn, writable, .. })) => {
            note(on(NotifierId::Kvm), format!("spte set {} {}", hex(*pfn), rw(*writable)), Tone::Plain)
        }
        Event::User(UserEvent::Kvm(KvmEvent::KvmCount { count })) => {
            note(on(NotifierId::Kvm), format!("count = {count}"), Tone::Plain)
        }
        Event::User(UserEvent::Kvm(KvmEvent::KvmFaultRetry { .. })) => {
            note(on(NotifierId::Kvm), "retry the fault".into(), Tone::Plain)
        }
        Event::User(UserEvent::Kvm(KvmEvent::GuestFault { write, .. })) => vec![Item::Arrow {
            from: me,
            to: on(NotifierId::Kvm),
            label: format!("EPT violation ({})", if *write { "write" } else { "read" }),
        }],
        Event::User(UserEvent::Kvm(KvmEvent::GuestAccess { pfn, write, value, .. })) => note(
            me,
            format!("{} {} @{}", if *write { "wrote" } else { "read" }, hex(u64::from(*value)), hex(*pfn)),
            Tone::Plain,
        ),
        Event::UserWrite { pfn, value, .. } => {
            note(me, format!("store {} @{}", hex(u64::from(*value)), hex(*pfn)), Tone::Plain)
        }
        Event::User(UserEvent::Gru(GruEvent::GruAccess { pfn, write, value, .. })) => note(
            me,
            format!("{} {} @{}", if *write { "wrote" } else { "read" }, hex(u64::from(*value)), hex(*pfn)),
            Tone::Plain,
        ),
        Event::User(UserEvent::Gru(GruEvent::GruTlbDropin { pfn, writable, .. })) => {
            note(on(NotifierId::Gru), format!("TLB ← {} {}", hex(*pfn), rw(*writable)), Tone::Plain)
        }
        Event::User(UserEvent::Gru(GruEvent::GruTlbFlush { dropped })) => {
            note(on(NotifierId::Gru), format!("TLB flush ({dropped} dropped)"), Tone::Plain)
        }
        Event::User(UserEvent::Gru(GruEvent::GruRangeActive { value })) => {
            note(on(NotifierId::Gru), format!("range_active = {value}"), Tone::Plain)
        }
        Event::User(UserEvent::Gru(GruEvent::GruWakeUpAll { woken })) => {
            note(on(NotifierId::Gru), format!("wake_up_all ({woken} woken)"), Tone::Plain)
        }
        Event::User(UserEvent::AmdIommuV2(AmdEvent::AmdFlushPage)) => {
            note(on(NotifierId::AmdIommuV2), "1-page flush".into(), Tone::Plain)
        }
        Event::User(UserEvent::AmdIommuV2(AmdEvent::AmdSetGcr3 { empty })) => {
            note(on(NotifierId::AmdIommuV2), format!("GCR3 → {}", if *empty { "empty" } else { "pgd" }), Tone::Plain)
        }
        Event::User(UserEvent::XenGntdev(GntdevEvent::GntdevUnmap { unmapped })) => {
            note(on(NotifierId::XenGntdev), format!("unmap {unmapped} map(s)"), Tone::Plain)
        }
        Event::User(UserEvent::Sleepable(SleepableEvent::MightSleep { notifier, atomic_because })) => note(
            on(*notifier),
            if atomic_because.is_empty() { "mutex_lock".into() } else { "sleeps in atomic!".into() },
            if atomic_because.is_empty() { Tone::Plain } else { Tone::Bad },
        ),
        Event::Violation(v) => vec![Item::Violation(format!("VIOLATION {}", v.id.id()))],
        _ => Vec::new(),
    }
}

/// The chart of steps `f..=l` (1-based, inclusive) of `t`.
pub fn svg(t: &Trace, f: usize, l: usize) -> String {
    let has = |n: NotifierId| t.notifiers.contains(&n);
    let mut rows: Vec<Row> = Vec::new();
    let mut held = t.state_at(f.saturating_sub(1)).ptl.holder.is_some();
    let mut threads: Vec<&'static str> = Vec::new();
    for i in f.saturating_sub(1)..l.min(t.steps.len()) {
        let s = &t.steps[i];
        let mut first = true;
        for e in &s.events {
            for item in items(e, s.thread_kind, &has) {
                if !threads.contains(&s.thread_kind) {
                    threads.push(s.thread_kind);
                }
                if matches!(e, Event::PtlTaken) {
                    held = true;
                }
                rows.push(Row { step: i + 1, first_of_step: first, item, ptl_held: held });
                first = false;
                if matches!(e, Event::PtlReleased) {
                    held = false;
                }
            }
        }
    }
    // Lanes: the host thread, the PT lock, the notifiers, other threads.
    let mut lanes = vec![Lane::Thread("host"), Lane::Ptl];
    lanes.extend(t.notifiers.iter().map(|n| Lane::Notifier(*n)));
    for k in threads {
        if k != "host" {
            lanes.push(Lane::Thread(k));
        }
    }
    // Lane widths from the longest label or note drawn on them.
    let mut width: Vec<f64> = lanes.iter().map(|l| lane_label(*l).chars().count() as f64 * CHAR + 16.0).collect();
    for r in &rows {
        if let Item::Note { lane, text, .. } = &r.item
            && let Some(i) = lanes.iter().position(|x| x == lane)
        {
            width[i] = width[i].max(text.chars().count() as f64 * CHAR + 14.0);
        }
    }
    let width: Vec<f64> = width.into_iter().map(|w| w.max(96.0)).collect();
    let mut xs = Vec::new();
    let mut x = LEFT;
    for w in &width {
        xs.push(x + w / 2.0);
        x += w + 8.0;
    }
    let total_w = x + 4.0;
    let lane_x = |l: Lane| lanes.iter().position(|x| *x == l).map(|i| xs[i]).unwrap_or(xs[0]);
    let h = TOP + rows.len() as f64 * ROW + 14.0;
    let title = format!(
        "Message-sequence chart: {} under {} ({}), notifiers {}, steps {f} to {l}",
        t.scenario,
        t.semantics.id(),
        t.semantics.tag(),
        t.notifiers.iter().map(|n| n.id()).collect::<Vec<_>>().join(",")
    );
    let mut o = String::new();
    o.push_str(&format!(
        "<div class=\"nl nl-msc\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {total_w:.0} {h:.0}\" width=\"{total_w:.0}\" role=\"img\" style=\"max-width:100%;height:auto;color:var(--fg, currentColor)\" font-family=\"ui-monospace, SFMono-Regular, Menlo, Consolas, monospace\" font-size=\"11\">\n"
    ));
    o.push_str(&format!("<title>{}</title>\n", esc(&title)));
    // PT lock held: shaded bands behind everything.
    let mut i = 0;
    while i < rows.len() {
        if rows[i].ptl_held {
            let j = (i..rows.len()).find(|&j| !rows[j].ptl_held).unwrap_or(rows.len());
            let y0 = TOP + i as f64 * ROW;
            let hh = (j - i) as f64 * ROW;
            o.push_str(&format!(
                "<rect x=\"{LEFT}\" y=\"{y0:.1}\" width=\"{:.1}\" height=\"{hh:.1}\" style=\"fill:var(--quote-bg, rgba(128,128,128,0.16))\"/>\n",
                total_w - LEFT - 4.0
            ));
            let px = lane_x(Lane::Ptl);
            o.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{y0:.1}\" width=\"10\" height=\"{hh:.1}\" fill=\"currentColor\" opacity=\"0.55\"><title>PT lock held</title></rect>\n",
                px - 5.0
            ));
            i = j;
        } else {
            i += 1;
        }
    }
    // Headers and lifelines.
    for (k, l) in lanes.iter().enumerate() {
        let (cx, w) = (xs[k], width[k]);
        o.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"6\" width=\"{w:.1}\" height=\"24\" rx=\"4\" fill=\"none\" stroke=\"currentColor\"/>\n",
            cx - w / 2.0
        ));
        o.push_str(&format!(
            "<text x=\"{cx:.1}\" y=\"22\" text-anchor=\"middle\" fill=\"currentColor\" font-weight=\"bold\">{}</text>\n",
            esc(&lane_label(*l))
        ));
        o.push_str(&format!(
            "<line x1=\"{cx:.1}\" y1=\"30\" x2=\"{cx:.1}\" y2=\"{:.1}\" stroke=\"currentColor\" stroke-dasharray=\"3 3\" opacity=\"0.6\"/>\n",
            h - 6.0
        ));
    }
    o.push_str(&format!("<text x=\"4\" y=\"{:.1}\" fill=\"currentColor\" opacity=\"0.7\">step</text>\n", TOP - 4.0));
    for (r_i, r) in rows.iter().enumerate() {
        let y = TOP + r_i as f64 * ROW + ROW / 2.0;
        if r.first_of_step {
            o.push_str(&format!(
                "<text x=\"4\" y=\"{:.1}\" fill=\"currentColor\" opacity=\"0.7\">{}</text>\n",
                y + 4.0,
                r.step
            ));
        }
        match &r.item {
            Item::Arrow { from, to, label } => {
                let (x1, x2) = (lane_x(*from), lane_x(*to));
                let dir = if x2 >= x1 { 1.0 } else { -1.0 };
                let tip = x2 - dir * 2.0;
                o.push_str(&format!(
                    "<line x1=\"{x1:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" style=\"stroke:var(--links, currentColor)\" stroke-width=\"1.5\"/>\n",
                    tip - dir * 6.0
                ));
                o.push_str(&format!(
                    "<polygon points=\"{tip:.1},{y:.1} {:.1},{:.1} {:.1},{:.1}\" style=\"fill:var(--links, currentColor)\"/>\n",
                    tip - dir * 8.0,
                    y - 4.0,
                    tip - dir * 8.0,
                    y + 4.0
                ));
                let lx = x1 + dir * 8.0;
                let anchor = if dir > 0.0 { "start" } else { "end" };
                o.push_str(&format!(
                    "<text x=\"{lx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"currentColor\">{}</text>\n",
                    y - 3.0,
                    esc(label)
                ));
            }
            Item::Note { lane, text, tone } => {
                let cx = lane_x(*lane);
                let w = text.chars().count() as f64 * CHAR + 10.0;
                let stroke = match tone {
                    Tone::Plain => "currentColor",
                    Tone::Bad => "#d9480f",
                    Tone::Good => "#2b8a3e",
                };
                o.push_str(&format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"16\" rx=\"3\" style=\"fill:var(--bg, Canvas)\" stroke=\"{stroke}\"/>\n",
                    cx - w / 2.0,
                    y - 8.0
                ));
                o.push_str(&format!(
                    "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>\n",
                    y + 4.0,
                    esc(text)
                ));
            }
            Item::Violation(text) => {
                o.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#d9480f\" font-weight=\"bold\">{}</text>\n",
                    LEFT + 4.0,
                    y + 4.0,
                    esc(text)
                ));
            }
        }
    }
    o.push_str("</svg></div>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use notifier_lab_core::{Scenario, Semantics};

    fn chart(sc: &str, sem: Semantics, ns: &[NotifierId]) -> String {
        let s = Scenario::builtin(sc).unwrap();
        let t = Trace::run(&s, sem, ns);
        svg(&t, 1, t.steps.len())
    }

    #[test]
    fn charts_are_well_formed_svg_with_theme_colours() {
        for sc in ["ksm", "cow", "uprobe"] {
            for sem in Semantics::ALL {
                let h = chart(sc, sem, &NotifierId::ALL);
                let inner = h.trim_start_matches("<div class=\"nl nl-msc\">").trim_end_matches("</div>");
                let doc = roxmltree::Document::parse(inner).unwrap_or_else(|e| panic!("{sc} {sem}: {e}"));
                assert_eq!(doc.root_element().tag_name().name(), "svg");
                assert!(inner.contains("currentColor") && inner.contains("var(--links"));
                assert!(!h.contains("\n\n"));
            }
        }
    }

    #[test]
    fn wrapped_ksm_chart_shows_the_zap_before_change_pte() {
        let h = chart("ksm", Semantics::Wrapped, &[NotifierId::Kvm, NotifierId::Gru]);
        let zap = h.find("spte zapped").unwrap();
        let cp = h.find("change_pte (PTL)").unwrap();
        assert!(zap < cp, "range_start's zap is drawn before change_pte");
        assert!(h.contains("no spte: no-op"));
        assert!(h.contains("EPT violation (read)"));
        assert!(h.contains("PT lock held"));
        let p = chart("ksm", Semantics::Patched, &[NotifierId::Kvm, NotifierId::Gru]);
        assert!(p.contains("spte → 0x100 R"));
    }
}
