//! The `mmu_notifier` users, one module each: its secondary-MMU state, the
//! execution of its own ops, its lock and atomic-context rules, its event
//! sentences, its summary counters, its section of the state view, its
//! words in the explorer's encoding and its invariants.
//!
//! The interpreter ([`crate::machine`]) keeps scheduling, frames, flow,
//! locks, the primary MMU and the notifier-list walk; it hands a user's ops
//! to the user through [`UserOp`] (static dispatch: a `match`, no trait
//! objects, so the explorer keeps its speed).
//!
//! Adding a user: a new module implementing [`User`], one line in the
//! `registry!` invocation at the end of this file, and its listings in
//! `kernel/` (their `FuncId`s and era-table rows).

pub mod amd_iommu_v2;
pub mod gru;
pub mod intel_svm;
pub mod kvm;
pub mod sleepable;
pub mod xen_gntdev;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::event::{Event, Violation};
use crate::invariants::StateViolation;
use crate::kernel::FuncId;
use crate::machine::{Flow, Frame, Machine, Renaming, ThreadId};
use crate::names::UnknownName;
use crate::notifier::{Callback, NotifierOps};
use crate::pack::{Packer, Reader, Unpacker};
use crate::page::Pfn;
use crate::semantics::Semantics;
use crate::view::Item;

/// What a user is, for lists, help screens and the summary.
#[derive(Debug)]
pub struct UserInfo {
    /// Stable id (command line, JSON, URLs).
    pub id: &'static str,
    /// Display name.
    pub label: &'static str,
    /// A few letters for narrow places (the TUI's summary groups).
    pub short: &'static str,
    /// Where its callbacks live and what it keeps.
    pub describe: &'static str,
}

/// A secondary access a user reports (a guest or device read or write
/// through its own mapping), checked against the primary page table by
/// the stale-read and lost-write invariants.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// Who, with a `{}` where the verb goes: "the guest {} gfn 0x10
    /// through a stale spte".
    pub who: &'static str,
    /// The gfn or address the `who` sentence names.
    pub at: u64,
    /// The page accessed.
    pub pfn: Pfn,
    /// A write (else a read).
    pub write: bool,
    /// The value read or written.
    pub value: u32,
}

/// One secondary mapping a user holds, as the mapping diagram draws it:
/// what it translates and the page it points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// Stable key, the same as the state view's (`kvm spte gfn 0x10`), so
    /// change marks line up with the state pane's.
    pub key: String,
    /// What it translates (`spte gfn 0x10`, `TLB 0x7f0000010000`).
    pub label: String,
    /// The page it maps (`None`: no entry).
    pub pfn: Option<Pfn>,
    /// Writable in the secondary MMU.
    pub writable: bool,
}

/// A lock of a user the mapping diagram shows with its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserLock {
    /// Its name (`kvm->mmu_lock`).
    pub name: &'static str,
    /// The holding thread's index.
    pub holder: Option<u8>,
}

/// How a summary counter folds events.
#[derive(Debug)]
pub enum Fold<E: 'static> {
    /// Counts the events the predicate accepts.
    Count(fn(&E) -> bool),
    /// The largest value the function reports.
    Max(fn(&E) -> Option<i64>),
}

/// One summary counter of a user: its JSON key, its display label and how
/// it is computed from the user's events.
#[derive(Debug)]
pub struct Counter<E: 'static> {
    /// Key in the summary JSON (`sptes_zapped`).
    pub key: &'static str,
    /// Display label (`sptes zapped`).
    pub label: &'static str,
    /// How events fold into it.
    pub fold: Fold<E>,
}

impl<E> Counter<E> {
    fn apply(&self, value: &mut i64, e: &E) {
        match &self.fold {
            Fold::Count(f) => *value += i64::from(f(e)),
            Fold::Max(f) => {
                if let Some(v) = f(e) {
                    *value = (*value).max(v);
                }
            }
        }
    }
}

/// A notifier user's behaviour. Implemented by its secondary state type.
pub(crate) trait User: Sized {
    /// The ops its listings carry.
    type Op: Copy;
    /// What it reports.
    type Event: 'static;
    /// Who it is.
    const INFO: UserInfo;
    /// Its summary counters, in display order.
    const COUNTERS: &'static [Counter<Self::Event>];

    /// Its `struct mmu_notifier_ops` members the model calls at `sem`'s
    /// tag, each with the function implementing it, in ops-table order;
    /// `None` when the user does not exist at that tag.
    fn callbacks(sem: Semantics) -> Option<&'static [(Callback, FuncId)]>;

    /// Why the model refuses the user at `sem`'s tag although the kernel
    /// has it (it registers something the model does not execute), if so.
    /// Meaningful only where [`User::callbacks`] is `None`.
    fn refused_because(_sem: Semantics) -> Option<&'static str> {
        None
    }

    /// Fresh state with no mappings.
    fn new() -> Self;

    /// Executes one of its ops for thread `t`, whose frame `fr` serves
    /// notifier `fr.notifier` (this user).
    fn exec(m: &mut Machine, t: ThreadId, fr: Frame, op: Self::Op, ev: &mut Vec<Event>) -> Flow;

    /// Why `t` cannot execute `op` now, if it cannot.
    fn block(m: &Machine, t: ThreadId, fr: Frame, op: Self::Op) -> Option<&'static str>;

    /// Whether `op` may change another thread's state (see
    /// `Machine::touches_other_threads`).
    fn touches_other_threads(_op: Self::Op) -> bool {
        false
    }

    /// Whether `op` is *local*, which lets the explorer's partial-order
    /// reduction run it without interleaving the other threads (see the
    /// `checker::reduce` docs): it never blocks, raises no violation and
    /// no secondary access, writes nothing but this thread's own frames
    /// and the locals no other thread writes (not `tfh_live`), and reads
    /// nothing another thread may write (no page, pte, lock or secondary
    /// state). Written as a `match` without a wildcard, so that every new
    /// op is decided here; when in doubt, `false` (always sound).
    fn is_local(op: Self::Op) -> bool;

    /// A spinlock of this user that `t` holds, as a reason why sleeping is
    /// not allowed.
    fn atomic_reason(&self, _t: ThreadId) -> Option<&'static str> {
        None
    }

    /// The sentence a log pane shows for `e`.
    fn message(e: &Self::Event) -> String;

    /// The secondary access `e` reports, if it is one.
    fn access(_e: &Self::Event) -> Option<Access> {
        None
    }

    /// Invariant violations that are properties of this state.
    fn state_violations(&self, _m: &Machine, _out: &mut Vec<StateViolation>) {}

    /// Violations of a state in which every thread has finished.
    fn end_violations(&self, _out: &mut Vec<Violation>) {}

    /// Its section of the state view, in display order. `m` gives the
    /// thread names of lock holders and the scenario's gfn and address.
    fn section(&self, m: &Machine, out: &mut Vec<Item>);

    /// Its secondary mappings of the scenario's page, in display order
    /// (the mapping diagram's arrows). A user that maps nothing (it walks
    /// the process page table itself, or keeps only counters) has none.
    fn mappings(&self, _m: &Machine, _out: &mut Vec<Mapping>) {}

    /// Its locks the mapping diagram shows with their holders.
    fn locks(&self, _out: &mut Vec<UserLock>) {}

    /// How many words [`User::encode`] writes.
    fn encoded_len(&self) -> usize {
        1
    }

    /// Writes its state as words.
    fn encode(&self, p: &mut impl Packer, out: &mut Vec<u64>);

    /// Reads back what [`User::encode`] wrote.
    fn decode(&mut self, u: &impl Unpacker, r: &mut Reader);

    /// Renames the thread ids (lock holders, waiters) and pfns (mappings)
    /// in its state by `r` (the explorer's symmetry reduction). No default:
    /// a new user decides what in its state names a thread or a page.
    fn rename(&mut self, r: &Renaming);
}

/// Access from the registry's enums to one user's types.
pub(crate) trait Registered: User {
    /// `s` when it is this user's state.
    fn of(s: &Secondary) -> Option<&Self>;
    /// `s` when it is this user's state, to write.
    fn of_mut(s: &mut Secondary) -> Option<&mut Self>;
}

fn ops_of(callbacks: &[(Callback, FuncId)]) -> NotifierOps {
    let has = |c| callbacks.iter().any(|(x, _)| *x == c);
    NotifierOps {
        change_pte: has(Callback::ChangePte),
        invalidate_page: has(Callback::InvalidatePage),
        invalidate_range_start: has(Callback::InvalidateRangeStart),
        invalidate_range_end: has(Callback::InvalidateRangeEnd),
        invalidate_range: has(Callback::InvalidateRange),
        arch_invalidate_secondary_tlbs: has(Callback::ArchInvalidateSecondaryTlbs),
    }
}

/// Generates, from one line per user, the enums that name and hold the
/// users ([`NotifierId`], [`Secondary`], [`UserOp`], [`UserEvent`]) and
/// their dispatch.
macro_rules! registry {
    ($( $(#[$doc:meta])* $variant:ident => $module:ident :: $state:ident, $op:ident, $event:ident; )*) => {
        /// The notifier users modelled, in the order `list` shows them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum NotifierId {
            $( $(#[$doc])* $variant, )*
        }

        impl NotifierId {
            /// How many users there are.
            pub const COUNT: usize = [$(NotifierId::$variant),*].len();

            /// Every user, in the order `list` shows them.
            pub const ALL: [NotifierId; NotifierId::COUNT] = [$(NotifierId::$variant),*];

            /// Who it is.
            pub fn info(self) -> &'static UserInfo {
                match self {
                    $( NotifierId::$variant => &<$module::$state as User>::INFO, )*
                }
            }

            /// Its ops-table members the model calls at `sem`'s tag, with the
            /// functions implementing them; `None` when it does not exist
            /// at that tag.
            pub fn callbacks(self, sem: Semantics) -> Option<&'static [(Callback, FuncId)]> {
                match self {
                    $( NotifierId::$variant => <$module::$state as User>::callbacks(sem), )*
                }
            }

            /// Why the model refuses it at `sem`'s tag although the kernel
            /// has it, if so.
            pub fn refused_because(self, sem: Semantics) -> Option<&'static str> {
                match self {
                    $( NotifierId::$variant => <$module::$state as User>::refused_because(sem), )*
                }
            }

            /// Its summary counters' JSON keys and labels, in display order.
            pub fn counters(self) -> Vec<(&'static str, &'static str)> {
                match self {
                    $( NotifierId::$variant => <$module::$state as User>::COUNTERS
                        .iter().map(|c| (c.key, c.label)).collect(), )*
                }
            }
        }

        /// One registered notifier and its secondary state.
        #[derive(Debug, PartialEq, Eq, Hash, Serialize)]
        #[serde(tag = "id", rename_all = "snake_case")]
        pub enum Secondary {
            $( $(#[$doc])* $variant($module::$state), )*
        }

        impl Clone for Secondary {
            fn clone(&self) -> Self {
                match self {
                    $( Secondary::$variant(s) => Secondary::$variant(s.clone()), )*
                }
            }

            /// Reuses the inner buffers when both are the same user (the
            /// explorer overwrites recycled states this way).
            fn clone_from(&mut self, o: &Self) {
                match (self, o) {
                    $( (Secondary::$variant(a), Secondary::$variant(b)) => a.clone_from(b), )*
                    #[allow(unreachable_patterns)]
                    (me, o) => *me = o.clone(),
                }
            }
        }

        impl Secondary {
            /// Which notifier this is.
            pub fn id(&self) -> NotifierId {
                match self {
                    $( Secondary::$variant(_) => NotifierId::$variant, )*
                }
            }

            /// Fresh state for `id` with no mappings.
            pub fn new(id: NotifierId) -> Secondary {
                match id {
                    $( NotifierId::$variant => Secondary::$variant(<$module::$state as User>::new()), )*
                }
            }

            pub(crate) fn atomic_reason(&self, t: ThreadId) -> Option<&'static str> {
                match self {
                    $( Secondary::$variant(s) => s.atomic_reason(t), )*
                }
            }

            pub(crate) fn state_violations(&self, m: &Machine, out: &mut Vec<StateViolation>) {
                match self {
                    $( Secondary::$variant(s) => s.state_violations(m, out), )*
                }
            }

            pub(crate) fn end_violations(&self, out: &mut Vec<Violation>) {
                match self {
                    $( Secondary::$variant(s) => s.end_violations(out), )*
                }
            }

            /// Its section of the state view, in display order.
            pub fn section(&self, m: &Machine, out: &mut Vec<Item>) {
                match self {
                    $( Secondary::$variant(s) => s.section(m, out), )*
                }
            }

            /// Its secondary mappings, in display order ([`Mapping`]).
            pub fn mappings(&self, m: &Machine, out: &mut Vec<Mapping>) {
                match self {
                    $( Secondary::$variant(s) => s.mappings(m, out), )*
                }
            }

            /// Its locks the mapping diagram shows ([`UserLock`]).
            pub fn locks(&self, out: &mut Vec<UserLock>) {
                match self {
                    $( Secondary::$variant(s) => s.locks(out), )*
                }
            }

            pub(crate) fn encoded_len(&self) -> usize {
                match self {
                    $( Secondary::$variant(s) => s.encoded_len(), )*
                }
            }

            pub(crate) fn encode(&self, p: &mut impl Packer, out: &mut Vec<u64>) {
                match self {
                    $( Secondary::$variant(s) => s.encode(p, out), )*
                }
            }

            pub(crate) fn decode(&mut self, u: &impl Unpacker, r: &mut Reader) {
                match self {
                    $( Secondary::$variant(s) => s.decode(u, r), )*
                }
            }

            pub(crate) fn rename(&mut self, r: &Renaming) {
                match self {
                    $( Secondary::$variant(s) => s.rename(r), )*
                }
            }
        }

        $(
            impl Registered for $module::$state {
                #[inline]
                fn of(s: &Secondary) -> Option<&Self> {
                    match s {
                        Secondary::$variant(x) => Some(x),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
                #[inline]
                fn of_mut(s: &mut Secondary) -> Option<&mut Self> {
                    match s {
                        Secondary::$variant(x) => Some(x),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )*

        /// An op of one user's listings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum UserOp {
            $( $(#[$doc])* $variant($module::$op), )*
        }

        impl UserOp {
            pub(crate) fn exec(self, m: &mut Machine, t: ThreadId, fr: Frame, ev: &mut Vec<Event>) -> Flow {
                match self {
                    $( UserOp::$variant(op) => <$module::$state as User>::exec(m, t, fr, op, ev), )*
                }
            }

            pub(crate) fn block(self, m: &Machine, t: ThreadId, fr: Frame) -> Option<&'static str> {
                match self {
                    $( UserOp::$variant(op) => <$module::$state as User>::block(m, t, fr, op), )*
                }
            }

            pub(crate) fn touches_other_threads(self) -> bool {
                match self {
                    $( UserOp::$variant(op) => <$module::$state as User>::touches_other_threads(op), )*
                }
            }

            /// See [`User::is_local`].
            pub(crate) fn is_local(self) -> bool {
                match self {
                    $( UserOp::$variant(op) => <$module::$state as User>::is_local(op), )*
                }
            }
        }

        /// An event one user reports. Serialized as the inner event alone
        /// (`{"kind": "spte_zapped", ...}`).
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
        #[serde(untagged)]
        pub enum UserEvent {
            $( $(#[$doc])* $variant($module::$event), )*
        }

        impl UserEvent {
            /// The user that reported it.
            pub fn notifier(&self) -> NotifierId {
                match self {
                    $( UserEvent::$variant(_) => NotifierId::$variant, )*
                }
            }

            /// The sentence a log pane shows.
            pub fn message(&self) -> String {
                match self {
                    $( UserEvent::$variant(e) => <$module::$state as User>::message(e), )*
                }
            }

            /// The secondary access it reports, if it is one.
            pub fn access(&self) -> Option<Access> {
                match self {
                    $( UserEvent::$variant(e) => <$module::$state as User>::access(e), )*
                }
            }

            /// Folds it into its user's summary counters (`values` in the
            /// order of [`NotifierId::counters`]).
            pub(crate) fn count(&self, values: &mut BTreeMap<NotifierId, Vec<i64>>) {
                match self {
                    $( UserEvent::$variant(e) => {
                        let counters = <$module::$state as User>::COUNTERS;
                        let v = values.entry(NotifierId::$variant).or_insert_with(|| vec![0; counters.len()]);
                        for (c, x) in counters.iter().zip(v.iter_mut()) {
                            c.apply(x, e);
                        }
                    } )*
                }
            }
        }
    };
}

registry! {
    /// KVM (`virt/kvm/kvm_main.c`, x86 shadow/TDP MMU).
    Kvm => kvm::KvmState, KvmOp, KvmEvent;
    /// SGI GRU (`drivers/misc/sgi-gru/grutlbpurge.c`).
    Gru => gru::GruState, GruOp, GruEvent;
    /// AMD IOMMUv2 (`drivers/iommu/amd_iommu_v2.c`).
    AmdIommuV2 => amd_iommu_v2::AmdIommuState, AmdOp, AmdEvent;
    /// Xen gntdev (`drivers/xen/gntdev.c`).
    XenGntdev => xen_gntdev::GntdevState, GntdevOp, GntdevEvent;
    /// A hypothetical driver whose `invalidate_page` and range callbacks
    /// may sleep (the kind that motivated 6bdb913f).
    Sleepable => sleepable::SleepableState, SleepableOp, SleepableEvent;
    /// Intel SVM (`drivers/iommu/intel-svm.c`, v4.4+): a PASID device
    /// sharing the process's page table.
    IntelSvm => intel_svm::SvmState, SvmOp, SvmEvent;
}

impl NotifierId {
    /// Default notifier set of a run: KVM and GRU.
    pub const DEFAULT: [NotifierId; 2] = [NotifierId::Kvm, NotifierId::Gru];

    /// Stable id (command line, JSON, URLs).
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// Short display name.
    pub fn label(self) -> &'static str {
        self.info().label
    }

    /// The ops this user really implements at `sem`'s tag (of the
    /// callbacks the model calls); none when it does not exist there.
    pub fn ops(self, sem: Semantics) -> NotifierOps {
        ops_of(self.callbacks(sem).unwrap_or(&[]))
    }

    /// Its ops at each semantics, consecutive semantics with the same ops
    /// table grouped (`None`: the user does not exist there).
    pub fn ops_by_era(self) -> Vec<(Vec<Semantics>, Option<NotifierOps>)> {
        let mut out: Vec<(Vec<Semantics>, Option<NotifierOps>)> = Vec::new();
        for sem in Semantics::ALL {
            let ops = self.exists_at(sem).then(|| self.ops(sem));
            match out.last_mut() {
                Some((sems, o)) if *o == ops => sems.push(sem),
                _ => out.push((vec![sem], ops)),
            }
        }
        out
    }

    /// Whether the user exists (registers a notifier) at `sem`'s tag.
    pub fn exists_at(self, sem: Semantics) -> bool {
        self.callbacks(sem).is_some()
    }

    /// The users that exist at `sem`'s tag, in [`NotifierId::ALL`] order.
    pub fn all_at(sem: Semantics) -> Vec<NotifierId> {
        NotifierId::ALL.into_iter().filter(|n| n.exists_at(sem)).collect()
    }

    /// Refuses a notifier list naming a user that does not exist at
    /// `sem`'s tag; the error lists the users that do.
    pub fn check_at(sem: Semantics, notifiers: &[NotifierId]) -> Result<(), String> {
        match notifiers.iter().find(|n| !n.exists_at(sem)) {
            None => Ok(()),
            Some(n) => Err(match n.refused_because(sem) {
                Some(why) => format!(
                    "notifier `{n}` is not modelled at {} (semantics `{sem}`): {why}; the users modelled there: {}",
                    sem.tag(),
                    NotifierId::all_at(sem).iter().map(|n| n.id()).collect::<Vec<_>>().join(", ")
                ),
                None => format!(
                    "notifier `{n}` does not exist at {} (semantics `{sem}`); the users that do: {}",
                    sem.tag(),
                    NotifierId::all_at(sem).iter().map(|n| n.id()).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }

    /// Where its callbacks live and the ops table line.
    pub fn describe(self) -> &'static str {
        self.info().describe
    }

    /// The function implementing `cb` at `sem`'s tag, if its ops table
    /// has it there.
    pub fn callback_function(self, sem: Semantics, cb: Callback) -> Option<FuncId> {
        self.callbacks(sem)?.iter().find(|(c, _)| *c == cb).map(|(_, f)| *f)
    }

    /// Parses one id; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<NotifierId, UnknownName> {
        NotifierId::ALL.into_iter().find(|n| n.id() == s).ok_or_else(|| UnknownName {
            kind: "notifier",
            given: s.to_string(),
            valid: NotifierId::ALL.iter().map(|n| n.id().to_string()).collect(),
        })
    }

    /// Parses a comma-separated list (`kvm,gru`), `none` (no notifier) or
    /// `all` ([`NotifierId::ALL`]). Duplicates are an error.
    pub fn parse_list(s: &str) -> Result<Vec<NotifierId>, String> {
        match s.trim() {
            "none" => return Ok(Vec::new()),
            "all" => return Ok(NotifierId::ALL.to_vec()),
            _ => {}
        }
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let n = NotifierId::parse(part).map_err(|e| e.to_string())?;
            if out.contains(&n) {
                return Err(format!("duplicate notifier `{n}`: each may be listed once"));
            }
            out.push(n);
        }
        Ok(out)
    }
}

impl std::fmt::Display for NotifierId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Machine {
    /// User `U`'s state at notifier index `idx`.
    pub(crate) fn user<U: Registered>(&self, idx: u8) -> Option<&U> {
        self.notifiers.get(usize::from(idx)).and_then(U::of)
    }

    /// User `U`'s state at notifier index `idx`, to write (marks the
    /// globals written).
    pub(crate) fn user_mut<U: Registered>(&mut self, idx: u8) -> Option<&mut U> {
        self.globals_written = true;
        self.notifiers.get_mut(usize::from(idx)).and_then(U::of_mut)
    }

    /// The first registered user `U`.
    pub(crate) fn first_user<U: Registered>(&self) -> Option<&U> {
        self.notifiers.iter().find_map(U::of)
    }
}
