//! The era table's columns, one file per semantics (in
//! [`crate::semantics::Semantics::ALL`] order): each maps every
//! [`super::FuncId`] to the listing that era runs, with no wildcard arm, so
//! a new function makes the compiler ask every era, and a new era is one
//! new file here plus its slot in [`super::listings`].

pub mod bracket_if_missing;
pub mod event_aware;
pub mod patched;
pub mod v3_13;
pub mod v3_6;
pub mod v4_15;
pub mod v6_10;
pub mod v6_9;
