//! The mapping diagram: who maps which page, drawn the same way by every
//! face (an SVG in the browser demo and the book, text rows in the
//! terminal). Computed from a [`Machine`] and the state before the last
//! move; pure (string building only).
//!
//! Each arrow is a translation: the process's pte for the scenario's
//! address, and every secondary mapping a registered user reports
//! ([`crate::users::Mapping`], so a new user appears without touching this
//! file). Each is classified against the primary pte: a secondary mapping
//! is **stale** when it maps another page than the present pte does,
//! **writable when it should not be** when it is writable while the pte is
//! read-only or absent, and maps a **freed page** when its page has been
//! freed.

use serde::Serialize;

use crate::machine::Machine;
use crate::notifier::NotifierId;
use crate::page::{Pfn, hex};
use crate::users::{Mapping, UserLock};
use crate::walk::{Side, Walk};

/// How an arrow stands against the primary page table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Consistent with the primary pte.
    Ok,
    /// No entry.
    None,
    /// Maps a page the process no longer maps.
    Stale,
    /// Writable while the primary pte is read-only or absent.
    Writable,
    /// Maps a freed page.
    Freed,
}

impl Class {
    /// A broken rule (drawn in the violation colour).
    pub fn is_violation(self) -> bool {
        matches!(self, Class::Stale | Class::Writable | Class::Freed)
    }

    /// `stale`, `writable`, `freed page`.
    pub fn word(self) -> &'static str {
        match self {
            Class::Ok => "ok",
            Class::None => "none",
            Class::Stale => "stale",
            Class::Writable => "writable when it should not be",
            Class::Freed => "freed page",
        }
    }
}

/// One translation: a pte or a secondary mapping, and the page it maps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Arrow {
    /// The state view's key (`pte 0x7f0000010000`, `kvm spte gfn 0x10`).
    pub key: String,
    /// Who holds it (`process`, or the user's short name: `KVM`, `GRU`).
    pub owner: String,
    /// The user, for a secondary mapping.
    pub user: Option<NotifierId>,
    /// What it translates (`pte 0x7f0000010000`, `spte gfn 0x10`).
    pub label: String,
    /// The page it maps.
    pub pfn: Option<Pfn>,
    /// Writable.
    pub writable: bool,
    /// Its classification.
    pub class: Class,
    /// Why it is a violation (`the process maps 0x300`).
    pub reason: Option<String>,
    /// Changed by the last move.
    pub changed: bool,
}

impl Arrow {
    /// `0x300 R`, `0x200 RW`, `none`.
    pub fn target(&self) -> String {
        match self.pfn {
            Some(p) => format!("{} {}", hex(p), if self.writable { "RW" } else { "R" }),
            None => "none".into(),
        }
    }
}

/// A page box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageBox {
    /// Its pfn.
    pub pfn: Pfn,
    /// The scenario's name for it (`page`, `kpage`).
    pub name: String,
    /// Freed (or not yet allocated).
    pub free: bool,
    /// Changed by the last move (freed, allocated).
    pub changed: bool,
}

/// A lock and its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockRow {
    /// `PT lock`, `kvm->mmu_lock`.
    pub name: String,
    /// The holding thread's name.
    pub holder: Option<String>,
    /// Changed by the last move.
    pub changed: bool,
}

/// The mapping diagram of one state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagram {
    /// The primary ptes (normally the scenario's one address).
    pub ptes: Vec<Arrow>,
    /// Every registered user's secondary mappings, in list order.
    pub secondaries: Vec<Arrow>,
    /// Users registered that keep no mapping of their own (they are
    /// named, so the diagram says why they have no arrow).
    pub without_mappings: Vec<String>,
    /// The pages.
    pub pages: Vec<PageBox>,
    /// The PT lock and each user's locks.
    pub locks: Vec<LockRow>,
}

fn thread_name(m: &Machine, t: Option<u8>) -> Option<String> {
    t.and_then(|t| m.threads.get(usize::from(t))).map(|th| th.kind.id().to_string())
}

fn user_mappings(m: &Machine) -> Vec<(NotifierId, Vec<Mapping>)> {
    m.notifiers
        .iter()
        .map(|n| {
            let mut v = Vec::new();
            n.mappings(m, &mut v);
            (n.id(), v)
        })
        .collect()
}

fn locks(m: &Machine) -> Vec<(String, Option<String>)> {
    let mut out = vec![("PT lock".to_string(), thread_name(m, m.ptl.holder.map(|t| t.0)))];
    for n in &m.notifiers {
        let mut v: Vec<UserLock> = Vec::new();
        n.locks(&mut v);
        out.extend(v.into_iter().map(|l| (l.name.to_string(), thread_name(m, l.holder))));
    }
    out
}

/// The diagram of `m`; `before` (the state before the last move) marks
/// what changed.
pub fn diagram(m: &Machine, before: Option<&Machine>) -> Diagram {
    let page_free = |m: &Machine, pfn: Pfn| m.page(pfn).is_some_and(|p| p.free);
    let primary = m.pte(m.host.addr);
    let ptes: Vec<Arrow> = m
        .ptes
        .iter()
        .map(|(addr, pte)| {
            let pfn = pte.present.then_some(pte.pfn);
            let freed = pfn.is_some_and(|p| page_free(m, p));
            let was = before.map(|b| b.pte(*addr));
            Arrow {
                key: format!("pte {}", hex(*addr)),
                owner: "process".into(),
                user: None,
                label: format!("pte {}", hex(*addr)),
                pfn,
                writable: pte.present && pte.writable,
                class: if freed {
                    Class::Freed
                } else if pfn.is_some() {
                    Class::Ok
                } else {
                    Class::None
                },
                reason: freed.then(|| "the page has been freed".to_string()),
                changed: was.is_some_and(|w| w != *pte),
            }
        })
        .collect();
    let old = before.map(user_mappings).unwrap_or_default();
    let mut secondaries = Vec::new();
    let mut without_mappings = Vec::new();
    for (id, maps) in user_mappings(m) {
        if maps.is_empty() {
            without_mappings.push(id.label().to_string());
        }
        for mp in maps {
            let present = primary.present.then_some(primary.pfn);
            let (class, reason) = match mp.pfn {
                None => (Class::None, None),
                Some(p) if page_free(m, p) => (Class::Freed, Some(format!("page {} has been freed", hex(p)))),
                Some(_) if mp.writable && !(primary.present && primary.writable) => (
                    Class::Writable,
                    Some(match present {
                        Some(_) => "writable while the pte is read-only".to_string(),
                        None => "writable while the pte is absent".to_string(),
                    }),
                ),
                Some(p) if present != Some(p) => (
                    Class::Stale,
                    Some(match present {
                        Some(q) => format!("the process maps {}", hex(q)),
                        None => "the process maps no page there".to_string(),
                    }),
                ),
                Some(_) => (Class::Ok, None),
            };
            let changed = before.is_some()
                && !old
                    .iter()
                    .flat_map(|(_, v)| v)
                    .any(|o| o.key == mp.key && o.pfn == mp.pfn && o.writable == mp.writable);
            secondaries.push(Arrow {
                key: mp.key,
                owner: id.info().short.to_string(),
                user: Some(id),
                label: mp.label,
                pfn: mp.pfn,
                writable: mp.writable,
                class,
                reason,
                changed,
            });
        }
    }
    let pages = m
        .pages
        .iter()
        .map(|p| PageBox {
            pfn: p.pfn,
            name: p.name.to_string(),
            free: p.free,
            changed: before.and_then(|b| b.page(p.pfn)).is_some_and(|q| q.free != p.free),
        })
        .collect();
    let was_locks = before.map(locks);
    let locks = locks(m)
        .into_iter()
        .map(|(name, holder)| LockRow {
            changed: was_locks.as_ref().is_some_and(|w| w.iter().any(|(n, h)| *n == name && *h != holder)),
            name,
            holder,
        })
        .collect();
    Diagram { ptes, secondaries, without_mappings, pages, locks }
}

/// The diagram of `side` where it stands, marking what its last move
/// changed.
pub fn of_side(walk: &Walk, side: Side) -> Diagram {
    let s = walk.side(side);
    let before = (s.pos > 0).then(|| s.state_at(s.last_move().start));
    diagram(s.machine(), before)
}

impl Diagram {
    /// Every arrow: the ptes, then the secondary mappings.
    pub fn arrows(&self) -> impl Iterator<Item = &Arrow> {
        self.ptes.iter().chain(&self.secondaries)
    }

    /// The arrows that break a rule.
    pub fn violations(&self) -> impl Iterator<Item = &Arrow> {
        self.arrows().filter(|a| a.class.is_violation())
    }

    /// The diagram in words, for an `aria-label`: "Mapping diagram: pte
    /// 0x7f0000010000 → page 0x300; KVM spte gfn 0x10 → page 0x200
    /// (stale: the process maps 0x300); GRU TLB 0x7f0000010000 → none;
    /// PT lock free".
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self
            .arrows()
            .map(|a| {
                let who = if a.user.is_some() { format!("{} {}", a.owner, a.label) } else { a.label.clone() };
                let to = match a.pfn {
                    Some(p) => format!("page {}{}", hex(p), if a.writable { " writable" } else { "" }),
                    None => "none".into(),
                };
                match &a.reason {
                    Some(r) => format!("{who} → {to} ({}: {r})", a.class.word()),
                    None => format!("{who} → {to}"),
                }
            })
            .collect();
        for l in &self.locks {
            parts.push(match &l.holder {
                Some(h) => format!("{} held by {h}", l.name),
                None => format!("{} free", l.name),
            });
        }
        format!("Mapping diagram: {}", parts.join("; "))
    }

    /// Text rows for a terminal: one per arrow, then the locks.
    pub fn rows(&self) -> Vec<DiagramRow> {
        let mut out: Vec<DiagramRow> = self
            .arrows()
            .map(|a| {
                let who = if a.user.is_some() { format!("{} {}", a.owner, a.label) } else { a.label.clone() };
                let page = a.pfn.and_then(|p| self.pages.iter().find(|b| b.pfn == p));
                let to = match page {
                    Some(b) => format!("{} {}{}", a.target(), b.name, if b.free { " (free)" } else { "" }),
                    None => a.target(),
                };
                DiagramRow {
                    from: who,
                    to,
                    note: a.reason.as_ref().map(|r| format!("✗ {}: {r}", a.class.word())),
                    class: a.class,
                    changed: a.changed,
                }
            })
            .collect();
        for n in &self.without_mappings {
            out.push(DiagramRow {
                from: n.clone(),
                to: "(walks the process page table)".into(),
                note: None,
                class: Class::None,
                changed: false,
            });
        }
        let locks: Vec<String> =
            self.locks.iter().map(|l| format!("{}: {}", l.name, l.holder.as_deref().unwrap_or("free"))).collect();
        out.push(DiagramRow {
            from: "locks".into(),
            to: locks.join("  "),
            note: None,
            class: Class::Ok,
            changed: self.locks.iter().any(|l| l.changed),
        });
        out
    }

    /// The diagram as an SVG element (boxes and arrows), with `role="img"`
    /// and the [`Diagram::summary`] as its `aria-label`.
    pub fn to_svg(&self) -> String {
        const W: i32 = 580;
        const ROW: i32 = 40;
        const LX: i32 = 8;
        const LW: i32 = 262;
        const PX: i32 = 380;
        const PW: i32 = 192;
        let arrows: Vec<&Arrow> = self.arrows().collect();
        let left_rows = arrows.len() as i32;
        let page_rows = self.pages.len() as i32;
        let rows = left_rows.max(page_rows).max(1);
        let top = 22;
        let lock_y = top + rows * ROW + 8;
        let h = lock_y + 20 + 18 * self.without_mappings.len() as i32;
        let mut s = String::new();
        s.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"nl-diagram\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" font-family=\"monospace\" font-size=\"12\">",
            esc(&self.summary())
        ));
        s.push_str("<title>mapping diagram</title>");
        s.push_str(&format!(
            "<text x=\"{LX}\" y=\"14\" font-weight=\"bold\">mappings</text><text x=\"{PX}\" y=\"14\" font-weight=\"bold\">pages</text>"
        ));
        let page_y =
            |pfn: Pfn| self.pages.iter().position(|p| p.pfn == pfn).map(|i| top + i as i32 * ROW + (ROW - 8) / 2);
        for (i, p) in self.pages.iter().enumerate() {
            let y = top + i as i32 * ROW;
            let fill = if p.free {
                "#eeeeee"
            } else if p.changed {
                "#fff3c4"
            } else {
                "#ffffff"
            };
            s.push_str(&format!(
                "<g class=\"page{}\" data-pfn=\"{}\"><rect x=\"{PX}\" y=\"{y}\" width=\"{PW}\" height=\"{}\" rx=\"4\" fill=\"{fill}\" stroke=\"#555\"{}/><text x=\"{}\" y=\"{}\">page {} {}{}</text></g>",
                if p.free { " freed" } else { "" },
                hex(p.pfn),
                ROW - 8,
                if p.free { " stroke-dasharray=\"4 2\"" } else { "" },
                PX + 6,
                y + 20,
                hex(p.pfn),
                esc(&p.name),
                if p.free { " (free)" } else { "" }
            ));
        }
        for (i, a) in arrows.iter().enumerate() {
            let y = top + i as i32 * ROW;
            let colour = colour(a.class);
            let fill = if a.changed { "#fff3c4" } else { "#f7f7ff" };
            let who = if a.user.is_some() { format!("{} {}", a.owner, a.label) } else { a.label.clone() };
            s.push_str(&format!(
                "<g class=\"arrow {}{}\" data-key=\"{}\" data-class=\"{}\"{}>",
                class_name(a.class),
                if a.changed { " changed" } else { "" },
                esc(&a.key),
                class_name(a.class),
                a.pfn.map(|p| format!(" data-pfn=\"{}\"", hex(p))).unwrap_or_default()
            ));
            s.push_str(&format!(
                "<rect x=\"{LX}\" y=\"{y}\" width=\"{LW}\" height=\"{}\" rx=\"4\" fill=\"{fill}\" stroke=\"{colour}\"{}/>",
                ROW - 8,
                if a.class.is_violation() { " stroke-width=\"2\"" } else { "" }
            ));
            s.push_str(&format!("<text x=\"{}\" y=\"{}\">{}</text>", LX + 6, y + 13, esc(&who)));
            let sub = match &a.reason {
                Some(r) => format!("{} ✗ {}: {r}", a.target(), a.class.word()),
                None => a.target(),
            };
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"{colour}\">{}</text>",
                LX + 6,
                y + 27,
                esc(&sub)
            ));
            let y0 = y + (ROW - 8) / 2;
            match a.pfn.and_then(page_y) {
                Some(y1) => {
                    let (x0, x1) = (LX + LW, PX - 2);
                    s.push_str(&format!(
                        "<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{}\" y2=\"{y1}\" stroke=\"{colour}\" stroke-width=\"{}\"{}/>",
                        x1 - 8,
                        if a.class.is_violation() || a.changed { 2.5 } else { 1.5 },
                        if a.class == Class::Stale { " stroke-dasharray=\"6 3\"" } else { "" }
                    ));
                    s.push_str(&format!(
                        "<polygon points=\"{x1},{y1} {},{} {},{}\" fill=\"{colour}\"/>",
                        x1 - 9,
                        y1 - 5,
                        x1 - 9,
                        y1 + 5
                    ));
                }
                None => s.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" fill=\"#888\">→ {}</text>",
                    LX + LW + 6,
                    y0 + 4,
                    if a.pfn.is_some() { "unknown page" } else { "none" }
                )),
            }
            s.push_str("</g>");
        }
        let locks: Vec<String> =
            self.locks.iter().map(|l| format!("{}: {}", l.name, l.holder.as_deref().unwrap_or("free"))).collect();
        s.push_str(&format!(
            "<text class=\"locks\" x=\"{LX}\" y=\"{}\">{}</text>",
            lock_y + 12,
            esc(&locks.join("   "))
        ));
        for (i, n) in self.without_mappings.iter().enumerate() {
            s.push_str(&format!(
                "<text x=\"{LX}\" y=\"{}\" fill=\"#666\">{}: no mapping of its own (walks the process page table)</text>",
                lock_y + 30 + 18 * i as i32,
                esc(n)
            ));
        }
        s.push_str("</svg>");
        s
    }
}

/// One text row of the diagram ([`Diagram::rows`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagramRow {
    /// The translation (`pte 0x7f0000010000`, `KVM spte gfn 0x10`).
    pub from: String,
    /// Its target (`0x300 R kpage`, `none`).
    pub to: String,
    /// The violation, if any (`✗ stale: the process maps 0x300`).
    pub note: Option<String>,
    /// Its classification.
    pub class: Class,
    /// Changed by the last move.
    pub changed: bool,
}

/// The violation colour and the others.
pub(crate) fn colour(c: Class) -> &'static str {
    match c {
        Class::Ok => "#1b5e20",
        Class::None => "#888888",
        Class::Stale | Class::Writable | Class::Freed => "#c62828",
    }
}

fn class_name(c: Class) -> &'static str {
    match c {
        Class::Ok => "ok",
        Class::None => "none",
        Class::Stale => "stale",
        Class::Writable => "writable",
        Class::Freed => "freed",
    }
}

/// Escapes text for XML attributes and content.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::semantics::Semantics;

    /// Haggai Eran's race: the demo link's schedule, at step 45.
    fn haggai() -> Walk {
        crate::walk::haggai_eran_replay()
    }

    #[test]
    fn haggai_erans_race_shows_the_gru_entry_stale_against_the_new_pte() {
        let w = haggai();
        let d = of_side(&w, Side::Left);
        let pte = &d.ptes[0];
        assert_eq!(pte.pfn, Some(0x300), "{d:?}");
        let gru = d.secondaries.iter().find(|a| a.user == Some(NotifierId::Gru)).expect("gru arrow");
        assert_eq!(gru.pfn, Some(0x200));
        assert_eq!(gru.class, Class::Stale);
        assert_eq!(gru.reason.as_deref(), Some("the process maps 0x300"));
        assert!(
            d.summary().contains("GRU TLB 0x7f0000010000 → page 0x200 (stale: the process maps 0x300)"),
            "{}",
            d.summary()
        );
        let svg = d.to_svg();
        assert!(
            svg.starts_with("<svg") && svg.contains("role=\"img\"") && svg.contains("aria-label=\"Mapping diagram: ")
        );
        assert!(svg.contains("data-key=\"gru tlb 0x7f0000010000\" data-class=\"stale\" data-pfn=\"0x200\""), "{svg}");
    }

    #[test]
    fn a_correct_run_ends_with_every_secondary_mapping_consistent() {
        let mut w =
            Walk::new(Scenario::builtin("ksm").expect("ksm"), Semantics::Patched, Semantics::Patched, &NotifierId::ALL);
        w.run_to_end();
        let d = of_side(&w, Side::Left);
        assert_eq!(d.violations().count(), 0, "{}", d.summary());
        assert!(d.without_mappings.iter().any(|n| n == NotifierId::AmdIommuV2.label()));
        assert!(d.locks.iter().any(|l| l.name == "kvm->mmu_lock"));
    }

    #[test]
    fn the_last_move_marks_what_it_changed_and_a_taken_lock_names_its_holder() {
        let mut w = Walk::new(
            Scenario::builtin("ksm").expect("ksm"),
            Semantics::Wrapped,
            Semantics::Patched,
            &NotifierId::DEFAULT,
        );
        w.goto_milestone("write_protect_page:ptl-taken").expect("milestone");
        let d = of_side(&w, Side::Left);
        let ptl = d.locks.iter().find(|l| l.name == "PT lock").expect("ptl");
        assert_eq!(ptl.holder.as_deref(), Some("host"));
        assert!(ptl.changed);
        assert!(d.summary().contains("PT lock held by host"));
        w.goto_milestone("pte-set").expect("pte-set");
        let d = of_side(&w, Side::Left);
        assert!(d.ptes[0].changed, "{d:?}");
    }

    #[test]
    fn writable_and_freed_classes() {
        let s = Scenario::builtin("cow").expect("cow");
        let mut m = s.machine(Semantics::Patched, &NotifierId::DEFAULT);
        let addr = m.host.addr;
        let pfn = m.pte(addr).pfn;
        if let Some(crate::notifier::Secondary::Gru(g)) = m.notifiers.iter_mut().find(|n| n.id() == NotifierId::Gru) {
            g.tlb = vec![crate::notifier::GruTlbEntry { addr, pfn, writable: true }];
        }
        let d = diagram(&m, None);
        let gru = d.secondaries.iter().find(|a| a.user == Some(NotifierId::Gru)).expect("gru");
        assert!(!m.pte(addr).writable, "the cow scenario's pte starts read-only");
        assert_eq!(gru.class, Class::Writable);
        m.pages.iter_mut().find(|p| p.pfn == pfn).expect("page").free = true;
        let d = diagram(&m, None);
        assert_eq!(d.secondaries.iter().find(|a| a.user == Some(NotifierId::Gru)).expect("gru").class, Class::Freed);
        assert!(d.to_svg().contains("data-class=\"freed\""));
    }

    #[test]
    fn escapes_text() {
        assert_eq!(esc("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
    }
}
