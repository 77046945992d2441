//! A flat, display-oriented view of a [`Machine`]: `key -> value` pairs in
//! a stable order. Front ends use it to highlight what changed in a step and
//! what differs between two semantics; `compare` uses it for state diffs.

use std::collections::BTreeMap;

use crate::machine::{Machine, MmapSem};
use crate::notifier::{Gcr3, NotifierId, Secondary};
use crate::page::hex;

/// Every tracked value of `m`, keyed by a stable name (`pte 0x7f..000`,
/// `ptl`, `page 0x100`, `kvm spte gfn 0x10`, `kvm mmu_notifier_seq`, ...).
pub fn flatten(m: &Machine) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (addr, pte) in &m.ptes {
        out.insert(format!("pte {}", hex(*addr)), pte.describe());
    }
    out.insert(
        "ptl".into(),
        match m.ptl.holder {
            Some(t) => format!("held by {}", m.threads[t.0 as usize].kind.id()),
            None => "free".into(),
        },
    );
    out.insert(
        "mmap_sem".into(),
        match m.mmap_sem {
            MmapSem::Free => "free",
            MmapSem::Read => "read (host)",
            MmapSem::Write => "write (host)",
        }
        .into(),
    );
    for p in &m.pages {
        let mut flags = Vec::new();
        if p.free {
            flags.push("free");
        }
        if p.anon {
            flags.push("anon");
        }
        if p.ksm {
            flags.push("ksm");
        }
        if p.dirty {
            flags.push("dirty");
        }
        if p.locked_by.is_some() {
            flags.push("locked");
        }
        out.insert(
            format!("page {}", hex(p.pfn)),
            format!(
                "{} ref={} map={} [{}] content={}",
                p.name,
                p.refcount,
                p.mapcount,
                flags.join(","),
                hex(u64::from(p.content))
            ),
        );
    }
    for n in &m.notifiers {
        match n {
            Secondary::Kvm(k) => {
                out.insert(format!("kvm spte gfn {}", hex(m.gfn)), "none".into());
                for s in &k.sptes {
                    out.insert(
                        format!("kvm spte gfn {}", hex(s.gfn)),
                        format!("{} {}", hex(s.pfn), if s.writable { "RW" } else { "R" }),
                    );
                }
                out.insert("kvm mmu_notifier_seq".into(), k.mmu_notifier_seq.to_string());
                out.insert("kvm mmu_notifier_count".into(), k.mmu_notifier_count.to_string());
                out.insert(
                    "kvm mmu_lock".into(),
                    k.mmu_lock.map(|t| format!("held by {}", m.threads[t as usize].kind.id())).unwrap_or("free".into()),
                );
            }
            Secondary::Gru(g) => {
                out.insert(format!("gru tlb {}", hex(m.host.addr)), "none".into());
                for e in &g.tlb {
                    out.insert(
                        format!("gru tlb {}", hex(e.addr)),
                        format!("{} {}", hex(e.pfn), if e.writable { "RW" } else { "R" }),
                    );
                }
                out.insert("gru ms_range_active".into(), g.ms_range_active.to_string());
                out.insert("gru waiters".into(), g.waiters.len().to_string());
            }
            Secondary::AmdIommuV2(a) => {
                out.insert(
                    "amd_iommu_v2 gcr3".into(),
                    match a.gcr3 {
                        Gcr3::MmPgd => "mm->pgd".into(),
                        Gcr3::EmptyPageTable => "empty_page_table".into(),
                    },
                );
            }
            Secondary::XenGntdev(g) => {
                out.insert("xen_gntdev grant maps in range".into(), g.grant_maps_in_range.to_string());
            }
            Secondary::Sleepable(s) => {
                out.insert(
                    "sleepable mutex".into(),
                    s.mutex.map(|t| format!("held by {}", m.threads[t as usize].kind.id())).unwrap_or("free".into()),
                );
            }
        }
    }
    out
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

/// The [`flatten`] key prefix of a notifier's secondary state (`"kvm "`).
pub fn secondary_prefix(id: NotifierId) -> &'static str {
    match id {
        NotifierId::Kvm => "kvm ",
        NotifierId::Gru => "gru ",
        NotifierId::AmdIommuV2 => "amd_iommu_v2 ",
        NotifierId::XenGntdev => "xen_gntdev ",
        NotifierId::Sleepable => "sleepable ",
    }
}

/// The [`flatten`] keys of notifier `id`'s secondary state in display order:
/// mappings first, then counters and locks (the order both front ends show).
pub fn secondary_keys(flat: &BTreeMap<String, String>, id: NotifierId) -> Vec<String> {
    let prefix = secondary_prefix(id);
    let order: &[&str] = match id {
        NotifierId::Kvm => &["spte", "mmu_notifier_seq", "mmu_notifier_count", "mmu_lock"],
        NotifierId::Gru => &["tlb", "ms_range_active", "waiters"],
        NotifierId::AmdIommuV2 => &["gcr3"],
        NotifierId::XenGntdev => &["grant"],
        NotifierId::Sleepable => &["mutex"],
    };
    let mut keys: Vec<String> = flat.keys().filter(|k| k.starts_with(prefix)).cloned().collect();
    // Stable sort: keys of one group keep flatten's (sorted) order.
    keys.sort_by_key(|k| {
        let rest = &k[prefix.len()..];
        order.iter().position(|o| rest.starts_with(o)).unwrap_or(order.len())
    });
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::semantics::Semantics;

    #[test]
    fn secondary_keys_cover_every_notifier_key_in_display_order() {
        let s = Scenario::builtin("ksm").expect("built-in");
        let m = s.machine(Semantics::Wrapped, &NotifierId::ALL);
        let flat = flatten(&m);
        let kvm = secondary_keys(&flat, NotifierId::Kvm);
        assert_eq!(kvm, ["kvm spte gfn 0x10", "kvm mmu_notifier_seq", "kvm mmu_notifier_count", "kvm mmu_lock"]);
        let gru = secondary_keys(&flat, NotifierId::Gru);
        assert_eq!(gru[0], "gru tlb 0x7f0000010000");
        let all: usize = NotifierId::ALL.iter().map(|n| secondary_keys(&flat, *n).len()).sum();
        let expected =
            flat.keys().filter(|k| NotifierId::ALL.iter().any(|n| k.starts_with(secondary_prefix(*n)))).count();
        assert_eq!(all, expected);
    }
}
