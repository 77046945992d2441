//! Entry point of the browser demo (wasm32 only; see `web/build.sh`).
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
fn main() {
    notifier_lab_web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("notifier-lab-web is a browser application: build it with web/build.sh (see web/README.md)");
    std::process::exit(2);
}
