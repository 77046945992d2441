//! Browser tests (wasm-bindgen-test in headless Chromium; run by
//! `web/test.sh`): the component mounts, renders the panes of a deep link,
//! reacts to keys and keeps the URL fragment in step with the view.
#![cfg(target_arch = "wasm32")]
#![forbid(unsafe_code)]

use std::time::Duration;

use notifier_lab_web::app::{App, FIRST_RENDER_PROPERTY};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, KeyboardEvent, KeyboardEventInit};
use yew::AppHandle;

wasm_bindgen_test_configure!(run_in_browser);

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

fn document() -> web_sys::Document {
    window().document().expect("a document")
}

/// Sets the fragment, mounts a fresh app in a fresh element, waits for the
/// first render.
/// Each test destroys its app at the end (its document key listener and
/// URL updates would otherwise interfere with the next test).
async fn mount(fragment: &str) -> (Element, AppHandle<App>) {
    let _ = window().location().set_hash(fragment);
    let root = document().create_element("div").expect("div");
    document().body().expect("body").append_child(&root).expect("append");
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    (root, handle)
}

fn unmount((root, handle): (Element, AppHandle<App>)) {
    handle.destroy();
    root.remove();
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(50)).await;
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default()
}

fn press(key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    document().body().expect("body").dispatch_event(&ev).expect("dispatch");
}

#[wasm_bindgen_test]
async fn deep_link_renders_every_pane() {
    let app = mount("#v1/ksm/wrapped/patched/kvm,gru/step=7").await;
    let root = app.0.clone();
    assert!(text(&root, "#left output.pos").starts_with("7/"), "{}", text(&root, "#left output.pos"));
    let left = text(&root, "#left");
    for want in ["PT lock", "notifier list", "KVM", "SGI GRU", "mmu_notifier_seq", "ms_range_active", "pages"] {
        assert!(left.contains(want), "left column lacks {want}");
    }
    let a = root.query_selector("#left a.source").unwrap().expect("a citation link");
    assert!(a.get_attribute("href").unwrap_or_default().starts_with("https://elixir.bootlin.com/linux/v3.13/source/"));
    let first = js_sys::Reflect::get(&window(), &JsValue::from_str(FIRST_RENDER_PROPERTY)).unwrap();
    assert!(first.as_f64().is_some(), "first render time recorded");
    unmount(app);
}

#[wasm_bindgen_test]
async fn keys_step_and_update_the_fragment() {
    let app = mount("#v1/cow/original/patched/kvm/step=0").await;
    let root = app.0.clone();
    press("s");
    settle().await;
    assert!(text(&root, "#left output.pos").starts_with("1/"));
    assert_eq!(window().location().hash().unwrap(), "#v1/cow/original/patched/kvm/step=1");
    press("R");
    settle().await;
    assert!(text(&root, "#left output.pos").starts_with("0/"));
    press("?");
    settle().await;
    assert!(root.query_selector(".help").unwrap().is_some(), "help shown");
    press("Escape");
    settle().await;
    assert!(root.query_selector(".help").unwrap().is_none(), "help closed");
    unmount(app);
}

#[wasm_bindgen_test]
async fn bad_link_shows_message_and_a_view() {
    let app = mount("#v9/ksm/wrapped/nope").await;
    let root = app.0.clone();
    let msg = text(&root, ".status .message");
    assert!(msg.contains("v9") && msg.contains("nope"), "{msg}");
    assert!(text(&root, "#right").contains("PT lock"));
    let frag = window().location().hash().unwrap();
    assert!(frag.starts_with("#v1/ksm/wrapped/patched/"), "{frag}");
    unmount(app);
}

#[wasm_bindgen_test]
async fn typing_in_the_goto_box_does_not_step() {
    let app = mount("#v1/ksm").await;
    let root = app.0.clone();
    let input = root.query_selector("input[name=goto]").unwrap().expect("goto box");
    let init = KeyboardEventInit::new();
    init.set_key("n");
    init.set_bubbles(true);
    let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dyn_ref::<web_sys::EventTarget>().unwrap().dispatch_event(&ev).unwrap();
    settle().await;
    assert!(text(&root, "#left output.pos").starts_with("0/"));
    unmount(app);
}
