//! The eras being compared.

use serde::{Deserialize, Serialize};

use crate::names::UnknownName;
use crate::tag::Tag;

/// Which kernel behaviour around `set_pte_at_notify()` is simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Semantics {
    /// Linux v3.6: `set_pte_at` then `change_pte` under the PT lock; the
    /// notifier list is walked under RCU and a notifier without `change_pte`
    /// gets `invalidate_page` instead. No range bracket.
    Original,
    /// Linux v3.7 … v3.13: every caller brackets the update with
    /// `invalidate_range_start/end` outside the PT lock and there is no
    /// `invalidate_page` fallback (6bdb913f0a70); `change_pte` runs before
    /// `set_pte_at` (48af0d7cb3c8); the list is walked under SRCU
    /// (21a92735f660).
    Wrapped,
    /// Mike Rapoport's January 2014 patch on v3.13, as posted: bracket removed
    /// from `write_protect_page`, `do_wp_page` and `__replace_page` (not from
    /// KSM's `replace_page`); notifiers lacking `change_pte` get
    /// `invalidate_page` after the PT lock is dropped.
    Patched,
    /// Haggai Eran's 2014-04-02 alternative, per-mm reading (message-id
    /// 533C081D.9050202@mellanox.com), over v3.13: each caller keeps the
    /// range bracket for every notifier when a registered notifier with
    /// range callbacks lacks `change_pte`; otherwise no bracket and
    /// `change_pte` runs under the PT lock. Hypothetical code.
    BracketIfMissing,
    /// Jérôme Glisse's 2014-04-02 proposal (message-id
    /// 20140402151825.GA3614@gmail.com) and 2019 RFC, over v3.13: the
    /// bracket stays for everyone, but KSM's and COW's ranges are tagged
    /// "change_pte follows" and KVM's range callbacks return at once for
    /// them, so KVM keeps its spte and `change_pte` remaps it.
    /// Hypothetical code.
    EventAware,
    /// Linux v4.15: no `invalidate_page`; `invalidate_range` from
    /// `ptep_clear_flush_notify` (COW, uprobes) or at `range_end` (KSM,
    /// 0f10851ea475); COW ends with `_only_end` (4645b9fe84bf).
    #[serde(rename = "v4.15")]
    V4_15,
    /// Linux v6.9: `struct mmu_notifier_range`; shared-page-table devices
    /// flushed by `arch_invalidate_secondary_tlbs` inside
    /// `ptep_clear_flush`; KVM's `change_pte` returns early when no
    /// invalidation is in progress; range-limited fault retry.
    #[serde(rename = "v6.9")]
    V6_9,
    /// Linux v6.10: `change_pte` and `set_pte_at_notify` removed
    /// (f3b65bbaed7c …): plain `set_pte_at` inside the same bracket.
    #[serde(rename = "v6.10")]
    V6_10,
}

impl Semantics {
    /// How many semantics there are: the width of per-era tables such as
    /// [`crate::kernel::function`]'s.
    pub const COUNT: usize = 8;

    /// Every semantics, in historical order (`ALL[s as usize] == s`).
    pub const ALL: [Semantics; Semantics::COUNT] = [
        Semantics::Original,
        Semantics::Wrapped,
        Semantics::Patched,
        Semantics::BracketIfMissing,
        Semantics::EventAware,
        Semantics::V4_15,
        Semantics::V6_9,
        Semantics::V6_10,
    ];

    /// The stable id used on the command line, in JSON and in URLs.
    pub fn id(self) -> &'static str {
        match self {
            Semantics::Original => "original",
            Semantics::Wrapped => "wrapped",
            Semantics::Patched => "patched",
            Semantics::BracketIfMissing => "bracket_if_missing",
            Semantics::EventAware => "event_aware",
            Semantics::V4_15 => "v4.15",
            Semantics::V6_9 => "v6.9",
            Semantics::V6_10 => "v6.10",
        }
    }

    /// The kernel tag whose line numbers the listings cite.
    pub fn tag(self) -> Tag {
        match self {
            Semantics::Original => Tag::V3_6,
            Semantics::Wrapped => Tag::V3_13,
            Semantics::Patched => Tag::V3_13_PATCH,
            Semantics::BracketIfMissing | Semantics::EventAware => Tag::V3_13_ALT,
            Semantics::V4_15 => Tag::V4_15,
            Semantics::V6_9 => Tag::V6_9,
            Semantics::V6_10 => Tag::V6_10,
        }
    }

    /// One-line description for pickers and help screens.
    pub fn describe(self) -> &'static str {
        match self {
            Semantics::Original => {
                "v3.6: set_pte_at, then change_pte (or invalidate_page fallback) under the PT lock, RCU walk"
            }
            Semantics::Wrapped => {
                "v3.7-v3.13: range_start/end bracket outside the PT lock, no invalidate_page fallback (6bdb913f); change_pte before set_pte_at (48af0d7c); SRCU walk (21a92735)"
            }
            Semantics::Patched => {
                "Rapoport 2014 patch: no bracket (but KSM replace_page keeps it), invalidate_page after unlock for notifiers lacking change_pte"
            }
            Semantics::BracketIfMissing => {
                "Haggai Eran 2014-04-02 (533C081D.9050202@mellanox.com), hypothetical over v3.13: bracket for everyone only when a range notifier lacks change_pte, else change_pte under the PT lock"
            }
            Semantics::EventAware => {
                "Glisse 2014-04-02 (20140402151825.GA3614@gmail.com) / 2019 RFC, hypothetical over v3.13: bracket kept, KSM and COW ranges tagged change_pte-follows, KVM's range callbacks skip them"
            }
            Semantics::V4_15 => {
                "v4.15: no invalidate_page; invalidate_range under the PT lock (COW, uprobes) or at range_end (KSM, 0f10851e); COW ends with _only_end (4645b9fe)"
            }
            Semantics::V6_9 => {
                "v6.9: mmu_notifier_range bracket; arch_invalidate_secondary_tlbs inside ptep_clear_flush; KVM change_pte returns early with no invalidation in progress; range-limited retry"
            }
            Semantics::V6_10 => {
                "v6.10: change_pte and set_pte_at_notify removed (f3b65bba...): set_pte_at inside the same bracket"
            }
        }
    }

    /// Parses a semantics id; the error lists the valid ids.
    pub fn parse(s: &str) -> Result<Semantics, UnknownName> {
        Semantics::ALL.into_iter().find(|x| x.id() == s).ok_or_else(|| UnknownName {
            kind: "semantics",
            given: s.to_string(),
            valid: Semantics::ALL.iter().map(|x| x.id().to_string()).collect(),
        })
    }
}

impl std::fmt::Display for Semantics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for Semantics {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Semantics::parse(s)
    }
}
