//! Kernel listings: short pseudo-C written for this project (never pasted
//! kernel source), one [`Stmt`] per line, each citing `file:line` at a tag
//! and carrying the [`Op`] the interpreter in [`crate::machine`] executes.
//!
//! A listing exists per function and per era where the code differs. The
//! files mirror the kernel's: [`ksm`], [`memory`], [`uprobes`],
//! [`mmu_notifier`], [`kvm`] (kvm_main.c, x86 mmu.c), [`gru`],
//! [`amd_iommu_v2`], [`xen_gntdev`], [`sleepable`], and from v6.9 on
//! [`pgtable_generic`] (`ptep_clear_flush`) and [`x86_tlb`]
//! (`flush_tlb_mm_range`).

pub mod amd_iommu_v2;
pub mod era;
pub mod gru;
pub mod ksm;
pub mod kvm;
pub mod memory;
pub mod mmu_notifier;
pub mod pgtable_generic;
pub mod sleepable;
pub mod uprobes;
pub mod x86_tlb;
pub mod xen_gntdev;

use serde::Serialize;

use crate::notifier::{Callback, NotifierId};
use crate::semantics::Semantics;
use crate::source::Source;
use crate::tag::Tag;
use crate::users::UserOp;

/// Every function the model can execute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum FuncId {
    // Host paths.
    TryToMergeOnePage,
    WriteProtectPage,
    ReplacePage,
    HandlePteFault,
    DoWpPage,
    /// v4.15+: the copy half of `do_wp_page`.
    WpPageCopy,
    UprobeWriteOpcode,
    UprobeReplacePage,
    /// The `host_write` actor's user-space store (not kernel code).
    UserStore,
    // Primary-MMU helpers that notify (v4.15+).
    /// v4.15 `ptep_clear_flush_notify` (include/linux/mmu_notifier.h).
    PtepClearFlushNotify,
    /// v6.9+ `ptep_clear_flush` (mm/pgtable-generic.c): on x86 its TLB
    /// flush reaches `arch_invalidate_secondary_tlbs`.
    PtepClearFlushGeneric,
    /// v6.9+ x86 `flush_tlb_mm_range` (arch/x86/mm/tlb.c).
    FlushTlbMmRange,
    // mm/mmu_notifier.c and the header.
    SetPteAtNotify,
    MnChangePte,
    MnInvalidateRangeStart,
    MnInvalidateRangeEnd,
    MnInvalidatePageIfMissing,
    /// v4.15 `__mmu_notifier_invalidate_range`.
    MnInvalidateRange,
    /// v4.15 `mmu_notifier_invalidate_range_only_end`.
    MnInvalidateRangeOnlyEnd,
    /// v6.9 `__mmu_notifier_arch_invalidate_secondary_tlbs`.
    MnArchInvalidateSecondaryTlbs,
    /// `bracket_if_missing` (hypothetical): does any registered notifier
    /// with range callbacks lack `change_pte`?
    MnRangeNeeded,
    /// v6.9+ `mn_hlist_invalidate_range_start`: the hlist walk that
    /// `__mmu_notifier_invalidate_range_start` runs after the interval tree.
    MnHlistInvalidateRangeStart,
    /// v6.9+ `mn_hlist_invalidate_end`.
    MnHlistInvalidateEnd,
    // KVM.
    KvmChangePte,
    KvmInvalidatePage,
    KvmInvalidateRangeStart,
    KvmInvalidateRangeEnd,
    KvmSetSpteHva,
    KvmSetPteRmapp,
    KvmVcpuRun,
    TdpPageFault,
    /// v6.9+ `__kvm_handle_hva_range`: the memslot walk under `mmu_lock`
    /// shared by KVM's notifier callbacks.
    KvmHandleHvaRange,
    /// v6.9+ `kvm_faultin_pfn`: the fault's sequence snapshot and pfn.
    KvmFaultinPfn,
    // SGI GRU.
    GruInvalidateRangeStart,
    GruInvalidateRangeEnd,
    GruInvalidatePage,
    /// The `gru_read`/`gru_write` actor's GRU instruction (not kernel code).
    GruInstruction,
    GruUserDropin,
    GruTryDropin,
    GruVtop,
    // AMD IOMMUv2.
    AmdChangePte,
    AmdInvalidatePage,
    AmdInvalidateRangeStart,
    AmdInvalidateRangeEnd,
    /// v4.15 `mn_invalidate_range`.
    AmdInvalidateRange,
    // Xen gntdev.
    GntdevInvlRangeStart,
    GntdevInvlPage,
    // Sleepable driver.
    SleepInvalidatePage,
    SleepInvalidateRangeStart,
    SleepInvalidateRangeEnd,
}

impl FuncId {
    /// Every function, in declaration order (`ALL[f as usize] == f`,
    /// checked at compile time). A new variant goes here too: one left off
    /// the end has no row in the listing table, and [`function`] panics on
    /// it (the golden and JSON-contract tests run every built-in path).
    pub const ALL: [FuncId; 50] = [
        FuncId::TryToMergeOnePage,
        FuncId::WriteProtectPage,
        FuncId::ReplacePage,
        FuncId::HandlePteFault,
        FuncId::DoWpPage,
        FuncId::WpPageCopy,
        FuncId::UprobeWriteOpcode,
        FuncId::UprobeReplacePage,
        FuncId::UserStore,
        FuncId::PtepClearFlushNotify,
        FuncId::PtepClearFlushGeneric,
        FuncId::FlushTlbMmRange,
        FuncId::SetPteAtNotify,
        FuncId::MnChangePte,
        FuncId::MnInvalidateRangeStart,
        FuncId::MnInvalidateRangeEnd,
        FuncId::MnInvalidatePageIfMissing,
        FuncId::MnInvalidateRange,
        FuncId::MnInvalidateRangeOnlyEnd,
        FuncId::MnArchInvalidateSecondaryTlbs,
        FuncId::MnRangeNeeded,
        FuncId::MnHlistInvalidateRangeStart,
        FuncId::MnHlistInvalidateEnd,
        FuncId::KvmChangePte,
        FuncId::KvmInvalidatePage,
        FuncId::KvmInvalidateRangeStart,
        FuncId::KvmInvalidateRangeEnd,
        FuncId::KvmSetSpteHva,
        FuncId::KvmSetPteRmapp,
        FuncId::KvmVcpuRun,
        FuncId::TdpPageFault,
        FuncId::KvmHandleHvaRange,
        FuncId::KvmFaultinPfn,
        FuncId::GruInvalidateRangeStart,
        FuncId::GruInvalidateRangeEnd,
        FuncId::GruInvalidatePage,
        FuncId::GruInstruction,
        FuncId::GruUserDropin,
        FuncId::GruTryDropin,
        FuncId::GruVtop,
        FuncId::AmdChangePte,
        FuncId::AmdInvalidatePage,
        FuncId::AmdInvalidateRangeStart,
        FuncId::AmdInvalidateRangeEnd,
        FuncId::AmdInvalidateRange,
        FuncId::GntdevInvlRangeStart,
        FuncId::GntdevInvlPage,
        FuncId::SleepInvalidatePage,
        FuncId::SleepInvalidateRangeStart,
        FuncId::SleepInvalidateRangeEnd,
    ];

    /// How many functions there are: the rows of the listing table.
    pub const COUNT: usize = FuncId::ALL.len();

    /// The function whose name this function's milestones carry, so that
    /// `compare` lines the same point up across eras: its own, except for
    /// `wp_page_copy` (v4.15), the copy half of what was `do_wp_page`
    /// until v3.13, whose milestones keep `do_wp_page`'s names; `None` for
    /// a header macro's listing (`set_pte_at_notify`,
    /// `ptep_clear_flush_notify`), which expands into its caller, so its
    /// milestones are the caller's.
    pub const fn milestones_of(self) -> Option<FuncId> {
        if matches!(self, FuncId::SetPteAtNotify | FuncId::PtepClearFlushNotify) {
            None
        } else if matches!(self, FuncId::WpPageCopy) {
            Some(FuncId::DoWpPage)
        } else {
            Some(self)
        }
    }
}

/// Which page argument an operation acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    /// The page being merged, copied or replaced (`page`, `old_page`).
    Page,
    /// Its replacement (`kpage`, `new_page`).
    Kpage,
}

/// Where `set_pte_at_notify`'s `pte` argument comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EntryFrom {
    /// The local `entry` the caller built.
    Entry,
    /// `mk_pte(kpage, vma->vm_page_prot)`: read-only on a private mapping.
    MkPteKpage,
}

/// What executing a statement does. Branch targets are labels of
/// statements in the same function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[allow(missing_docs)]
pub enum Op {
    /// No state the model tracks changes (cache flush, barrier, comment).
    Nop,
    /// Call a function; execution continues after it returns.
    Call(FuncId),
    /// `event_aware` (hypothetical): call a range bracket function with the
    /// range tagged "change_pte follows" (`MMU_CHANGE_PTE`), which KVM's
    /// range callbacks skip.
    CallTagged(FuncId),
    /// Return from the current function.
    Return,
    /// Unconditional jump.
    Goto(&'static str),

    // --- locks and read-side sections ---
    /// `pte_offset_map_lock` / `spin_lock(ptl)`: take the PT lock.
    PtlLock,
    /// `spin_lock(ptl)` in the fault path; `entry` (do_wp_page's
    /// `orig_pte`) is the pte read just before.
    FaultPtlLock,
    /// `page_check_address`: take the PT lock if the pte maps `page`,
    /// else (lock not taken) jump.
    PageCheckAddress { fail: &'static str },
    /// `pte_unmap_unlock`.
    PtlUnlock,
    /// `rcu_read_lock` (v3.6 notifier walk).
    RcuReadLock,
    /// `rcu_read_unlock`.
    RcuReadUnlock,
    /// `srcu_read_lock(&srcu)` (v3.7+ notifier walk).
    SrcuReadLock,
    /// `srcu_read_unlock`.
    SrcuReadUnlock,
    /// `lock_page`.
    LockPage(Which),
    /// `trylock_page`, jump when it fails.
    TrylockPage { which: Which, fail: &'static str },
    /// `unlock_page`.
    UnlockPage(Which),

    // --- primary page table and pages ---
    /// `if (pte_write(*ptep) || pte_dirty(*ptep))`, else jump.
    IfPteWriteOrDirty { else_: &'static str },
    /// `ptep_clear_flush(...)`: clear the pte and flush the CPU TLB.
    PtepClearFlush,
    /// `entry = ptep_clear_flush(...)`: same, keeping the old pte in `entry`.
    PtepClearFlushEntry,
    /// `if (page_mapcount(page) + 1 + swapped != page_count(page))`, else jump.
    IfRefcountMismatch { else_: &'static str },
    /// `set_pte_at(mm, addr, ptep, entry)`.
    SetPteAt,
    /// `if (pte_dirty(entry)) set_page_dirty(page)`.
    SetPageDirtyIfEntryDirty,
    /// `entry = pte_mkclean(pte_wrprotect(entry))`.
    EntryWrprotectClean,
    /// `*orig_pte = *ptep; err = 0`.
    SaveOrigPte,
    /// `if (!pte_same(*ptep, orig_pte))`: continue into the bail-out when
    /// different, else jump to `same`.
    IfPteChanged { same: &'static str },
    /// `if (write_protect_page(...) == 0 && pages_identical(page, kpage))`, else jump.
    IfWriteProtectedAndIdentical { else_: &'static str },
    /// `get_page`.
    GetPage(Which),
    /// `put_page` / `page_cache_release`.
    PutPage(Which),
    /// `page_add_anon_rmap`.
    PageAddAnonRmap(Which),
    /// `page_add_new_anon_rmap`.
    PageAddNewAnonRmap(Which),
    /// `page_remove_rmap`.
    PageRemoveRmap(Which),
    /// Compute `pte` and call `set_pte_at_notify`.
    CallSetPteAtNotify(EntryFrom),
    /// `if (PageAnon(old_page) && !PageKsm(old_page) && reuse_swap_page(old_page))`:
    /// continue into the reuse path, else jump to the copy.
    IfCanReuse { copy: &'static str },
    /// `wp_page_reuse`: make the existing pte writable and dirty in place.
    ReuseMkwrite,
    /// `new_page = alloc_page_vma(...)`: the scenario's free page.
    AllocNewPage,
    /// `cow_user_page` / `copy_highpage`: copy contents page -> kpage.
    CopyPage,
    /// Write the breakpoint opcode into kpage.
    WriteOpcode,
    /// `entry = maybe_mkwrite(pte_mkdirty(mk_pte(new_page, ...)), vma)`.
    MkPteCow,
    /// `if (likely(pte_same(*page_table, orig_pte)))` for do_wp_page, else jump.
    IfPteUnchanged { else_: &'static str },
    /// `get_user_pages(...)`: take a reference on the mapped page.
    GetUserPages,
    /// `if (new_page) page_cache_release(new_page)`: after the copy was
    /// installed `new_page` names the old page (its mapping reference),
    /// otherwise the unused copy.
    ReleaseNewPageVar,
    /// `if (mmun_end > mmun_start)`: a range was started here, else jump.
    IfRangeStarted { else_: &'static str },
    /// `old_page = vm_normal_page(vma, address, orig_pte)`: this thread's
    /// `page` becomes the page `orig_pte` maps (several threads may take
    /// COW faults concurrently, each on the pte it saw).
    VmNormalPage,
    /// `if (!pte_write(entry)) return do_wp_page(...)`: a tail call; when
    /// another thread's fault already made the pte writable, the
    /// spurious-fault exit instead (unlock the PT lock and return).
    CallDoWpPageIfReadOnly,
    /// A user-space store through the primary pte (the `host_write` actor):
    /// writes when the pte is present and writable, else faults into
    /// `handle_pte_fault` and stores again after it returns.
    HostStore,
    /// `[entry =] ptep_clear_flush(vma, addr, ptep)` (v6.9+, a call into
    /// mm/pgtable-generic.c): this step does the callee's first line,
    /// `ptep_get_and_clear` (the pte is cleared, and kept in `entry` when
    /// `keep_entry`), so the caller's `pte-cleared` milestone holds the
    /// cleared pte; then the rest of `ptep_clear_flush` runs as a call
    /// (the TLB flush, which reaches the secondary TLBs on x86).
    CallPtepClearFlush { keep_entry: bool },
    /// `set_pte_at(mm, addr, ptep, pte)` with `pte` computed as `from`
    /// says (v6.10's plain `set_pte_at` where v6.9 had `set_pte_at_notify`).
    SetPteAtFrom(EntryFrom),
    /// `wp_page_reuse(vmf, folio)` (v6.9+): make the pte dirty and writable
    /// in place, then release the PT lock (it `__releases(vmf->ptl)`).
    WpPageReuse,

    // --- notifier list walk ---
    /// `int notify_missing = 0` (the 2014 patch).
    ClearNotifyMissing,
    /// `if (notify_missing)`, else jump.
    IfNotifyMissing { else_: &'static str },
    /// Start/continue `hlist_for_each_entry`: jump when the list is done.
    ForEachNotifier { done: &'static str },
    /// `if (mn->ops->X)` / `if (mn->ops->X && !mn->ops->Y)`, else jump.
    IfOps { has: Callback, lacks: Option<Callback>, else_: &'static str },
    /// `mn->ops->X(mn, mm, ...)`: push the current notifier's callback;
    /// after it returns continue at `then` (else the next line).
    Invoke { cb: Callback, then: Option<&'static str> },
    /// `else ret = 1` (the 2014 patch): remember a notifier lacks change_pte.
    SetNotifyMissing,
    /// Advance to the next notifier and jump to the loop head.
    NextNotifier { head: &'static str },
    /// v4.15: call `__mmu_notifier_invalidate_range_end(mm, start, end,
    /// only_end)`, setting the thread's `only_end` (true from
    /// `mmu_notifier_invalidate_range_only_end`, false from the plain
    /// `mmu_notifier_invalidate_range_end`); closes the range like
    /// `Call(MnInvalidateRangeEnd)`.
    CallInvalidateRangeEnd { only_end: bool },
    /// v4.15 `if (!only_end && mn->ops->X)`, else jump: `X` is skipped when
    /// the caller said it already ran under the PT lock.
    IfOpsUnlessOnlyEnd { has: Callback, else_: &'static str },

    // --- a notifier user's own ops ---
    /// An op of one notifier user (KVM, GRU, ...), executed by its module
    /// in [`crate::users`].
    User(UserOp),
}

/// One listing line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Stmt {
    /// Line in the cited version of the file.
    pub line: u32,
    /// For functions of a tag elixir does not have (`v3.13+patch`): the
    /// line at the same place in [`Tag::elixir`] (v3.13).
    pub base_line: u32,
    /// The pseudo-C shown.
    pub code: &'static str,
    /// What executing it does.
    pub op: Op,
    /// Milestone name: points that correspond across semantics.
    pub milestone: Option<&'static str>,
    /// Jump label.
    pub label: Option<&'static str>,
}

impl Stmt {
    /// A line at `line` of its function's file.
    pub const fn new(line: u32, code: &'static str, op: Op) -> Stmt {
        Stmt { line, base_line: line, code, op, milestone: None, label: None }
    }

    /// A line of the 2014 patch at `line` of the patched file, which is at
    /// `base` in v3.13.
    pub const fn patched(line: u32, base: u32, code: &'static str, op: Op) -> Stmt {
        Stmt { line, base_line: base, code, op, milestone: None, label: None }
    }

    /// Marks a milestone.
    pub const fn ms(mut self, m: &'static str) -> Stmt {
        self.milestone = Some(m);
        self
    }

    /// Marks a jump label.
    pub const fn at(mut self, l: &'static str) -> Stmt {
        self.label = Some(l);
        self
    }
}

/// A kernel function's listing for one era.
#[derive(Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Function {
    /// Which function.
    pub id: FuncId,
    /// The kernel's name (`write_protect_page`).
    pub name: &'static str,
    /// File in the kernel tree.
    pub file: &'static str,
    /// Tag the lines count in.
    pub tag: Tag,
    /// Line of the function's definition.
    pub line: u32,
    /// Line of the definition in [`Tag::elixir`] (v3.13 for patched listings).
    pub base_line: u32,
    /// The statements.
    pub body: &'static [Stmt],
}

impl Function {
    /// Index of the statement carrying `label`.
    pub fn label(&self, label: &str) -> Option<usize> {
        self.body.iter().position(|s| s.label == Some(label))
    }

    /// The citation of statement `pc`.
    pub fn source(&self, pc: usize) -> Source {
        match self.body.get(pc) {
            Some(s) => Source { file: self.file, line: s.line, tag: self.tag, base_line: s.base_line },
            None => self.head(),
        }
    }

    /// The citation of the function definition.
    pub fn head(&self) -> Source {
        Source { file: self.file, line: self.line, tag: self.tag, base_line: self.base_line }
    }
}

/// The listings of `f`, one slot per semantics in [`Semantics::ALL`] order.
/// No wildcard: a new [`FuncId`] or a
/// new era (`Semantics::COUNT` growing) makes the compiler ask about every
/// function, and "same as v3.13" is written out as the same static.
const fn listings(f: FuncId) -> [&'static Function; Semantics::COUNT] {
    [
        era::v3_6::column(f),
        era::v3_13::column(f),
        era::patched::column(f),
        era::bracket_if_missing::column(f),
        era::event_aware::column(f),
        era::v4_15::column(f),
        era::v6_9::column(f),
        era::v6_10::column(f),
    ]
}

/// `TABLE[f as usize][sem as usize]`: [`listings`] of every function,
/// evaluated at compile time so that [`function`] (in the explorer's hot
/// loop) is two indexings.
static TABLE: [[&Function; Semantics::COUNT]; FuncId::COUNT] = {
    let mut i = 0;
    while i < Semantics::COUNT {
        assert!(Semantics::ALL[i] as usize == i, "Semantics::ALL is in declaration order");
        i += 1;
    }
    let mut t = [listings(FuncId::ALL[0]); FuncId::COUNT];
    let mut i = 0;
    while i < FuncId::COUNT {
        assert!(FuncId::ALL[i] as usize == i, "FuncId::ALL is in declaration order");
        t[i] = listings(FuncId::ALL[i]);
        i += 1;
    }
    t
};

/// The listing of `f` under `sem`.
pub fn function(f: FuncId, sem: Semantics) -> &'static Function {
    TABLE[f as usize][sem as usize]
}

/// The function implementing `cb` for notifier `n` at `sem`'s tag, if its
/// ops table has it there.
pub fn callback_function(n: NotifierId, sem: Semantics, cb: Callback) -> Option<FuncId> {
    n.callback_function(sem, cb)
}

/// Every listing, for tests and for the book's source index: each distinct
/// static once, in [`FuncId::ALL`] then [`Semantics::ALL`] order.
pub fn all_functions() -> Vec<&'static Function> {
    let mut out: Vec<&'static Function> = Vec::new();
    for row in &TABLE {
        for f in row {
            if !out.iter().any(|g| std::ptr::eq(*g, *f)) {
                out.push(f);
            }
        }
    }
    out
}

/// The notifier callback a function implements, if it is one (inverse of
/// [`callback_function`]); front ends use it to show "the callback
/// running now".
pub fn callback_of(f: FuncId) -> Option<(NotifierId, Callback)> {
    NotifierId::ALL.into_iter().find_map(|n| {
        Semantics::ALL.into_iter().find_map(|sem| n.callbacks(sem)?.iter().find(|(_, g)| *g == f).map(|(c, _)| (n, *c)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_appears_once_in_all_and_once_in_the_table() {
        for (i, f) in FuncId::ALL.into_iter().enumerate() {
            assert_eq!(f as usize, i, "{f:?}");
            assert_eq!(FuncId::ALL.iter().filter(|g| **g == f).count(), 1, "{f:?}");
            // Row `i` is `f`'s and no other row holds a listing of `f`.
            for (j, row) in TABLE.iter().enumerate() {
                let mine = row.iter().filter(|l| l.id == f).count();
                assert_eq!(mine, if i == j { Semantics::COUNT } else { 0 }, "{f:?} in row {j}");
            }
            for sem in Semantics::ALL {
                assert!(std::ptr::eq(function(f, sem), listings(f)[sem as usize]));
            }
        }
    }

    #[test]
    fn all_functions_lists_each_static_once() {
        let all = all_functions();
        for (i, f) in all.iter().enumerate() {
            assert!(!all[..i].iter().any(|g| std::ptr::eq(*g, *f)), "{} @ {}", f.name, f.tag);
        }
        for row in &TABLE {
            assert!(row.iter().all(|f| all.iter().any(|g| std::ptr::eq(*g, *f))));
        }
    }
}
