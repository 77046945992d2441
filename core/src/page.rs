//! Physical pages and primary page-table entries.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::Serialize;

/// Page frame number.
pub type Pfn = u64;

/// An address, pfn or value as every message prints it: `0x7f0000001000`.
pub fn hex(v: u64) -> String {
    format!("{v:#x}")
}

/// A physical page as the model tracks it.
///
/// `Hash` leaves out `name`: a page's name never changes during a run, so
/// it tells no two states apart (the explorer's fingerprints skip it).
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Page {
    /// Page frame number.
    pub pfn: Pfn,
    /// Scenario name of the page (`page`, `kpage`, `new_page`...).
    pub name: Arc<str>,
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

impl Clone for Page {
    fn clone(&self) -> Self {
        Page {
            pfn: self.pfn,
            name: self.name.clone(),
            refcount: self.refcount,
            mapcount: self.mapcount,
            anon: self.anon,
            ksm: self.ksm,
            locked_by: self.locked_by,
            dirty: self.dirty,
            free: self.free,
            content: self.content,
        }
    }

    /// Shares `name` without touching its count when it already does
    /// (states of one run all share their page names).
    fn clone_from(&mut self, o: &Self) {
        let Page { pfn, name, refcount, mapcount, anon, ksm, locked_by, dirty, free, content } = self;
        *pfn = o.pfn;
        if !Arc::ptr_eq(name, &o.name) {
            name.clone_from(&o.name);
        }
        *refcount = o.refcount;
        *mapcount = o.mapcount;
        *anon = o.anon;
        *ksm = o.ksm;
        *locked_by = o.locked_by;
        *dirty = o.dirty;
        *free = o.free;
        *content = o.content;
    }
}

impl Hash for Page {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let Page { pfn, name: _, refcount, mapcount, anon, ksm, locked_by, dirty, free, content } = self;
        pfn.hash(h);
        refcount.hash(h);
        mapcount.hash(h);
        anon.hash(h);
        ksm.hash(h);
        locked_by.hash(h);
        dirty.hash(h);
        free.hash(h);
        content.hash(h);
    }
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
