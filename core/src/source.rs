//! Source citations (`file:line @ tag`) and their elixir links.

use serde::Serialize;

use crate::tag::Tag;

/// Where a listing line comes from in the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Source {
    /// Path in the kernel tree, e.g. `mm/ksm.c`.
    pub file: &'static str,
    /// Line in `tag`'s version of the file.
    pub line: u32,
    /// The kernel tag; for lines of a tag elixir does not have
    /// ([`Tag::V3_13_PATCH`]) `line` counts in the patched file, see
    /// [`Source::base_line`].
    pub tag: Tag,
    /// The line at the same place in the tree the elixir link points to
    /// ([`Tag::elixir`]: v3.13 for `v3.13+patch`). Equal to `line` for real
    /// tags.
    #[serde(skip)]
    pub base_line: u32,
}

impl Source {
    /// The `https://elixir.bootlin.com/linux/<tag>/source/<file>#L<line>` link.
    /// Lines of a tag elixir does not have (the 2014 patch) link to the
    /// line of [`Tag::elixir`] the hunk applies at.
    pub fn url(&self) -> String {
        format!("https://elixir.bootlin.com/linux/{}/source/{}#L{}", self.tag.elixir, self.file, self.base_line)
    }

    /// `mm/ksm.c:855 @ v3.13`; for a line that is not kernel code, what the
    /// cited line is to it comes first (`hypothetical, implements
    /// include/linux/mmu_notifier.h:138 @ v3.13`).
    pub fn short(&self) -> String {
        format!("{}{}:{} @ {}", self.prefix(), self.file, self.line, self.tag)
    }

    /// `mm/ksm.c:855` without the tag, prefixed like [`Source::short`]
    /// for lines that are not kernel code.
    pub fn place(&self) -> String {
        format!("{}{}:{}", self.prefix(), self.file, self.line)
    }

    /// `hypothetical, implements ` for lines that are not kernel code, else empty.
    fn prefix(&self) -> String {
        self.tag.not_kernel.map(|p| format!("{p} ")).unwrap_or_default()
    }
}

/// `mm/ksm.c:855@v3.13` (trace text); not-kernel lines are prefixed as in
/// [`Source::short`].
impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}:{}@{}", self.prefix(), self.file, self.line, self.tag)
    }
}
