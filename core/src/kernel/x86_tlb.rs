//! arch/x86/mm/tlb.c: `flush_tlb_mm_range` (v6.9+), which ends by calling
//! `mmu_notifier_arch_invalidate_secondary_tlbs` (since v6.6).
//!
//! Lines read in T6.9 (ec-jt/linux-6.9.0 @ b12020242247) and T6.10
//! (msgeden/cryptocap-arm64-linux-6.10 @ 449e07155be2, an arm64 fork whose
//! arch/x86/mm/tlb.c is byte-identical to T6.9's). The CPU TLBs are not
//! modelled: the model's CPUs read the pte itself.

use super::FuncId::*;
use super::Op::*;
use super::{FuncId, Function, Stmt};
use crate::tag::Tag;

const F: &str = "arch/x86/mm/tlb.c";

const BODY: &[Stmt] = &[
    Stmt::new(
        1026,
        "if (cpumask_any_but(mm_cpumask(mm), cpu) < nr_cpu_ids) flush_tlb_multi(mm_cpumask(mm), info); else ... flush_tlb_func(info);  /* CPU TLBs: not modelled */",
        Nop,
    ),
    Stmt::new(
        1037,
        "mmu_notifier_arch_invalidate_secondary_tlbs(mm, start, end);",
        Call(MnArchInvalidateSecondaryTlbs),
    ),
];

/// `flush_tlb_mm_range` at v6.9.
pub static FLUSH_TLB_MM_RANGE_V6_9: Function = Function {
    id: FuncId::FlushTlbMmRange,
    name: "flush_tlb_mm_range",
    file: F,
    tag: Tag::V6_9,
    line: 998,
    base_line: 998,
    body: BODY,
};

/// `flush_tlb_mm_range` at v6.10 (same lines).
pub static FLUSH_TLB_MM_RANGE_V6_10: Function = Function {
    id: FuncId::FlushTlbMmRange,
    name: "flush_tlb_mm_range",
    file: F,
    tag: Tag::V6_10,
    line: 998,
    base_line: 998,
    body: BODY,
};
