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
}

impl Semantics {
    /// How many semantics there are: the width of per-era tables such as
    /// [`crate::kernel::function`]'s.
    pub const COUNT: usize = 3;

    /// Every semantics, in historical order (`ALL[s as usize] == s`).
    pub const ALL: [Semantics; Semantics::COUNT] = [Semantics::Original, Semantics::Wrapped, Semantics::Patched];

    /// The stable id used on the command line, in JSON and in URLs.
    pub fn id(self) -> &'static str {
        match self {
            Semantics::Original => "original",
            Semantics::Wrapped => "wrapped",
            Semantics::Patched => "patched",
        }
    }

    /// The kernel tag whose line numbers the listings cite.
    pub fn tag(self) -> Tag {
        match self {
            Semantics::Original => Tag::V3_6,
            Semantics::Wrapped => Tag::V3_13,
            Semantics::Patched => Tag::V3_13_PATCH,
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
