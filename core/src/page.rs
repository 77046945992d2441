//! Physical pages and primary page-table entries.

use serde::Serialize;

/// Page frame number.
pub type Pfn = u64;

/// A physical page as the model tracks it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Page {
    /// Page frame number.
    pub pfn: Pfn,
    /// Scenario name of the page (`page`, `kpage`, `new_page`...).
    pub name: String,
    /// `page_count()`: references, including one per mapping.
    pub refcount: i32,
    /// `page_mapcount()`: number of ptes mapping it.
    pub mapcount: i32,
    /// `PageAnon`.
    pub anon: bool,
    /// `PageKsm`.
    pub ksm: bool,
    /// `PageLocked`: which thread holds the page lock.
    pub locked_by: Option<u8>,
    /// `PageDirty`.
    pub dirty: bool,
    /// Not yet allocated (a free page the scenario will allocate) or freed.
    pub free: bool,
    /// The page's contents, abstracted to one value so that stale reads and
    /// lost writes can be detected.
    pub content: u32,
}

/// A primary page-table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Pte {
    /// The page it maps.
    pub pfn: Pfn,
    /// `pte_present`.
    pub present: bool,
    /// `pte_write`.
    pub writable: bool,
    /// `pte_dirty`.
    pub dirty: bool,
}

impl Pte {
    /// The cleared entry `ptep_clear_flush` leaves behind.
    pub const NONE: Pte = Pte { pfn: 0, present: false, writable: false, dirty: false };

    /// `0x100 RW D`, `0x200 R`, or `none`.
    pub fn describe(&self) -> String {
        if !self.present {
            return "none".to_string();
        }
        format!("{:#x} {}{}", self.pfn, if self.writable { "RW" } else { "R" }, if self.dirty { " D" } else { "" })
    }
}
