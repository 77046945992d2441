//! The `{{#notifier-lab ...}}` directives: finding them in a chapter and
//! parsing their arguments.
//!
//! A directive is `{{#notifier-lab <name> <positional>... <key>=<value>...}}`
//! on one line. Positional arguments come first (scenario, semantics,
//! notifier...), options are `key=value` words anywhere after the name. A
//! directive written `\{{#notifier-lab ...}}` is not expanded: the
//! backslash is removed and the text is kept (to show a directive in prose).
//!
//! | directive | renders |
//! |---|---|
//! | `ops` | each notifier user's ops table (`NotifierId::ops()`) |
//! | `scenarios` | the built-in scenarios with their titles |
//! | `summary <scenario> [notifiers=..] [semantics=..]` | counters × semantics |
//! | `calls <scenario> <notifier> [notifiers=..] [semantics=..]` | callbacks × semantics, with under-PT-lock counts |
//! | `users <scenario> [notifiers=..] [semantics=..]` | every notifier's callbacks and effects × semantics |
//! | `trace <scenario> <semantics> [from=M] [to=M] [within=F] [depth=N] [thread=T] [right=S] [events=only] [notifiers=..]` | a trace excerpt with citations and demo links (`within=F`: the first call of function `F`) |
//! | `msc <scenario> <semantics> [from=M] [to=M] [notifiers=..]` | a message-sequence chart (inline SVG) |
//! | `diagram <scenario> <semantics> at=M [notifiers=..] [actors=A,B schedule=D..]` | the mapping diagram after step `M` (inline SVG, the demo's), marking what that step changed |
//! | `timeline <scenario> <semantics> at=M [notifiers=..] [actors=A,B schedule=D..]` | the thread timeline up to step `M` (inline SVG, the demo's) |
//! | `compare <scenario> <left> <right> [notifiers=..]` | the two runs aligned at milestones |
//! | `states <scenario> [notifiers=..] [semantics=..]` | the state after each milestone, the semantics side by side |
//! | `check <scenario> <semantics> actors=A,B [violation=V] [notifiers=..]` | explorer result and a shortest counterexample, with the demo link that replays it |
//! | `verdicts <scenario> actors=A,B [notifiers=..] [semantics=..]` | explorer verdict per semantics × invariant |
//! | `designs explore=<scenario>[@<notifiers>]:<actors>;... [notifiers=..] [semantics=..]` | the design-space table: one row per semantics, KVM and GRU effects and PT-lock callbacks per scenario, and the explorer's verdicts over the named configurations, each linking to its counterexample in the demo |
//! | `demo <scenario> <left> [right=S] [at=M] [notifiers=..]` | an inline link to the demo's walkthrough of `left` against `right` (default: the semantics before `left`), after step `M` (default: the start) |
//! | `value <scenario> <semantics> <path> [notifiers=..]` | one number from the summary, inline |
//! | `assert <scenario> <semantics> [notifiers=..] <path> <op> <value>` | nothing; fails the build when false |
//! | `assert-check <scenario> <semantics> actors=A,B [notifiers=..] <path> <op> <value>` | nothing; fails the build when the explorer disagrees |
//!
//! `semantics=a,b,c` picks the columns (or rows) of a per-semantics table
//! and their order; without it a table has every semantics in
//! [`Semantics::ALL`] at whose tag the run's notifiers exist (those left
//! out are named in the caption).
//!
//! `M` (a trace bound) is a milestone (`write_protect_page:ptl-taken`, a
//! repeat as `name#2`, `done`) or a step number. Summary paths are those
//! of `Summary::to_json()` (`kvm.guest_faults`,
//! `calls_under_ptl.kvm.change_pte`, `violations`), and `<path>.sum`, the
//! sum of the numbers under `<path>` (`calls_under_ptl.sum`: every
//! callback made under the PT lock); `event.<kind>.count`
//! (how many), `event.<kind>[#n].step` and `event.<kind>[#n].<field>` read
//! the run's events (write `#1` to read a field named `count`). Explorer paths: `<violation id>` (`sometimes`/`never`),
//! `<violation id>.steps`, `distinct_states`, `complete`.

use notifier_lab_core::{Actor, NotifierId, Semantics, ViolationId};

/// The text that starts a directive.
pub const OPEN: &str = "{{#notifier-lab";

/// A comparison operator of `assert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    fn parse(s: &str) -> Option<CmpOp> {
        Some(match s {
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            _ => return None,
        })
    }

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// One end of a trace excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// A milestone name, `#n` for its n-th occurrence.
    Milestone(String),
    /// A 1-based step number.
    Step(usize),
}

impl Bound {
    fn parse(s: &str) -> Bound {
        match s.parse::<usize>() {
            Ok(n) => Bound::Step(n),
            Err(_) => Bound::Milestone(s.to_string()),
        }
    }
}

/// Which run a directive is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Built-in scenario name.
    pub scenario: String,
    /// Semantics.
    pub semantics: Semantics,
    /// Registered notifiers (`None`: the scenario's own list).
    pub notifiers: Option<Vec<NotifierId>>,
}

/// A parsed directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// Ops table of every notifier user.
    Ops,
    /// The built-in scenarios.
    Scenarios,
    /// Counters × semantics.
    Summary {
        /// Scenario.
        scenario: String,
        /// Notifiers (`None`: the scenario's).
        notifiers: Option<Vec<NotifierId>>,
        /// Columns (`None`: every semantics the notifiers exist at).
        semantics: Option<Vec<Semantics>>,
    },
    /// One notifier's callbacks × semantics.
    Calls {
        /// Scenario.
        scenario: String,
        /// The notifier whose callbacks are shown.
        notifier: NotifierId,
        /// Notifiers registered (`None`: the scenario's).
        notifiers: Option<Vec<NotifierId>>,
        /// Columns (`None`: every semantics the notifiers exist at).
        semantics: Option<Vec<Semantics>>,
    },
    /// Every registered notifier's callbacks and effects × semantics.
    Users {
        /// Scenario.
        scenario: String,
        /// Notifiers (`None`: every user in [`NotifierId::ALL`]).
        notifiers: Option<Vec<NotifierId>>,
        /// Columns (`None`: every semantics the notifiers exist at).
        semantics: Option<Vec<Semantics>>,
    },
    /// A trace excerpt.
    Trace {
        /// The run.
        run: Run,
        /// First step shown (inclusive).
        from: Option<Bound>,
        /// Last step shown (inclusive).
        to: Option<Bound>,
        /// Deepest call depth shown.
        depth: Option<usize>,
        /// Only this thread kind (`host`, `vcpu`).
        thread: Option<String>,
        /// The demo link's right-hand semantics.
        right: Option<Semantics>,
        /// Only steps with events.
        events_only: bool,
        /// Only the first call of this function (its steps and callees).
        within: Option<String>,
    },
    /// A message-sequence chart.
    Msc {
        /// The run.
        run: Run,
        /// First step drawn.
        from: Option<Bound>,
        /// Last step drawn.
        to: Option<Bound>,
    },
    /// The mapping diagram (`timeline: false`) or the thread timeline
    /// after a step of a run, the default schedule or a counterexample's.
    Picture {
        /// The run.
        run: Run,
        /// The step or milestone.
        at: Bound,
        /// The explorer's actors (empty: the default threads).
        actors: Vec<Actor>,
        /// The thread of each step (`None`: the default schedule).
        schedule: Option<Vec<u8>>,
        /// The timeline instead of the diagram.
        timeline: bool,
    },
    /// Two runs aligned at milestones.
    Compare {
        /// Scenario.
        scenario: String,
        /// Left semantics.
        left: Semantics,
        /// Right semantics.
        right: Semantics,
        /// Notifiers.
        notifiers: Option<Vec<NotifierId>>,
    },
    /// State after each milestone, the semantics side by side.
    States {
        /// Scenario.
        scenario: String,
        /// Notifiers.
        notifiers: Option<Vec<NotifierId>>,
        /// Columns (`None`: every semantics the notifiers exist at).
        semantics: Option<Vec<Semantics>>,
    },
    /// Explorer result with a shortest counterexample.
    Check {
        /// The run.
        run: Run,
        /// Concurrent actors.
        actors: Vec<Actor>,
        /// Which violation to show (default: the first found).
        violation: Option<ViolationId>,
    },
    /// Explorer verdicts per semantics.
    Verdicts {
        /// Scenario.
        scenario: String,
        /// Concurrent actors.
        actors: Vec<Actor>,
        /// Notifiers.
        notifiers: Option<Vec<NotifierId>>,
        /// Rows (`None`: every semantics the notifiers exist at).
        semantics: Option<Vec<Semantics>>,
    },
    /// The design-space table: a row per semantics.
    Designs {
        /// Notifiers of the default runs (`None`: each scenario's).
        notifiers: Option<Vec<NotifierId>>,
        /// Rows (`None`: [`Semantics::ALL`]).
        semantics: Option<Vec<Semantics>>,
        /// The configurations the explorer checks for the verdict columns.
        explore: Vec<Explore>,
    },
    /// An inline link to the demo's walkthrough.
    Demo {
        /// The run on the left.
        run: Run,
        /// The right-hand semantics (`None`: the one before the left's).
        right: Option<Semantics>,
        /// Where both sides stand (`None`: the start).
        at: Option<Bound>,
    },
    /// One summary value, inline.
    Value {
        /// The run.
        run: Run,
        /// Summary path.
        path: String,
    },
    /// A checked claim about a run's summary or events.
    Assert {
        /// The run.
        run: Run,
        /// Path.
        path: String,
        /// Operator.
        op: CmpOp,
        /// Expected value as written.
        value: String,
    },
    /// A checked claim about an exploration.
    AssertCheck {
        /// The run.
        run: Run,
        /// Concurrent actors.
        actors: Vec<Actor>,
        /// Path.
        path: String,
        /// Operator.
        op: CmpOp,
        /// Expected value as written.
        value: String,
    },
}

/// One configuration the `designs` table explores under every semantics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explore {
    /// Built-in scenario name.
    pub scenario: String,
    /// Registered notifiers (`None`: the scenario's own list).
    pub notifiers: Option<Vec<NotifierId>>,
    /// Concurrent actors.
    pub actors: Vec<Actor>,
}

impl Explore {
    /// Parses `<scenario>[@<notifiers>]:<actors>`.
    pub fn parse(s: &str) -> Result<Explore, String> {
        let (head, actors) = s.split_once(':').ok_or_else(|| {
            format!("explore `{s}`: expected <scenario>[@<notifiers>]:<actors>, e.g. cow:host_write,gru_read")
        })?;
        let (sc, ns) = match head.split_once('@') {
            Some((sc, ns)) => (sc, Some(notifier_list(ns)?)),
            None => (head, None),
        };
        Ok(Explore {
            scenario: scenario(sc)?,
            notifiers: ns,
            actors: Actor::parse_list(actors).map_err(|e| e.to_string())?,
        })
    }

    /// As written: `cow: host_write,gru_read`, with `[notifiers]` when not
    /// the scenario's own.
    pub fn label(&self) -> String {
        let ns = match &self.notifiers {
            Some(ns) => format!(
                " [{}]",
                if ns.is_empty() {
                    "none".to_string()
                } else {
                    ns.iter().map(|n| n.id()).collect::<Vec<_>>().join(",")
                }
            ),
            None => String::new(),
        };
        format!("{}{ns}: {}", self.scenario, Actor::list_id(&self.actors))
    }
}

fn notifier_list(v: &str) -> Result<Vec<NotifierId>, String> {
    match v {
        "none" => Ok(Vec::new()),
        "all" => Ok(NotifierId::ALL.to_vec()),
        v => NotifierId::parse_list(v).map_err(|e| e.to_string()),
    }
}

/// Where a directive sits in a chapter and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte range of the whole `{{#notifier-lab ...}}` in the chapter.
    pub range: std::ops::Range<usize>,
    /// The words between `{{#notifier-lab` and `}}`.
    pub body: String,
    /// 1-based line of the directive.
    pub line: usize,
    /// Written `\{{#...}}`: keep the text, drop the backslash.
    pub escaped: bool,
}

/// Every directive in `content`, in order. An unterminated directive is an
/// error naming its line.
pub fn find(content: &str) -> Result<Vec<Found>, String> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = content[at..].find(OPEN) {
        let start = at + i;
        let line = content[..start].matches('\n').count() + 1;
        let after = start + OPEN.len();
        let Some(j) = content[after..].find("}}") else {
            return Err(format!("line {line}: `{OPEN}` without a closing `}}}}`"));
        };
        let body = &content[after..after + j];
        if body.contains('\n') {
            return Err(format!("line {line}: a directive must fit on one line (no `}}}}` before the line ends)"));
        }
        let end = after + j + 2;
        let escaped = start > 0 && content.as_bytes()[start - 1] == b'\\';
        let range = if escaped { start - 1..end } else { start..end };
        out.push(Found { range, body: body.trim().to_string(), line, escaped });
        at = end;
    }
    Ok(out)
}

struct Args<'a> {
    name: &'a str,
    pos: Vec<&'a str>,
    opts: Vec<(&'a str, &'a str)>,
}

impl<'a> Args<'a> {
    fn split(body: &'a str) -> Result<Args<'a>, String> {
        let mut words = body.split_whitespace();
        let name = words.next().ok_or("empty directive; expected a name such as `summary`, `trace`, `assert`")?;
        let mut pos = Vec::new();
        let mut opts = Vec::new();
        for w in words {
            // `==`, `<=` and friends are positional (assert operators).
            match w.split_once('=') {
                Some((k, v)) if !k.is_empty() && CmpOp::parse(w).is_none() && !k.ends_with(['<', '>', '!']) => {
                    if opts.iter().any(|(x, _)| *x == k) {
                        return Err(format!("option `{k}` given twice"));
                    }
                    opts.push((k, v))
                }
                _ => pos.push(w),
            }
        }
        Ok(Args { name, pos, opts })
    }

    fn opt(&self, k: &str) -> Option<&'a str> {
        self.opts.iter().find(|(x, _)| *x == k).map(|(_, v)| *v)
    }

    fn only_opts(&self, allowed: &[&str]) -> Result<(), String> {
        for (k, _) in &self.opts {
            if !allowed.contains(k) {
                return Err(format!(
                    "`{}` takes no option `{k}`; expected {}",
                    self.name,
                    if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") }
                ));
            }
        }
        Ok(())
    }

    fn positional(&self, n: usize, usage: &str) -> Result<(), String> {
        if self.pos.len() != n {
            return Err(format!("expected `{usage}`, got {} positional argument(s)", self.pos.len()));
        }
        Ok(())
    }

    fn notifiers(&self) -> Result<Option<Vec<NotifierId>>, String> {
        self.opt("notifiers").map(notifier_list).transpose()
    }

    /// `semantics=a,b,c`: the columns of a per-semantics table, in order.
    fn semantics(&self) -> Result<Option<Vec<Semantics>>, String> {
        let Some(v) = self.opt("semantics") else { return Ok(None) };
        let list = v.split(',').map(sem).collect::<Result<Vec<_>, _>>()?;
        if let Some(d) = list.iter().enumerate().find(|(i, s)| list[..*i].contains(s)) {
            return Err(format!("semantics=`{v}`: `{}` is listed twice", d.1));
        }
        Ok(Some(list))
    }

    fn actors(&self) -> Result<Vec<Actor>, String> {
        let v = self
            .opt("actors")
            .ok_or_else(|| format!("`{}` needs `actors=A,B` (e.g. actors=host_write,gru_read)", self.name))?;
        Actor::parse_list(v).map_err(|e| e.to_string())
    }
}

fn sem(s: &str) -> Result<Semantics, String> {
    Semantics::parse(s).map_err(|e| e.to_string())
}

fn scenario(s: &str) -> Result<String, String> {
    notifier_lab_core::Scenario::builtin(s).map(|_| s.to_string()).map_err(|e| e.to_string())
}

/// A run; `notifiers=all` means the users that exist at its semantics'
/// tag.
fn run(a: &Args<'_>, i: usize) -> Result<Run, String> {
    let semantics = sem(a.pos[i + 1])?;
    let notifiers = a.notifiers()?.map(|ns| if ns == NotifierId::ALL { NotifierId::all_at(semantics) } else { ns });
    Ok(Run { scenario: scenario(a.pos[i])?, semantics, notifiers })
}

/// Parses the body of a directive (the words after `{{#notifier-lab`).
pub fn parse(body: &str) -> Result<Directive, String> {
    let a = Args::split(body)?;
    let d = match a.name {
        "ops" => {
            a.only_opts(&[])?;
            a.positional(0, "ops")?;
            Directive::Ops
        }
        "scenarios" => {
            a.only_opts(&[])?;
            a.positional(0, "scenarios")?;
            Directive::Scenarios
        }
        "summary" => {
            a.only_opts(&["notifiers", "semantics"])?;
            a.positional(1, "summary <scenario> [notifiers=..] [semantics=..]")?;
            Directive::Summary { scenario: scenario(a.pos[0])?, notifiers: a.notifiers()?, semantics: a.semantics()? }
        }
        "calls" => {
            a.only_opts(&["notifiers", "semantics"])?;
            a.positional(2, "calls <scenario> <notifier> [notifiers=..] [semantics=..]")?;
            Directive::Calls {
                scenario: scenario(a.pos[0])?,
                notifier: NotifierId::parse(a.pos[1]).map_err(|e| e.to_string())?,
                notifiers: a.notifiers()?,
                semantics: a.semantics()?,
            }
        }
        "users" => {
            a.only_opts(&["notifiers", "semantics"])?;
            a.positional(1, "users <scenario> [notifiers=..] [semantics=..]")?;
            Directive::Users { scenario: scenario(a.pos[0])?, notifiers: a.notifiers()?, semantics: a.semantics()? }
        }
        "trace" => {
            a.only_opts(&["notifiers", "from", "to", "depth", "thread", "right", "events", "within"])?;
            a.positional(
                2,
                "trace <scenario> <semantics> [from=M] [to=M] [depth=N] [thread=T] [right=S] [events=only]",
            )?;
            let depth = match a.opt("depth") {
                None => None,
                Some(d) => Some(d.parse::<usize>().map_err(|_| format!("depth=`{d}`: expected a number"))?),
            };
            let events_only = match a.opt("events") {
                None => false,
                Some("only") => true,
                Some(v) => return Err(format!("events=`{v}`: expected `events=only`")),
            };
            if let Some(t) = a.opt("thread")
                && !["host", "vcpu", "host_write", "gru", "svm"].contains(&t)
            {
                return Err(format!("thread=`{t}`: expected one of host, vcpu, host_write, gru, svm"));
            }
            Directive::Trace {
                run: run(&a, 0)?,
                from: a.opt("from").map(Bound::parse),
                to: a.opt("to").map(Bound::parse),
                depth,
                thread: a.opt("thread").map(String::from),
                right: a.opt("right").map(sem).transpose()?,
                events_only,
                within: a.opt("within").map(String::from),
            }
        }
        "msc" => {
            a.only_opts(&["notifiers", "from", "to"])?;
            a.positional(2, "msc <scenario> <semantics> [from=M] [to=M] [notifiers=..]")?;
            Directive::Msc {
                run: run(&a, 0)?,
                from: a.opt("from").map(Bound::parse),
                to: a.opt("to").map(Bound::parse),
            }
        }
        "diagram" | "timeline" => {
            a.only_opts(&["notifiers", "at", "actors", "schedule"])?;
            let usage = "diagram|timeline <scenario> <semantics> at=M [notifiers=..] [actors=A,B schedule=D..]";
            a.positional(2, usage)?;
            let at = a.opt("at").ok_or_else(|| format!("`{}` needs `at=<milestone|step>`", a.name))?;
            let actors = if a.opt("actors").is_some() { a.actors()? } else { Vec::new() };
            let schedule = match a.opt("schedule") {
                None => None,
                Some(d) => Some(
                    d.bytes()
                        .map(|b| b.is_ascii_digit().then(|| b - b'0'))
                        .collect::<Option<Vec<u8>>>()
                        .ok_or_else(|| format!("schedule=`{d}`: expected thread digits"))?,
                ),
            };
            Directive::Picture {
                run: run(&a, 0)?,
                at: Bound::parse(at),
                actors,
                schedule,
                timeline: a.name == "timeline",
            }
        }
        "compare" => {
            a.only_opts(&["notifiers"])?;
            a.positional(3, "compare <scenario> <left> <right> [notifiers=..]")?;
            Directive::Compare {
                scenario: scenario(a.pos[0])?,
                left: sem(a.pos[1])?,
                right: sem(a.pos[2])?,
                notifiers: a.notifiers()?,
            }
        }
        "states" => {
            a.only_opts(&["notifiers", "semantics"])?;
            a.positional(1, "states <scenario> [notifiers=..] [semantics=..]")?;
            Directive::States { scenario: scenario(a.pos[0])?, notifiers: a.notifiers()?, semantics: a.semantics()? }
        }
        "check" => {
            a.only_opts(&["notifiers", "actors", "violation"])?;
            a.positional(2, "check <scenario> <semantics> actors=A,B [violation=V] [notifiers=..]")?;
            let violation = match a.opt("violation") {
                None => None,
                Some(v) => Some(violation_id(v)?),
            };
            Directive::Check { run: run(&a, 0)?, actors: a.actors()?, violation }
        }
        "verdicts" => {
            a.only_opts(&["notifiers", "actors", "semantics"])?;
            a.positional(1, "verdicts <scenario> actors=A,B [notifiers=..] [semantics=..]")?;
            Directive::Verdicts {
                scenario: scenario(a.pos[0])?,
                actors: a.actors()?,
                notifiers: a.notifiers()?,
                semantics: a.semantics()?,
            }
        }
        "designs" => {
            a.only_opts(&["notifiers", "semantics", "explore"])?;
            a.positional(0, "designs explore=<scenario>[@<notifiers>]:<actors>;... [notifiers=..] [semantics=..]")?;
            let spec = a.opt("explore").ok_or(
                "`designs` needs `explore=<scenario>[@<notifiers>]:<actors>;...` (e.g. explore=cow:host_write,gru_read;uprobe:gru_read)",
            )?;
            let explore = spec.split(';').map(Explore::parse).collect::<Result<Vec<_>, _>>()?;
            Directive::Designs { notifiers: a.notifiers()?, semantics: a.semantics()?, explore }
        }
        "demo" => {
            a.only_opts(&["notifiers", "right", "at"])?;
            a.positional(2, "demo <scenario> <left> [right=S] [at=M] [notifiers=..]")?;
            Directive::Demo {
                run: run(&a, 0)?,
                right: a.opt("right").map(sem).transpose()?,
                at: a.opt("at").map(Bound::parse),
            }
        }
        "value" => {
            a.only_opts(&["notifiers"])?;
            a.positional(3, "value <scenario> <semantics> <path> [notifiers=..]")?;
            Directive::Value { run: run(&a, 0)?, path: a.pos[2].to_string() }
        }
        "assert" | "assert-check" => {
            let check = a.name == "assert-check";
            let usage = if check {
                "assert-check <scenario> <semantics> actors=A,B [notifiers=..] <path> <op> <value>"
            } else {
                "assert <scenario> <semantics> [notifiers=..] <path> <op> <value>"
            };
            a.only_opts(if check { &["notifiers", "actors"] } else { &["notifiers"] })?;
            a.positional(5, usage)?;
            let op = CmpOp::parse(a.pos[3])
                .ok_or_else(|| format!("`{}` is not an operator; expected one of == != < <= > >=", a.pos[3]))?;
            let run = run(&a, 0)?;
            let (path, value) = (a.pos[2].to_string(), a.pos[4].to_string());
            if check {
                Directive::AssertCheck { run, actors: a.actors()?, path, op, value }
            } else {
                Directive::Assert { run, path, op, value }
            }
        }
        other => {
            return Err(format!(
                "unknown directive `{other}`; expected one of: ops, scenarios, summary, calls, users, trace, msc, diagram, timeline, compare, states, check, verdicts, designs, demo, value, assert, assert-check"
            ));
        }
    };
    Ok(d)
}

/// Parses a violation id; the error lists the valid ones.
pub fn violation_id(s: &str) -> Result<ViolationId, String> {
    ViolationId::ALL.into_iter().find(|v| v.id() == s).ok_or_else(|| {
        format!("unknown violation `{s}`; expected one of: {}", ViolationId::ALL.map(|v| v.id()).join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_directives_and_escapes() {
        let c = "a {{#notifier-lab ops}} b\n\\{{#notifier-lab summary ksm}} c";
        let f = find(c).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(&c[f[0].range.clone()], "{{#notifier-lab ops}}");
        assert!(!f[0].escaped && f[1].escaped);
        assert_eq!(f[1].line, 2);
        assert_eq!(&c[f[1].range.clone()], "\\{{#notifier-lab summary ksm}}");
    }

    #[test]
    fn unterminated_and_multiline_directives_are_errors() {
        assert!(find("x {{#notifier-lab ops").unwrap_err().contains("line 1"));
        assert!(find("\n{{#notifier-lab ops\n}}").unwrap_err().contains("one line"));
    }

    #[test]
    fn parses_every_directive_kind() {
        assert_eq!(parse("ops").unwrap(), Directive::Ops);
        assert!(matches!(parse("summary ksm").unwrap(), Directive::Summary { notifiers: None, .. }));
        let d = parse("calls ksm kvm notifiers=kvm,gru").unwrap();
        assert_eq!(
            d,
            Directive::Calls {
                scenario: "ksm".into(),
                notifier: NotifierId::Kvm,
                notifiers: Some(vec![NotifierId::Kvm, NotifierId::Gru]),
                semantics: None,
            }
        );
        let d = parse("trace ksm wrapped from=write_protect_page:ptl-taken to=42 depth=2 events=only").unwrap();
        let Directive::Trace { run, from, to, depth, events_only, .. } = d else { panic!() };
        assert_eq!(run.semantics, Semantics::Wrapped);
        assert_eq!(from, Some(Bound::Milestone("write_protect_page:ptl-taken".into())));
        assert_eq!(to, Some(Bound::Step(42)));
        assert_eq!(depth, Some(2));
        assert!(events_only);
        assert!(matches!(parse("compare ksm wrapped patched").unwrap(), Directive::Compare { .. }));
        assert!(matches!(parse("msc cow patched").unwrap(), Directive::Msc { .. }));
        assert!(matches!(parse("states uprobe").unwrap(), Directive::States { .. }));
        assert!(
            matches!(parse("users ksm notifiers=all").unwrap(), Directive::Users { notifiers: Some(n), .. } if n.len() == notifier_lab_core::NotifierId::ALL.len())
        );
        let d = parse("check cow patched actors=host_write,gru_read violation=stale_secondary_read").unwrap();
        assert!(
            matches!(d, Directive::Check { ref actors, violation: Some(ViolationId::StaleSecondaryRead), .. } if actors.len() == 2)
        );
        assert!(matches!(parse("verdicts cow actors=gru_read").unwrap(), Directive::Verdicts { .. }));
        assert!(matches!(parse("value ksm wrapped kvm.guest_faults").unwrap(), Directive::Value { .. }));
        let d = parse("demo ksm v6.10 right=v6.9 at=done notifiers=kvm").unwrap();
        assert!(
            matches!(d, Directive::Demo { ref run, right: Some(Semantics::V6_9), at: Some(Bound::Milestone(ref m)) } if run.semantics == Semantics::V6_10 && m == "done")
        );
    }

    #[test]
    fn semantics_option_picks_columns_in_order() {
        let d = parse("states ksm semantics=patched,event_aware,v6.10").unwrap();
        let Directive::States { semantics: Some(s), .. } = d else { panic!("{d:?}") };
        assert_eq!(s, [Semantics::Patched, Semantics::EventAware, Semantics::V6_10]);
        for name in ["summary ksm", "calls ksm kvm", "users ksm", "verdicts ksm actors=gru_read"] {
            assert!(parse(&format!("{name} semantics=wrapped")).is_ok(), "{name}");
        }
        let e = parse("summary ksm semantics=wrapped,wraped").unwrap_err();
        assert!(e.contains("unknown semantics `wraped`") && e.contains("event_aware"), "{e}");
        let e = parse("summary ksm semantics=wrapped,wrapped").unwrap_err();
        assert!(e.contains("listed twice"), "{e}");
        assert!(parse("trace ksm wrapped semantics=wrapped").unwrap_err().contains("no option `semantics`"));
    }

    #[test]
    fn parses_the_design_table_and_its_explorations() {
        let d =
            parse("designs explore=cow:host_write,gru_read;ksm@kvm,sleepable:vcpu_read semantics=patched,event_aware")
                .unwrap();
        let Directive::Designs { explore, semantics, notifiers } = d else { panic!("{d:?}") };
        assert_eq!(semantics, Some(vec![Semantics::Patched, Semantics::EventAware]));
        assert_eq!(notifiers, None);
        assert_eq!(explore.len(), 2);
        assert_eq!(explore[0].actors, [Actor::HostWrite, Actor::GruRead]);
        assert_eq!(explore[0].label(), "cow: host_write,gru_read");
        assert_eq!(explore[1].notifiers, Some(vec![NotifierId::Kvm, NotifierId::Sleepable]));
        assert_eq!(explore[1].label(), "ksm [kvm,sleepable]: vcpu_read");
        assert!(parse("designs").unwrap_err().contains("explore="));
        assert!(parse("designs explore=cow").unwrap_err().contains("<scenario>[@<notifiers>]:<actors>"));
        assert!(parse("designs explore=cow:gru_reed").unwrap_err().contains("gru_read"));
        assert!(parse("designs explore=cow@kvm,foo:gru_read").unwrap_err().contains("unknown notifier `foo`"));
    }

    #[test]
    fn parses_asserts_with_every_operator() {
        for op in ["==", "!=", "<", "<=", ">", ">="] {
            let d = parse(&format!("assert ksm wrapped kvm.guest_faults {op} 1")).unwrap();
            let Directive::Assert { op: o, path, value, .. } = d else { panic!() };
            assert_eq!(o.as_str(), op);
            assert_eq!(path, "kvm.guest_faults");
            assert_eq!(value, "1");
        }
        let d = parse("assert ksm original notifiers=kvm,sleepable violations == sleep_in_atomic").unwrap();
        assert!(matches!(d, Directive::Assert { run: Run { notifiers: Some(_), .. }, .. }));
        let d = parse("assert-check cow patched actors=host_write,gru_read stale_secondary_read == sometimes").unwrap();
        assert!(matches!(d, Directive::AssertCheck { .. }));
    }

    #[test]
    fn bad_arguments_say_what_was_expected() {
        let e = parse("sumary ksm").unwrap_err();
        assert!(e.contains("unknown directive `sumary`") && e.contains("summary"), "{e}");
        let e = parse("summary kms").unwrap_err();
        assert!(e.contains("unknown scenario `kms`") && e.contains("ksm"), "{e}");
        let e = parse("trace ksm wraped").unwrap_err();
        assert!(e.contains("unknown semantics `wraped`") && e.contains("wrapped"), "{e}");
        let e = parse("assert ksm wrapped kvm.guest_faults = 1").unwrap_err();
        assert!(e.contains("`=` is not an operator"), "{e}");
        let e = parse("assert ksm wrapped kvm.guest_faults == 1 extra").unwrap_err();
        assert!(e.contains("expected `assert"), "{e}");
        let e = parse("assert ksm wrapped kvm.guest_faults =~ 1").unwrap_err();
        assert!(e.contains("not an operator"), "{e}");
        let e = parse("summary ksm colour=red").unwrap_err();
        assert!(e.contains("no option `colour`") && e.contains("notifiers"), "{e}");
        let e = parse("check cow patched").unwrap_err();
        assert!(e.contains("actors="), "{e}");
        let e = parse("calls ksm kvm notifiers=kvm,foo").unwrap_err();
        assert!(e.contains("unknown notifier `foo`"), "{e}");
        let e = parse("trace ksm wrapped depth=x").unwrap_err();
        assert!(e.contains("expected a number"), "{e}");
        assert!(parse("").unwrap_err().contains("empty directive"));
    }
}
