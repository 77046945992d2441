//! mm/pgtable-generic.c: `ptep_clear_flush` (v6.9+, the generic one x86
//! uses: no `__HAVE_ARCH_PTEP_CLEAR_FLUSH` under arch/x86).
//!
//! Lines read in T6.9 (ec-jt/linux-6.9.0 @ b12020242247, Makefile 6.9.0)
//! and T6.10 (msgeden/cryptocap-arm64-linux-6.10 @ 449e07155be2, first
//! commit, Makefile 6.10.0): 94–103 are the same in both. Its first line,
//! `pte = ptep_get_and_clear(mm, address, ptep)` (99), is executed by the
//! caller's statement ([`super::Op::CallPtepClearFlush`]), so that the
//! caller's `pte-cleared` milestone corresponds to the other eras'; the
//! listing starts at the flush.

use super::FuncId::*;
use super::Op::*;
use super::{FuncId, Function, Stmt};
use crate::tag::Tag;

const F: &str = "mm/pgtable-generic.c";

const BODY: &[Stmt] = &[
    Stmt::new(
        100,
        "if (pte_accessible(mm, pte)) flush_tlb_page(vma, address);  /* pte was present; x86 tlbflush.h 252-255: flush_tlb_mm_range(mm, a, a + PAGE_SIZE, ...) */",
        Call(FlushTlbMmRange),
    ),
    Stmt::new(102, "return pte;", Return),
];

/// `ptep_clear_flush` at v6.9: the CPU TLB flush, which on x86 also
/// flushes the secondary TLBs, under the caller's PT lock.
pub static PTEP_CLEAR_FLUSH_V6_9: Function = Function {
    id: FuncId::PtepClearFlushGeneric,
    name: "ptep_clear_flush",
    file: F,
    tag: Tag::V6_9,
    line: 94,
    base_line: 94,
    body: BODY,
};

/// `ptep_clear_flush` at v6.10 (same lines).
pub static PTEP_CLEAR_FLUSH_V6_10: Function = Function {
    id: FuncId::PtepClearFlushGeneric,
    name: "ptep_clear_flush",
    file: F,
    tag: Tag::V6_10,
    line: 94,
    base_line: 94,
    body: BODY,
};
