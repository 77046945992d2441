//! Keymaps are data: a table of key → [`Action`]. The help overlay and the
//! hint bar are generated from the same table, so they cannot drift from
//! what the keys really do.

use std::fmt;

use notifier_lab_core::present::Move;
use notifier_lab_core::scenario::BUILTIN;

/// A key, independent of the terminal library (so the table and the
/// state machine can be tested without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// A printable character (case-sensitive: `R` is not `r`).
    Char(char),
    /// Control + letter (lower case).
    Ctrl(char),
    /// ←
    Left,
    /// →
    Right,
    /// ↑
    Up,
    /// ↓
    Down,
    /// Tab
    Tab,
    /// Shift-Tab
    BackTab,
    /// Enter
    Enter,
    /// Escape
    Esc,
    /// Backspace
    Backspace,
    /// Page up
    PageUp,
    /// Page down
    PageDown,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Char(' ') => f.write_str("Space"),
            Key::Char(c) => write!(f, "{c}"),
            Key::Ctrl(c) => write!(f, "Ctrl-{}", c.to_ascii_uppercase()),
            Key::Left => f.write_str("←"),
            Key::Right => f.write_str("→"),
            Key::Up => f.write_str("↑"),
            Key::Down => f.write_str("↓"),
            Key::Tab => f.write_str("Tab"),
            Key::BackTab => f.write_str("S-Tab"),
            Key::Enter => f.write_str("Enter"),
            Key::Esc => f.write_str("Esc"),
            Key::Backspace => f.write_str("Bksp"),
            Key::PageUp => f.write_str("PgUp"),
            Key::PageDown => f.write_str("PgDn"),
        }
    }
}

/// Everything a key can do in the normal mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Next statement at this depth, both sides.
    Next,
    /// One statement, both sides.
    StepInto,
    /// Until the current function returns, both sides.
    Finish,
    /// One statement back, both sides.
    Back,
    /// Prompt for a step number or milestone.
    Goto,
    /// Both runs to the end.
    RunToEnd,
    /// Both runs to the start.
    Restart,
    /// Focus the other column.
    FocusToggle,
    /// Previous semantics on the focused side.
    SemanticsPrev,
    /// Next semantics on the focused side.
    SemanticsNext,
    /// Scenario picker.
    ChooseScenario,
    /// Notifier picker.
    ChooseNotifiers,
    /// Summary view on/off.
    Summary,
    /// The mapping diagram pane on/off.
    Mappings,
    /// The thread timeline pane on/off.
    Timeline,
    /// Help overlay.
    Help,
    /// Older event log lines (focused side).
    ScrollLogUp,
    /// Newer event log lines (focused side).
    ScrollLogDown,
    /// Switch between the default and vim keymaps.
    SwitchKeymap,
    /// Leave.
    Quit,
}

impl Action {
    /// Every action, in the order help lists them.
    pub const ALL: [Action; 20] = [
        Action::Next,
        Action::StepInto,
        Action::Finish,
        Action::Back,
        Action::Goto,
        Action::RunToEnd,
        Action::Restart,
        Action::FocusToggle,
        Action::SemanticsPrev,
        Action::SemanticsNext,
        Action::ChooseScenario,
        Action::ChooseNotifiers,
        Action::Summary,
        Action::Mappings,
        Action::Timeline,
        Action::Help,
        Action::ScrollLogUp,
        Action::ScrollLogDown,
        Action::SwitchKeymap,
        Action::Quit,
    ];

    /// One-line description for the help overlay. The semantics ids and
    /// scenario names are read from [`Semantics::ALL`] and [`BUILTIN`].
    pub fn describe(self) -> String {
        if let Some(m) = self.as_move() {
            return m.describe();
        }
        let text = match self {
            Action::ChooseScenario => {
                let names: Vec<&str> = BUILTIN.iter().map(|(name, _, _)| *name).collect();
                return format!("choose the scenario ({})", names.join(", "));
            }
            Action::ChooseNotifiers => "choose the registered notifiers",
            Action::Summary => "summary view on/off (opens by itself when both runs end)",
            Action::Mappings => {
                "mappings pane on/off: the pte and each secondary mapping as arrows to pages, stale ones marked"
            }
            Action::Timeline => "timeline pane on/off: one lane per thread, a mark per executed step",
            Action::Help => "this help",
            Action::ScrollLogUp => "scroll the focused side's event log up",
            Action::ScrollLogDown => "scroll the focused side's event log down",
            Action::SwitchKeymap => "switch between the default and vim keymaps",
            Action::Quit => "quit",
            // The walkthrough's moves: described by `as_move`.
            _ => "",
        };
        text.to_string()
    }

    /// The walkthrough move this action is, if it is one (its words are
    /// the core's, shared with the browser demo).
    pub fn as_move(self) -> Option<Move> {
        Some(match self {
            Action::Next => Move::StepOver,
            Action::StepInto => Move::StepInto,
            Action::Finish => Move::Finish,
            Action::Back => Move::Back,
            Action::Goto => Move::Goto,
            Action::RunToEnd => Move::RunToEnd,
            Action::Restart => Move::Restart,
            Action::FocusToggle => Move::FocusToggle,
            Action::SemanticsPrev => Move::SemanticsPrev,
            Action::SemanticsNext => Move::SemanticsNext,
            _ => return None,
        })
    }

    /// Short label for the hint bar.
    pub fn short(self) -> &'static str {
        match self {
            Action::Next => "next",
            Action::StepInto => "into",
            Action::Finish => "finish",
            Action::Back => "back",
            Action::Goto => "goto",
            Action::RunToEnd => "end",
            Action::Restart => "restart",
            Action::FocusToggle => "focus",
            Action::SemanticsPrev => "sem-",
            Action::SemanticsNext => "sem+",
            Action::ChooseScenario => "scenario",
            Action::ChooseNotifiers => "notifiers",
            Action::Summary => "summary",
            Action::Mappings => "mappings",
            Action::Timeline => "timeline",
            Action::Help => "help",
            Action::ScrollLogUp => "log up",
            Action::ScrollLogDown => "log down",
            Action::SwitchKeymap => "keymap",
            Action::Quit => "quit",
        }
    }
}

/// A named table of bindings. The first binding of an action is the one
/// the hint bar shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    /// `default` or `vim`.
    pub name: &'static str,
    /// `(key, action)` pairs; a key appears at most once.
    pub bindings: Vec<(Key, Action)>,
}

impl Keymap {
    /// The default preset.
    pub fn default_preset() -> Keymap {
        use Action::*;
        use Key::*;
        Keymap {
            name: "default",
            bindings: vec![
                (Char('n'), Next),
                (Right, Next),
                (Char(' '), Next),
                (Char('s'), StepInto),
                (Char('f'), Finish),
                (Char('b'), Back),
                (Left, Back),
                (Char('g'), Goto),
                (Char('r'), RunToEnd),
                (Char('R'), Restart),
                (Tab, FocusToggle),
                (BackTab, FocusToggle),
                (Char('['), SemanticsPrev),
                (Char(']'), SemanticsNext),
                (Char('c'), ChooseScenario),
                (Char('N'), ChooseNotifiers),
                (Char('S'), Summary),
                (Char('m'), Mappings),
                (Char('t'), Timeline),
                (Char('?'), Help),
                (PageUp, ScrollLogUp),
                (Up, ScrollLogUp),
                (PageDown, ScrollLogDown),
                (Down, ScrollLogDown),
                (Char('K'), SwitchKeymap),
                (Char('q'), Quit),
                (Ctrl('c'), Quit),
            ],
        }
    }

    /// The vim preset: h/l move back/next, j/k step into/finish (down into
    /// a call, up out of it), `:` goes to, `G` runs to the end, Ctrl-U/D
    /// scroll the log. The default letters that do not clash stay.
    pub fn vim_preset() -> Keymap {
        use Action::*;
        use Key::*;
        Keymap {
            name: "vim",
            bindings: vec![
                (Char('l'), Next),
                (Char('n'), Next),
                (Right, Next),
                (Char(' '), Next),
                (Char('j'), StepInto),
                (Char('s'), StepInto),
                (Char('k'), Finish),
                (Char('f'), Finish),
                (Char('h'), Back),
                (Char('b'), Back),
                (Left, Back),
                (Char(':'), Goto),
                (Char('g'), Goto),
                (Char('G'), RunToEnd),
                (Char('r'), RunToEnd),
                (Char('R'), Restart),
                (Tab, FocusToggle),
                (BackTab, FocusToggle),
                (Char('['), SemanticsPrev),
                (Char(']'), SemanticsNext),
                (Char('c'), ChooseScenario),
                (Char('N'), ChooseNotifiers),
                (Char('S'), Summary),
                (Char('m'), Mappings),
                (Char('t'), Timeline),
                (Char('?'), Help),
                (Ctrl('u'), ScrollLogUp),
                (PageUp, ScrollLogUp),
                (Ctrl('d'), ScrollLogDown),
                (PageDown, ScrollLogDown),
                (Char('K'), SwitchKeymap),
                (Char('q'), Quit),
                (Ctrl('c'), Quit),
            ],
        }
    }

    /// A preset by name (`default`, `vim`).
    pub fn by_name(name: &str) -> Option<Keymap> {
        match name {
            "default" => Some(Keymap::default_preset()),
            "vim" => Some(Keymap::vim_preset()),
            _ => None,
        }
    }

    /// The other preset (for [`Action::SwitchKeymap`]).
    pub fn switched(&self) -> Keymap {
        if self.name == "vim" { Keymap::default_preset() } else { Keymap::vim_preset() }
    }

    /// What `key` does.
    pub fn action(&self, key: Key) -> Option<Action> {
        self.bindings.iter().find(|(k, _)| *k == key).map(|(_, a)| *a)
    }

    /// Every key bound to `action`, in table order.
    pub fn keys(&self, action: Action) -> Vec<Key> {
        self.bindings.iter().filter(|(_, a)| *a == action).map(|(k, _)| *k).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_have_unique_keys_and_cover_every_action() {
        for km in [Keymap::default_preset(), Keymap::vim_preset()] {
            for (i, (k, _)) in km.bindings.iter().enumerate() {
                assert!(!km.bindings[..i].iter().any(|(j, _)| j == k), "{}: {k} bound twice", km.name);
            }
            for a in Action::ALL {
                assert!(!km.keys(a).is_empty(), "{}: {a:?} has no key", km.name);
            }
        }
    }

    #[test]
    fn documented_keys() {
        let d = Keymap::default_preset();
        assert_eq!(d.action(Key::Char('n')), Some(Action::Next));
        assert_eq!(d.action(Key::Right), Some(Action::Next));
        assert_eq!(d.action(Key::Char(' ')), Some(Action::Next));
        assert_eq!(d.action(Key::Char('s')), Some(Action::StepInto));
        assert_eq!(d.action(Key::Char('f')), Some(Action::Finish));
        assert_eq!(d.action(Key::Left), Some(Action::Back));
        assert_eq!(d.action(Key::Char('R')), Some(Action::Restart));
        assert_eq!(d.action(Key::Char('r')), Some(Action::RunToEnd));
        assert_eq!(d.action(Key::Ctrl('c')), Some(Action::Quit));
        assert_eq!(d.action(Key::Char('m')), Some(Action::Mappings));
        assert_eq!(d.action(Key::Char('t')), Some(Action::Timeline));
        let v = Keymap::vim_preset();
        assert_eq!(v.action(Key::Char('h')), Some(Action::Back));
        assert_eq!(v.action(Key::Char('j')), Some(Action::StepInto));
        assert_eq!(v.action(Key::Char('k')), Some(Action::Finish));
        assert_eq!(v.action(Key::Char('l')), Some(Action::Next));
        assert_eq!(v.action(Key::Char('m')), Some(Action::Mappings));
        assert_eq!(v.action(Key::Char('t')), Some(Action::Timeline));
        assert_eq!(d.switched().name, "vim");
        assert_eq!(v.switched().name, "default");
        assert_eq!(Keymap::by_name("vim"), Some(v));
        assert_eq!(Keymap::by_name("emacs"), None);
    }
}
