//! Concurrent actors the explorer adds next to a scenario's host path.
//!
//! Each actor is one more thread of the [`crate::machine::Machine`], running a real
//! kernel path written as statements with citations:
//!
//! | id | thread kind | what it does |
//! |---|---|---|
//! | `host_write` | `host_write` | a second host thread stores to the page through the primary pte: no fault when the pte is writable, else `handle_pte_fault` → `do_wp_page` (COW) and the store again |
//! | `vcpu_read` / `vcpu_write` | `vcpu` | one guest access through KVM's spte; without a usable spte, `tdp_page_fault` (a write to a read-only COW pte runs `do_wp_page` inside `get_user_pages`) |
//! | `gru_read` / `gru_write` | `gru` | one GRU instruction accessing the page through the GRU TLB; on a miss, `gru_user_dropin` → `gru_try_dropin` |
//! | `svm_read` / `svm_write` | `svm` | one DMA of an Intel SVM device through the IOMMU's IOTLB; on a miss the IOMMU walks the process page table itself, and a missing or read-only pte sends a page request (`handle_mm_fault`) |
//!
//! Ids may repeat (`host_write,host_write,gru_read`). The values written are
//! fixed per thread ([`Actor::value`]) so that a stale read or a lost write
//! names who wrote what.

use serde::Serialize;

use crate::names::UnknownName;
use crate::notifier::NotifierId;

/// One concurrent actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// A second host thread writing the page through the primary pte.
    HostWrite,
    /// A vCPU reading the guest frame.
    VcpuRead,
    /// A vCPU writing the guest frame.
    VcpuWrite,
    /// A GRU instruction reading the address.
    GruRead,
    /// A GRU instruction writing the address.
    GruWrite,
    /// An Intel SVM device's DMA reading the address.
    SvmRead,
    /// An Intel SVM device's DMA writing the address.
    SvmWrite,
}

impl Actor {
    /// Every actor, in `--help` order.
    pub const ALL: [Actor; 7] = [
        Actor::HostWrite,
        Actor::VcpuRead,
        Actor::VcpuWrite,
        Actor::GruRead,
        Actor::GruWrite,
        Actor::SvmRead,
        Actor::SvmWrite,
    ];

    /// Stable id (command line, JSON, scenario files).
    pub fn id(self) -> &'static str {
        match self {
            Actor::HostWrite => "host_write",
            Actor::VcpuRead => "vcpu_read",
            Actor::VcpuWrite => "vcpu_write",
            Actor::GruRead => "gru_read",
            Actor::GruWrite => "gru_write",
            Actor::SvmRead => "svm_read",
            Actor::SvmWrite => "svm_write",
        }
    }

    /// The access is a write.
    pub fn writes(self) -> bool {
        matches!(self, Actor::HostWrite | Actor::VcpuWrite | Actor::GruWrite | Actor::SvmWrite)
    }

    /// The notifier that must be registered for this actor to exist (the
    /// vCPU needs KVM, the GRU instruction needs GRU, the SVM device Intel
    /// SVM).
    pub fn needs(self) -> Option<NotifierId> {
        match self {
            Actor::HostWrite => None,
            Actor::VcpuRead | Actor::VcpuWrite => Some(NotifierId::Kvm),
            Actor::GruRead | Actor::GruWrite => Some(NotifierId::Gru),
            Actor::SvmRead | Actor::SvmWrite => Some(NotifierId::IntelSvm),
        }
    }

    /// The value a writing actor stores when it runs as thread `thread`:
    /// `0x1000`, `0x2000`, `0x3000` or `0x4000` (host, vCPU, GRU, Intel
    /// SVM device) plus the thread
    /// index, so every write in a counterexample is recognisable.
    pub fn value(self, thread: u8) -> u32 {
        let base = match self {
            Actor::HostWrite => 0x1000,
            Actor::VcpuRead | Actor::VcpuWrite => 0x2000,
            Actor::GruRead | Actor::GruWrite => 0x3000,
            Actor::SvmRead | Actor::SvmWrite => 0x4000,
        };
        base + u32::from(thread)
    }

    /// Parses one id; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<Actor, UnknownName> {
        Actor::ALL.into_iter().find(|a| a.id() == s).ok_or_else(|| UnknownName {
            kind: "actor",
            given: s.to_string(),
            valid: Actor::ALL.iter().map(|a| a.id().to_string()).collect(),
        })
    }

    /// Parses a comma-separated list. Unlike notifiers, ids may repeat:
    /// `host_write,host_write` is two writer threads.
    pub fn parse_list(s: &str) -> Result<Vec<Actor>, UnknownName> {
        s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(Actor::parse).collect()
    }

    /// `host_write,gru_read` (the `--actors` spelling of a list).
    pub fn list_id(actors: &[Actor]) -> String {
        actors.iter().map(|a| a.id()).collect::<Vec<_>>().join(",")
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
