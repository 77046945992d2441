//! # notifier-lab-web
//!
//! The browser demo of notifier-lab: the terminal walkthrough's
//! side-by-side view of two kernel eras, as a yew application compiled to
//! WebAssembly and served as static files (`web/build.sh` writes them to
//! `web/dist/`; any static file server works, e.g. `python3 -m
//! http.server`). Nothing is fetched from the network.
//!
//! * [`state`]: the demo state ([`state::Demo`]) and every transition on
//!   it, on top of [`notifier_lab_core::walk::Walk`], the model the
//!   terminal walkthrough uses too. Plain Rust, unit-tested natively. The
//!   URL fragment it reads and writes is [`notifier_lab_core::link`]
//!   (`#v1/ksm/wrapped/patched/kvm,gru/step=42`), shared with the command
//!   line and the book, which write the same links.
//! * [`builtin`]: the built-in scenarios, parsed at build time
//!   (`web/build.rs`), so the wasm carries no TOML parser.
//! * [`glossary`]: the book's glossary (`book/src/glossary.md`), compiled in,
//!   for the hover and focus explanations of terms.
//! * `app` (wasm32 only): the yew component, which renders a
//!   [`state::Demo`] and dispatches [`state::Action`]s; and `start`, which
//!   mounts it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod builtin;
pub mod glossary;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;

/// Mounts the demo on the element with id `app` (or on `<body>` when
/// there is none).
#[cfg(target_arch = "wasm32")]
pub fn start() {
    let doc = web_sys::window().and_then(|w| w.document());
    match doc.as_ref().and_then(|d| d.get_element_by_id("app")) {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
