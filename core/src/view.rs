//! A flat, display-oriented view of a [`Machine`]: `key -> value` pairs in
//! a stable order. Front ends use it to highlight what changed in a step and
//! what differs between two semantics; `compare` uses it for state diffs.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::machine::{Machine, MmapSem};
use crate::notifier::NotifierId;
use crate::page::hex;

/// One value of the state: a stable key (for diffs and change marks), the
/// label a pane shows and the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Stable key, unique in a state (`kvm spte gfn 0x10`).
    pub key: String,
    /// What a pane shows beside the value (`spte gfn 0x10`).
    pub label: String,
    /// The value (`0x300 R`, `held by host`, `none`).
    pub value: String,
}

impl Item {
    /// An item whose key is `prefix` and `label` (`kvm` + `mmu_lock`).
    pub(crate) fn new(prefix: &str, label: String, value: String) -> Item {
        Item { key: format!("{prefix} {label}"), label, value }
    }

    fn plain(key: String, value: String) -> Item {
        Item { label: key.clone(), key, value }
    }
}

/// A group of items: the mm (page table and locks), the pages, or one
/// registered notifier's secondary MMU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// `mm`, `pages`, or the notifier's id.
    pub id: &'static str,
    /// The notifier whose state this is, if it is one.
    pub notifier: Option<NotifierId>,
    /// Items in display order.
    pub items: Vec<Item>,
}

/// The state of `m` as sections, in display order: the mm, each
/// registered notifier in list order, the pages.
pub fn sections(m: &Machine) -> Vec<Section> {
    let mut mm = Vec::new();
    for (addr, pte) in &m.ptes {
        mm.push(Item::plain(format!("pte {}", hex(*addr)), pte.describe()));
    }
    let ptl = m.holder_name(m.ptl.holder.map(|t| t.0));
    mm.push(Item::plain("ptl".into(), ptl));
    let mmap_sem = match m.mmap_sem {
        MmapSem::Free => "free",
        MmapSem::Read => "read (host)",
        MmapSem::Write => "write (host)",
    };
    mm.push(Item::plain("mmap_sem".into(), mmap_sem.into()));
    let mut out = vec![Section { id: "mm", notifier: None, items: mm }];
    for n in &m.notifiers {
        let mut items = Vec::new();
        n.section(m, &mut items);
        out.push(Section { id: n.id().id(), notifier: Some(n.id()), items });
    }
    let mut pages = Vec::new();
    for p in &m.pages {
        let flags: Vec<&str> = [(p.free, "free"), (p.anon, "anon"), (p.ksm, "ksm"), (p.dirty, "dirty")]
            .into_iter()
            .chain([(p.locked_by.is_some(), "locked")])
            .filter_map(|(on, f)| on.then_some(f))
            .collect();
        let value = format!(
            "{} ref={} map={} [{}] content={}",
            p.name,
            p.refcount,
            p.mapcount,
            flags.join(","),
            hex(u64::from(p.content))
        );
        pages.push(Item::plain(format!("page {}", hex(p.pfn)), value));
    }
    out.push(Section { id: "pages", notifier: None, items: pages });
    out
}

/// Every tracked value of `m`, keyed by a stable name (`pte 0x7f..000`,
/// `ptl`, `page 0x100`, `kvm spte gfn 0x10`, `kvm mmu_notifier_seq`, ...).
pub fn flatten(m: &Machine) -> BTreeMap<String, String> {
    sections(m).into_iter().flat_map(|s| s.items).map(|i| (i.key, i.value)).collect()
}

/// Keys whose values differ between `a` and `b` (present in either).
pub fn diff(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<(String, String, String)> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let x = a.get(k).cloned().unwrap_or_else(|| "-".into());
            let y = b.get(k).cloned().unwrap_or_else(|| "-".into());
            (x != y).then(|| (k.clone(), x, y))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::semantics::Semantics;

    #[test]
    fn sections_list_each_notifier_in_display_order_and_flatten_keeps_every_item() {
        let s = Scenario::builtin("ksm").expect("built-in");
        let m = s.machine(Semantics::Wrapped, &NotifierId::ALL);
        let secs = sections(&m);
        let kvm = secs.iter().find(|s| s.notifier == Some(NotifierId::Kvm)).expect("kvm section");
        let keys: Vec<&str> = kvm.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["kvm spte gfn 0x10", "kvm mmu_notifier_seq", "kvm mmu_notifier_count", "kvm mmu_lock"]);
        let gru = secs.iter().find(|s| s.notifier == Some(NotifierId::Gru)).expect("gru section");
        assert_eq!(gru.items[0].key, "gru tlb 0x7f0000010000");
        assert_eq!(gru.items[0].label, "tlb 0x7f0000010000");
        let ids: Vec<Option<NotifierId>> = secs.iter().filter(|s| s.notifier.is_some()).map(|s| s.notifier).collect();
        assert_eq!(ids, m.notifiers.iter().map(|n| Some(n.id())).collect::<Vec<_>>());
        let items: usize = secs.iter().map(|s| s.items.len()).sum();
        assert_eq!(flatten(&m).len(), items, "every key is unique");
    }
}
