//! Intel SVM (`drivers/iommu/intel-svm.c` at v4.15,
//! `drivers/iommu/intel/svm.c` at v6.9 and v6.10): a device sharing the
//! process's page table through a PASID. The IOMMU's PASID entry points at
//! `mm->pgd` (v4.15 intel-svm.c:398; v6.9 svm.c:371 and v6.10 svm.c:221
//! `intel_pasid_setup_first_level(iommu, dev, mm->pgd, ...)`), so the
//! hardware walks the CPU page table itself and caches the translation in
//! its IOTLB: no kernel code runs on a hit or on a walk. Only a missing or
//! read-only pte makes the device send a page request, which the kernel
//! handles with `handle_mm_fault`. The notifier's only job is to flush the
//! IOTLB: `change_pte` and `invalidate_range` at v4.15, and
//! `arch_invalidate_secondary_tlbs` at v6.9 and v6.10.
//!
//! Intel SVM came in v4.4 (2f26e0a9c986): it does not exist at the v3.x
//! tags the other semantics model, where it is refused.
//!
//! The model keeps one IOTLB entry, for the scenario's address. The
//! PASID-selective IOTLB invalidation and the device-IOTLB (ATS) one are
//! issued by the same callback under the PT lock, so one entry stands for
//! both. Listings: [`crate::kernel::intel_svm`].

use serde::Serialize;

use super::{Access, Counter, Fold, Mapping, User, UserEvent, UserInfo};
use crate::event::{Event, Violation, ViolationId};
use crate::invariants::StateViolation;
use crate::kernel::FuncId;
use crate::machine::{Flow, Frame, Machine, Renaming, ThreadId, Through};
use crate::notifier::Callback;
use crate::pack::{Packer, Reader, Unpacker, bit};
use crate::page::{Pfn, hex};
use crate::semantics::Semantics;
use crate::view::Item;

/// The IOTLB's translation of the scenario's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct IotlbEntry {
    /// Host page it maps.
    pub pfn: Pfn,
    /// Usable for a write (the pte was writable and dirty when walked).
    pub writable: bool,
}

/// Intel SVM's secondary state: the IOTLB the IOMMU fills by walking
/// `mm->pgd`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SvmState {
    /// The cached translation of the scenario's address, if any.
    pub iotlb: Option<IotlbEntry>,
}

/// What Intel SVM's statements do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SvmOp {
    /// The PASID-selective IOTLB invalidation (and the device-IOTLB one):
    /// drops the entry of the scenario's address.
    Flush,
    /// One DMA of the device with the process's PASID: through the IOTLB;
    /// on a miss the IOMMU walks the page table (a fill, then the access
    /// at the next step); a missing or read-only pte sends a page request.
    Dma,
    /// `handle_mm_fault(...)` for the page request: a write to a pte that
    /// is not writable runs `handle_pte_fault` (COW); anything else finds
    /// the pte already usable once the PT lock is free.
    HandleMmFault,
    /// The page response: the device retries its request.
    PageResponse,
}

/// What Intel SVM reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SvmEvent {
    /// The device accessed the address through an IOTLB entry.
    SvmAccess {
        /// Virtual address.
        addr: u64,
        /// Page accessed.
        pfn: Pfn,
        /// A write (else a read).
        write: bool,
        /// Value read or written.
        value: u32,
    },
    /// The IOMMU walked `mm->pgd` and cached the translation.
    SvmIotlbFill {
        /// Virtual address.
        addr: u64,
        /// Page.
        pfn: Pfn,
        /// Usable for writes.
        writable: bool,
    },
    /// An IOTLB invalidation was submitted and completed.
    SvmIotlbFlush {
        /// Entries dropped (0 or 1).
        dropped: u32,
        /// The flushing thread held the PT lock.
        under_ptl: bool,
    },
    /// The device sent a page request (the pte was missing, or read-only
    /// for a write).
    SvmPageRequest {
        /// Virtual address.
        addr: u64,
        /// A write request.
        write: bool,
    },
}

fn emit(ev: &mut Vec<Event>, e: SvmEvent) {
    ev.push(Event::User(UserEvent::IntelSvm(e)));
}

impl User for SvmState {
    type Op = SvmOp;
    type Event = SvmEvent;

    const INFO: UserInfo = UserInfo {
        id: "intel_svm",
        label: "Intel SVM",
        short: "SVM",
        describe: "Intel SVM (v4.4+): a PASID device walking mm->pgd, its IOTLB flushed by change_pte and invalidate_range (v4.15 drivers/iommu/intel-svm.c:278 intel_mmuops) or arch_invalidate_secondary_tlbs (v6.9 drivers/iommu/intel/svm.c:280, v6.10 :190)",
    };

    const COUNTERS: &'static [Counter<SvmEvent>] = &[
        Counter {
            key: "iotlb_flushes",
            label: "IOTLB flushes",
            fold: Fold::Count(|e| matches!(e, SvmEvent::SvmIotlbFlush { .. })),
        },
        Counter {
            key: "iotlb_flushes_under_ptl",
            label: "IOTLB flushes under the PT lock",
            fold: Fold::Count(|e| matches!(e, SvmEvent::SvmIotlbFlush { under_ptl: true, .. })),
        },
        Counter {
            key: "iotlb_fills",
            label: "IOTLB fills",
            fold: Fold::Count(|e| matches!(e, SvmEvent::SvmIotlbFill { .. })),
        },
        Counter {
            key: "page_requests",
            label: "page requests",
            fold: Fold::Count(|e| matches!(e, SvmEvent::SvmPageRequest { .. })),
        },
    ];

    fn callbacks(sem: Semantics) -> Option<&'static [(Callback, FuncId)]> {
        // v4.15 intel-svm.c:278-282: release, change_pte (219),
        // invalidate_range (228). v6.9 svm.c:280-283 and v6.10 svm.c:190-194:
        // release and arch_invalidate_secondary_tlbs (v6.10 also
        // free_notifier). `release` is not a callback the model calls.
        const V4_15: &[(Callback, FuncId)] =
            &[(Callback::ChangePte, FuncId::IntelChangePte), (Callback::InvalidateRange, FuncId::IntelInvalidateRange)];
        const V6: &[(Callback, FuncId)] =
            &[(Callback::ArchInvalidateSecondaryTlbs, FuncId::IntelArchInvalidateSecondaryTlbs)];
        match sem {
            // Added in v4.4: absent at v3.6, v3.13 and the designs on v3.13.
            Semantics::Original
            | Semantics::Wrapped
            | Semantics::Patched
            | Semantics::BracketIfMissing
            | Semantics::EventAware => None,
            Semantics::V4_15 => Some(V4_15),
            Semantics::V6_9 | Semantics::V6_10 => Some(V6),
        }
    }

    fn new() -> SvmState {
        SvmState { iotlb: None }
    }

    fn exec(m: &mut Machine, t: ThreadId, fr: Frame, op: SvmOp, ev: &mut Vec<Event>) -> Flow {
        let addr = m.host.addr;
        let me = fr.notifier;
        match op {
            SvmOp::Flush => {
                let under_ptl = m.ptl.holder == Some(t);
                if let Some(s) = m.user_mut::<SvmState>(me) {
                    let dropped = u32::from(s.iotlb.take().is_some());
                    emit(ev, SvmEvent::SvmIotlbFlush { dropped, under_ptl });
                }
                Flow::Next
            }
            SvmOp::Dma => dma(m, t, me, ev),
            SvmOp::HandleMmFault => {
                let write = m.access_op(t).is_some_and(|o| o.write);
                let pte = m.pte(addr);
                if write && !(pte.present && pte.writable) {
                    ev.push(Event::Branch {
                        why: "a write request to a pte that is not writable: handle_mm_fault runs handle_pte_fault"
                            .into(),
                    });
                    Flow::Call(FuncId::HandlePteFault)
                } else {
                    ev.push(Event::Branch {
                        why: format!(
                            "the pte is {} again: handle_mm_fault has nothing to do",
                            if write { "present and writable" } else { "present" }
                        ),
                    });
                    Flow::Next
                }
            }
            SvmOp::PageResponse => Flow::Return,
        }
    }

    fn is_local(op: SvmOp) -> bool {
        match op {
            // The IOTLB, the page table the IOMMU walks and the pages are
            // shared; the page request waits for the PT lock.
            SvmOp::Flush | SvmOp::Dma | SvmOp::HandleMmFault | SvmOp::PageResponse => false,
        }
    }

    fn block(m: &Machine, t: ThreadId, _fr: Frame, op: SvmOp) -> Option<&'static str> {
        match op {
            // The fault path reads the pte under the PT lock.
            SvmOp::HandleMmFault => m.ptl_held_by_other(t).then_some("handle_mm_fault waits for the PT lock"),
            _ => None,
        }
    }

    fn message(e: &SvmEvent) -> String {
        match e {
            SvmEvent::SvmAccess { addr, pfn, write, value } => format!(
                "Intel SVM: the device {} {} through the IOTLB: pfn {}, value {}",
                if *write { "writes" } else { "reads" },
                hex(*addr),
                hex(*pfn),
                hex(u64::from(*value))
            ),
            SvmEvent::SvmIotlbFill { addr, pfn, writable } => format!(
                "Intel SVM: the IOMMU walks mm->pgd for {} and caches pfn {} {} in its IOTLB",
                hex(*addr),
                hex(*pfn),
                if *writable { "read-write" } else { "read-only" }
            ),
            SvmEvent::SvmIotlbFlush { dropped, under_ptl } => format!(
                "Intel SVM: IOTLB invalidated{} ({dropped} entr{} dropped)",
                if *under_ptl { " under the PT lock" } else { "" },
                if *dropped == 1 { "y" } else { "ies" }
            ),
            SvmEvent::SvmPageRequest { addr, write } => format!(
                "Intel SVM: the device sends a {} page request for {}",
                if *write { "write" } else { "read" },
                hex(*addr)
            ),
        }
    }

    fn access(e: &SvmEvent) -> Option<Access> {
        match *e {
            // An IOTLB entry is a secondary mapping of the same address.
            SvmEvent::SvmAccess { addr, pfn, write, value } => Some(Access {
                who: "the Intel SVM device {} {at} through a stale IOTLB entry",
                at: addr,
                pfn,
                write,
                value,
            }),
            _ => None,
        }
    }

    fn state_violations(&self, m: &Machine, out: &mut Vec<StateViolation>) {
        if let Some(e) = self.iotlb.filter(|e| m.page(e.pfn).is_some_and(|p| p.free)) {
            out.push(StateViolation::new(
                format!("intel_svm:{}", e.pfn),
                Violation {
                    id: ViolationId::SecondaryMapsFreedPage,
                    message: format!(
                        "the Intel SVM IOTLB entry for {} still maps pfn {}, which has been freed: the device's DMA would hit a reused page",
                        hex(m.host.addr),
                        hex(e.pfn)
                    ),
                },
            ));
        }
    }

    fn section(&self, m: &Machine, out: &mut Vec<Item>) {
        let value = match self.iotlb {
            Some(e) => format!("pfn {} {}", hex(e.pfn), if e.writable { "RW" } else { "R" }),
            None => "(none)".into(),
        };
        out.push(Item::new("intel_svm", format!("iotlb {}", hex(m.host.addr)), value));
    }

    fn mappings(&self, m: &Machine, out: &mut Vec<Mapping>) {
        out.push(Mapping {
            key: format!("intel_svm iotlb {}", hex(m.host.addr)),
            label: format!("IOTLB {}", hex(m.host.addr)),
            pfn: self.iotlb.map(|e| e.pfn),
            writable: self.iotlb.is_some_and(|e| e.writable),
        });
    }

    fn encode(&self, p: &mut impl Packer, out: &mut Vec<u64>) {
        out.push(match self.iotlb {
            None => 0,
            Some(e) => 1 | u64::from(e.writable) << 1 | p.pfn_code(e.pfn) << 8,
        });
    }

    fn decode(&mut self, u: &impl Unpacker, r: &mut Reader) {
        let w = r.next();
        self.iotlb = bit(w, 0).then(|| IotlbEntry { pfn: u.pfn_of(w >> 8), writable: bit(w, 1) });
    }

    fn rename(&mut self, r: &Renaming) {
        if let Some(e) = &mut self.iotlb {
            e.pfn = r.pfn(e.pfn);
        }
    }
}

/// One DMA of the device: through the IOTLB, else the IOMMU's walk of
/// `mm->pgd`, else a page request.
fn dma(m: &mut Machine, t: ThreadId, me: u8, ev: &mut Vec<Event>) -> Flow {
    let addr = m.host.addr;
    let entry = m.user::<SvmState>(me).and_then(|s| s.iotlb).map(|e| (e.pfn, e.writable));
    let write = match m.access_through(t, entry) {
        Through::Finished => return Flow::Return,
        Through::Hit { pfn, write, value } => {
            emit(ev, SvmEvent::SvmAccess { addr, pfn, write, value });
            return Flow::Return;
        }
        Through::Miss { write } => write,
    };
    let pte = m.pte(addr);
    if pte.present && (!write || pte.writable) {
        // The first-level walk sets the dirty bit for a write, as the CPU
        // does; a translation cached from a clean pte is not used for
        // writes.
        if write {
            m.set_pte_dirty(addr);
        }
        let writable = pte.writable && (write || pte.dirty);
        if let Some(s) = m.user_mut::<SvmState>(me) {
            s.iotlb = Some(IotlbEntry { pfn: pte.pfn, writable });
        }
        emit(ev, SvmEvent::SvmIotlbFill { addr, pfn: pte.pfn, writable });
        Flow::Stay
    } else if (pte.present && m.can_cow(t, pte.pfn)) || (!pte.present && m.ptl.holder.is_some()) {
        emit(ev, SvmEvent::SvmPageRequest { addr, write });
        Flow::CallThenRetry(FuncId::SvmPageRequest)
    } else {
        ev.push(Event::Branch {
            why: if pte.present {
                "write request to a read-only pte but this thread's pool page is in use: the model drops the DMA".into()
            } else {
                "the pte is not present and no thread is changing it: the model has no page to fault in; it drops the DMA"
                    .into()
            },
        });
        Flow::Return
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Actor;
    use crate::kernel::function;
    use crate::machine::{HostArgs, MmapSem, StepOutcome};
    use crate::notifier::{NotifierId, Secondary};
    use crate::page::{Page, Pte};
    use crate::scenario::Scenario;

    fn exists(sem: Semantics) -> bool {
        matches!(sem, Semantics::V4_15 | Semantics::V6_9 | Semantics::V6_10)
    }

    fn svm_events(ev: &[Event]) -> Vec<SvmEvent> {
        ev.iter()
            .filter_map(|e| match e {
                Event::User(UserEvent::IntelSvm(s)) => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    /// Steps `t` once; its events (panics if it did not run).
    fn step(m: &mut Machine, t: u8) -> Vec<Event> {
        match m.step(ThreadId(t)) {
            StepOutcome::Ran(x) => x.events,
            other => panic!("thread {t} did not run: {other:?}"),
        }
    }

    fn iotlb(m: &Machine) -> Option<IotlbEntry> {
        m.first_user::<SvmState>().and_then(|s| s.iotlb)
    }

    #[test]
    fn refused_where_it_did_not_exist_yet() {
        let ksm = Scenario::builtin("ksm").expect("built in");
        for sem in Semantics::ALL {
            assert_eq!(NotifierId::IntelSvm.exists_at(sem), exists(sem), "{sem}");
            let made = ksm.machine_with(sem, &[NotifierId::IntelSvm], &[Actor::SvmRead]);
            if exists(sem) {
                assert!(made.is_ok(), "{sem}: {:?}", made.err());
            } else {
                let e = made.expect_err("refused before v4.4");
                assert!(e.contains("intel_svm") && e.contains("kvm, gru"), "{sem}: {e}");
            }
            // The actor needs the notifier.
            let e = ksm.machine_with(sem, &[NotifierId::Gru], &[Actor::SvmWrite]).expect_err("no intel_svm");
            assert!(e.contains("intel_svm"), "{e}");
        }
    }

    #[test]
    fn ops_table_per_tag() {
        for sem in Semantics::ALL {
            let ops = NotifierId::IntelSvm.ops(sem);
            let v4_15 = sem == Semantics::V4_15;
            let v6 = matches!(sem, Semantics::V6_9 | Semantics::V6_10);
            assert_eq!(ops.change_pte, v4_15, "{sem}");
            assert_eq!(ops.invalidate_range, v4_15, "{sem}");
            assert_eq!(ops.arch_invalidate_secondary_tlbs, v6, "{sem}");
            assert!(!ops.invalidate_page && !ops.invalidate_range_start && !ops.invalidate_range_end, "{sem}");
        }
    }

    /// Each callback's listing at each tag: its function, file and the line
    /// of the flush, as read in the version-confirmed trees.
    #[test]
    fn listings_cite_the_confirmed_lines() {
        let flush = |sem: Semantics, f: FuncId| -> (&'static str, &'static str, u32, u32) {
            let l = function(f, sem);
            assert_eq!(l.id, f);
            (l.name, l.file, l.line, l.body[0].line)
        };
        let s = Semantics::V4_15;
        assert_eq!(flush(s, FuncId::IntelChangePte), ("intel_change_pte", "drivers/iommu/intel-svm.c", 219, 224));
        assert_eq!(
            flush(s, FuncId::IntelInvalidateRange),
            ("intel_invalidate_range", "drivers/iommu/intel-svm.c", 228, 234)
        );
        assert_eq!(
            flush(s, FuncId::IntelFlushSvmRange),
            ("intel_flush_svm_range", "drivers/iommu/intel-svm.c", 203, 214)
        );
        assert_eq!(flush(s, FuncId::SvmPageRequest), ("prq_event_thread", "drivers/iommu/intel-svm.c", 560, 630));
        let s = Semantics::V6_9;
        assert_eq!(
            flush(s, FuncId::IntelArchInvalidateSecondaryTlbs),
            ("intel_arch_invalidate_secondary_tlbs", "drivers/iommu/intel/svm.c", 240, 251)
        );
        assert_eq!(
            flush(s, FuncId::IntelFlushSvmRange),
            ("intel_flush_svm_range", "drivers/iommu/intel/svm.c", 207, 214)
        );
        assert_eq!(flush(s, FuncId::SvmPageRequest), ("iommu_sva_handle_mm", "drivers/iommu/iommu-sva.c", 194, 236));
        let s = Semantics::V6_10;
        assert_eq!(
            flush(s, FuncId::IntelArchInvalidateSecondaryTlbs),
            ("intel_arch_invalidate_secondary_tlbs", "drivers/iommu/intel/svm.c", 137, 153)
        );
        assert_eq!(
            flush(s, FuncId::CacheTagFlushRange),
            ("cache_tag_flush_range", "drivers/iommu/intel/cache.c", 261, 280)
        );
        assert_eq!(flush(s, FuncId::SvmPageRequest), ("iommu_sva_handle_mm", "drivers/iommu/iommu-sva.c", 194, 236));
        // Every era's row of every Intel SVM function holds a listing of
        // that function (the absent eras point at one only to stay
        // exhaustive).
        for f in [
            FuncId::IntelChangePte,
            FuncId::IntelInvalidateRange,
            FuncId::IntelArchInvalidateSecondaryTlbs,
            FuncId::IntelFlushSvmRange,
            FuncId::CacheTagFlushRange,
            FuncId::SvmDma,
            FuncId::SvmPageRequest,
        ] {
            for sem in Semantics::ALL {
                assert_eq!(function(f, sem).id, f, "{f:?} at {sem}");
            }
        }
    }

    /// A machine whose thread 0 runs `entry` for notifier 0 (Intel SVM, its
    /// IOTLB holding `entry`'s translation of the page).
    fn callback_machine(sem: Semantics, entry: FuncId, iotlb: Option<IotlbEntry>, pages: Vec<Page>) -> Machine {
        let addr = 0x7f00_0001_0000;
        let pte = Pte { pfn: 0x100, present: true, writable: false, dirty: false };
        let host = HostArgs { addr, page: 0x100, kpage: 0x200, opcode: 0 };
        Machine::new(
            sem,
            pages,
            vec![(addr, pte)],
            MmapSem::Read,
            vec![Secondary::IntelSvm(SvmState { iotlb })],
            entry,
            host,
            0x10,
            Vec::new(),
        )
    }

    fn page(pfn: Pfn, free: bool) -> Page {
        Page {
            pfn,
            name: format!("p{pfn:x}").into(),
            refcount: i32::from(!free),
            mapcount: i32::from(!free),
            anon: true,
            ksm: false,
            locked_by: None,
            dirty: false,
            free,
            content: 0x5a5a,
        }
    }

    /// Every callback of every tag, run on its own: one IOTLB invalidation
    /// that drops the entry, flagged as under the PT lock exactly when the
    /// caller holds it.
    #[test]
    fn every_callback_flushes_the_iotlb_once() {
        let mut seen = 0;
        for sem in Semantics::ALL {
            for &(cb, f) in NotifierId::IntelSvm.callbacks(sem).unwrap_or(&[]) {
                for under_ptl in [false, true] {
                    let entry = IotlbEntry { pfn: 0x100, writable: true };
                    let mut m = callback_machine(sem, f, Some(entry), vec![page(0x100, false)]);
                    if under_ptl {
                        m.ptl.holder = Some(ThreadId(0));
                    }
                    let mut ev = Vec::new();
                    while !m.threads[0].done() {
                        ev.extend(step(&mut m, 0));
                    }
                    assert_eq!(
                        svm_events(&ev),
                        [SvmEvent::SvmIotlbFlush { dropped: 1, under_ptl }],
                        "{sem} {}",
                        cb.id()
                    );
                    assert_eq!(iotlb(&m), None);
                    seen += 1;
                }
            }
        }
        // v4.15: change_pte, invalidate_range; v6.9, v6.10: one each.
        assert_eq!(seen, 2 * 4);
    }

    #[test]
    fn an_entry_on_a_freed_page_is_a_violation() {
        let entry = IotlbEntry { pfn: 0x100, writable: false };
        let m = callback_machine(Semantics::V6_9, FuncId::SvmDma, Some(entry), vec![page(0x100, true)]);
        let v = crate::invariants::state_violations(&m);
        assert_eq!(v.len(), 1);
        let m = callback_machine(Semantics::V6_9, FuncId::SvmDma, Some(entry), vec![page(0x100, false)]);
        assert!(crate::invariants::state_violations(&m).is_empty());
    }

    /// A read: the IOMMU walks the page table (one step), then the DMA
    /// reads through the entry it cached (the next step).
    #[test]
    fn a_read_walks_then_accesses() {
        let ksm = Scenario::builtin("ksm").expect("built in");
        for sem in Semantics::ALL.into_iter().filter(|s| exists(*s)) {
            let mut m = ksm.machine_with(sem, &[NotifierId::IntelSvm], &[Actor::SvmRead]).expect("exists");
            let addr = m.host.addr;
            assert_eq!(
                svm_events(&step(&mut m, 1)),
                [SvmEvent::SvmIotlbFill { addr, pfn: 0x100, writable: true }],
                "{sem}: the pte is writable and dirty"
            );
            assert_eq!(
                svm_events(&step(&mut m, 1)),
                [SvmEvent::SvmAccess { addr, pfn: 0x100, write: false, value: 0x5a5a }]
            );
            assert!(m.threads[1].done());
        }
    }

    /// A write to the read-only KSM page: a page request, handle_mm_fault
    /// copies the page (do_wp_page), the device retries, the IOMMU caches
    /// the new writable pte and the write lands in the copy.
    #[test]
    fn a_write_to_a_read_only_pte_page_requests_and_copies() {
        let cow = Scenario::builtin("cow").expect("built in");
        for sem in Semantics::ALL.into_iter().filter(|s| exists(*s)) {
            let mut m = cow.machine_with(sem, &[NotifierId::IntelSvm], &[Actor::SvmWrite]).expect("exists");
            let addr = m.host.addr;
            let mut ev = Vec::new();
            while !m.threads[1].done() {
                ev.extend(step(&mut m, 1));
            }
            let pte = m.pte(addr);
            assert!(pte.present && pte.writable && pte.dirty && pte.pfn != 0x200, "{sem}: {pte:?}");
            let svm = svm_events(&ev);
            assert_eq!(svm.first(), Some(&SvmEvent::SvmPageRequest { addr, write: true }), "{sem}");
            let value = Actor::SvmWrite.value(1);
            assert_eq!(svm.last(), Some(&SvmEvent::SvmAccess { addr, pfn: pte.pfn, write: true, value }), "{sem}");
            assert_eq!(m.page(pte.pfn).map(|p| p.content), Some(value));
            assert_eq!(iotlb(&m), Some(IotlbEntry { pfn: pte.pfn, writable: true }));
        }
    }

    /// While the host path has the pte cleared under the PT lock, a DMA
    /// sends a page request whose handle_mm_fault waits for the lock; once
    /// the host is done the device retries and reads the page the pte maps.
    #[test]
    fn a_page_request_on_a_cleared_pte_waits_for_the_pt_lock() {
        let ksm = Scenario::builtin("ksm").expect("built in");
        for sem in Semantics::ALL.into_iter().filter(|s| exists(*s)) {
            let mut m = ksm.machine_with(sem, &[NotifierId::IntelSvm], &[Actor::SvmRead]).expect("exists");
            let addr = m.host.addr;
            while m.pte(addr).present {
                step(&mut m, 0);
            }
            assert_eq!(m.ptl.holder, Some(ThreadId(0)), "{sem}: cleared under the PT lock");
            assert_eq!(svm_events(&step(&mut m, 1)), [SvmEvent::SvmPageRequest { addr, write: false }]);
            assert!(matches!(m.step(ThreadId(1)), StepOutcome::Blocked(_)), "{sem}");
            while !m.threads[0].done() {
                step(&mut m, 0);
            }
            let mut ev = Vec::new();
            while !m.threads[1].done() {
                ev.extend(step(&mut m, 1));
            }
            let pfn = m.pte(addr).pfn;
            assert_eq!(svm_events(&ev).last(), Some(&SvmEvent::SvmAccess { addr, pfn, write: false, value: 0x5a5a }));
        }
    }

    /// v4.15, KSM's write_protect_page: the device cached a writable
    /// translation; plain `ptep_clear_flush` (ksm.c 1061) does not notify,
    /// so the device can still write the page until `intel_change_pte`
    /// flushes the IOTLB inside `set_pte_at_notify` (1077), under the PT
    /// lock and before the read-only pte is set. Not until range_end: the
    /// write lands in the page being merged while its pte is cleared, so
    /// no invariant fires.
    #[test]
    fn v4_15_ksm_device_writes_between_ptep_clear_flush_and_change_pte() {
        let ksm = Scenario::builtin("ksm").expect("built in");
        let mut m = ksm.machine_with(Semantics::V4_15, &[NotifierId::IntelSvm], &[Actor::SvmWrite]).expect("exists");
        let addr = m.host.addr;
        step(&mut m, 1); // the IOMMU caches the writable, dirty pte
        assert_eq!(iotlb(&m), Some(IotlbEntry { pfn: 0x100, writable: true }));
        while m.pte(addr).present {
            step(&mut m, 0);
        }
        let ev = step(&mut m, 1);
        assert_eq!(
            svm_events(&ev),
            [SvmEvent::SvmAccess { addr, pfn: 0x100, write: true, value: Actor::SvmWrite.value(1) }]
        );
        assert!(!ev.iter().any(|e| matches!(e, Event::Violation(_))));
        // The next flush is intel_change_pte's, under the PT lock, before
        // the pte is set again.
        let mut flushed = None;
        while !m.threads[0].done() {
            let callers: Vec<FuncId> = m.threads[0].stack.iter().map(|f| f.func).collect();
            let ev = step(&mut m, 0);
            if let Some(f) = svm_events(&ev).into_iter().find(|e| matches!(e, SvmEvent::SvmIotlbFlush { .. })) {
                flushed = Some((f, callers.contains(&FuncId::IntelChangePte), m.pte(addr).present));
                break;
            }
        }
        assert_eq!(flushed, Some((SvmEvent::SvmIotlbFlush { dropped: 1, under_ptl: true }, true, false)));
    }
}
