//! Kernel tags: the version a listing's line numbers count in, and the
//! elixir tag its links point at.

use serde::{Serialize, Serializer};

/// A kernel version a listing cites. Real tags link to themselves; a tag
/// for code that never was in a release (a patch as posted, a design
/// alternative) links to the tag it applies over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag {
    /// What listings and traces print (`v3.13+patch`).
    pub name: &'static str,
    /// The elixir tag its links point at (`v3.13`).
    pub elixir: &'static str,
    /// For lines that are not kernel code (the hypothetical driver, an
    /// actor's access): what the cited kernel line is to them, printed
    /// before the citation (`hypothetical, implements`). `None` for kernel
    /// code.
    pub not_kernel: Option<&'static str>,
}

impl Tag {
    /// Linux v3.6.
    pub const V3_6: Tag = Tag { name: "v3.6", elixir: "v3.6", not_kernel: None };
    /// Linux v3.13.
    pub const V3_13: Tag = Tag { name: "v3.13", elixir: "v3.13", not_kernel: None };
    /// Mike Rapoport's January 2014 patch over v3.13, as posted (elixir
    /// has no patched tree, so links point into v3.13).
    pub const V3_13_PATCH: Tag = Tag { name: "v3.13+patch", elixir: "v3.13", not_kernel: None };
    /// A design alternative over v3.13 (links point into v3.13).
    pub const V3_13_ALT: Tag = Tag { name: "v3.13+alt", elixir: "v3.13", not_kernel: None };
    /// Linux v4.15.
    pub const V4_15: Tag = Tag { name: "v4.15", elixir: "v4.15", not_kernel: None };
    /// Linux v6.9.
    pub const V6_9: Tag = Tag { name: "v6.9", elixir: "v6.9", not_kernel: None };
    /// Linux v6.10.
    pub const V6_10: Tag = Tag { name: "v6.10", elixir: "v6.10", not_kernel: None };
    /// Hypothetical code of a design alternative over v3.13 (the lines it
    /// adds or changes; links point at the v3.13 line it modifies).
    pub const HYPOTHETICAL_V3_13_ALT: Tag =
        Tag { name: "v3.13+alt", elixir: "v3.13", not_kernel: Some("hypothetical, modifies") };
    /// The hypothetical sleeping driver at v3.6: not kernel code; its lines
    /// cite the `struct mmu_notifier_ops` member each callback implements.
    pub const HYPOTHETICAL_V3_6: Tag =
        Tag { name: "v3.6", elixir: "v3.6", not_kernel: Some("hypothetical, implements") };
    /// The hypothetical sleeping driver at v3.13.
    pub const HYPOTHETICAL_V3_13: Tag =
        Tag { name: "v3.13", elixir: "v3.13", not_kernel: Some("hypothetical, implements") };
    /// The hypothetical sleeping driver at v4.15.
    pub const HYPOTHETICAL_V4_15: Tag =
        Tag { name: "v4.15", elixir: "v4.15", not_kernel: Some("hypothetical, implements") };
    /// The hypothetical sleeping driver at v6.9.
    pub const HYPOTHETICAL_V6_9: Tag =
        Tag { name: "v6.9", elixir: "v6.9", not_kernel: Some("hypothetical, implements") };
    /// The hypothetical sleeping driver at v6.10.
    pub const HYPOTHETICAL_V6_10: Tag =
        Tag { name: "v6.10", elixir: "v6.10", not_kernel: Some("hypothetical, implements") };
    /// An actor's access at v3.6 (a user-space store, a guest access, a GRU
    /// instruction): not kernel code; its line cites the kernel function
    /// its fault goes to.
    pub const ACTOR_V3_6: Tag = Tag { name: "v3.6", elixir: "v3.6", not_kernel: Some("not kernel code, faults to") };
    /// An actor's access at v3.13.
    pub const ACTOR_V3_13: Tag = Tag { name: "v3.13", elixir: "v3.13", not_kernel: Some("not kernel code, faults to") };
    /// An actor's access at v4.15.
    pub const ACTOR_V4_15: Tag = Tag { name: "v4.15", elixir: "v4.15", not_kernel: Some("not kernel code, faults to") };
    /// An actor's access at v6.9.
    pub const ACTOR_V6_9: Tag = Tag { name: "v6.9", elixir: "v6.9", not_kernel: Some("not kernel code, faults to") };
    /// An actor's access at v6.10.
    pub const ACTOR_V6_10: Tag = Tag { name: "v6.10", elixir: "v6.10", not_kernel: Some("not kernel code, faults to") };
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Serializes as its name, the string traces have always printed.
impl Serialize for Tag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name)
    }
}
