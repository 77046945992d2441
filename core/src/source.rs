//! Source citations (`file:line @ tag`) and their elixir links.

use serde::Serialize;

/// Where a listing line comes from in the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Source {
    /// Path in the kernel tree, e.g. `mm/ksm.c`.
    pub file: &'static str,
    /// Line in `tag`'s version of the file.
    pub line: u32,
    /// `v3.6`, `v3.13`, or `v3.13+patch` for lines of the 2014 patch (then
    /// `line` counts in the patched file, see [`Source::base_line`]).
    pub tag: &'static str,
    /// For `v3.13+patch` lines: the v3.13 line at the same place, which is
    /// what the elixir link points to (elixir has no patched tree). Equal to
    /// `line` for real tags.
    #[serde(skip)]
    pub base_line: u32,
}

impl Source {
    /// The `https://elixir.bootlin.com/linux/<tag>/source/<file>#L<line>` link.
    /// Lines of the 2014 patch link to the v3.13 line the hunk applies at.
    pub fn url(&self) -> String {
        let tag = if self.tag == "v3.13+patch" { "v3.13" } else { self.tag };
        format!("https://elixir.bootlin.com/linux/{tag}/source/{}#L{}", self.file, self.base_line)
    }

    /// `mm/ksm.c:855 @ v3.13`
    pub fn short(&self) -> String {
        format!("{}:{} @ {}", self.file, self.line, self.tag)
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}@{}", self.file, self.line, self.tag)
    }
}
