//! The yew component. It renders a [`Demo`] and turns clicks, keys, the
//! pickers, the sliders and URL changes into [`Action`]s; every decision
//! is in [`crate::state`].

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use notifier_lab_core::walk::Side;
use notifier_lab_core::{NotifierId, Semantics};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::glossary;
use crate::state::{Action, Demo, EventKind, key_help};

/// Name of the `window` property set to `performance.now()` when the
/// first frame has been rendered (read by the end-to-end test).
pub const FIRST_RENDER_PROPERTY: &str = "__notifierLabFirstRender";

/// The `localStorage` key remembering whether single-key shortcuts are on
/// (`"off"` turns them off; WCAG 2.1.4).
pub const SHORTCUTS_STORAGE_KEY: &str = "notifier-lab.shortcuts";

/// Messages of the component.
pub enum Msg {
    /// Perform an action on the state.
    Act(Action),
    /// The "single-key shortcuts" tick box.
    Shortcuts(bool),
}

/// Whether a picker changed what runs (scenario, semantics, notifiers):
/// such a view gets its own history entry, so Back returns to the previous
/// one; steps replace the current entry.
fn pushes_history(a: &Action) -> bool {
    matches!(
        a,
        Action::SetScenario(_)
            | Action::SetSemantics(..)
            | Action::SetNotifier(..)
            | Action::SemanticsPrev
            | Action::SemanticsNext
    )
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Single-key shortcuts are on unless the visitor turned them off.
fn shortcuts_saved() -> bool {
    storage().and_then(|s| s.get_item(SHORTCUTS_STORAGE_KEY).ok().flatten()).as_deref() != Some("off")
}

/// The demo's root component.
pub struct App {
    demo: Demo,
    goto: NodeRef,
    focus_goto: bool,
    /// The next URL update pushes a history entry (see [`pushes_history`]).
    push: bool,
    /// Single-key shortcuts on (shared with the key listener).
    shortcuts: Rc<Cell<bool>>,
    /// Counter for the ids of glossary explanations in one render.
    tips: Cell<usize>,
    _keys: Option<EventListener>,
    _hash: Option<EventListener>,
    _pop: Option<EventListener>,
}

fn current_fragment() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Whether a key event comes from a control that uses letters itself (a
/// text box or a picker): then the demo's keys stay out of the way.
fn typing_target(e: &KeyboardEvent) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    // A timeline mark takes the arrows (to the next mark) and Enter/Space.
    if el.has_attribute("data-step") {
        return matches!(e.key().as_str(), "ArrowLeft" | "ArrowRight" | "Enter" | " ");
    }
    match el.tag_name().to_ascii_lowercase().as_str() {
        "select" | "textarea" => true,
        "input" => {
            let ty = el.get_attribute("type").unwrap_or_default();
            // Sliders and tick boxes take arrows, not letters.
            !(ty == "checkbox" || ty == "range" && !e.key().starts_with("Arrow"))
        }
        _ => false,
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let mut keys = None;
        let mut hash = None;
        let mut pop = None;
        let shortcuts = Rc::new(Cell::new(shortcuts_saved()));
        if let Some(win) = web_sys::window() {
            if let Some(doc) = win.document() {
                let link = ctx.link().clone();
                let opts = EventListenerOptions::enable_prevent_default();
                let on = shortcuts.clone();
                keys = Some(EventListener::new_with_options(&doc, "keydown", opts, move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if e.ctrl_key() || e.meta_key() || e.alt_key() || e.is_composing() || typing_target(e) {
                        return;
                    }
                    // Turned off, character keys do nothing (WCAG 2.1.4);
                    // the arrows and Esc, which type nothing, still work.
                    if !on.get() && e.key().chars().count() == 1 {
                        return;
                    }
                    if let Some(a) = crate::state::key_action(&e.key()) {
                        e.prevent_default();
                        link.send_message(Msg::Act(a));
                    }
                }));
            }
            let link = ctx.link().clone();
            hash = Some(EventListener::new(&win, "hashchange", move |_| {
                link.send_message(Msg::Act(Action::OpenLink(current_fragment())));
            }));
            // Back and Forward between entries the pickers pushed.
            let link = ctx.link().clone();
            pop = Some(EventListener::new(&win, "popstate", move |_| {
                link.send_message(Msg::Act(Action::OpenLink(current_fragment())));
            }));
        }
        App {
            demo: Demo::from_fragment(&current_fragment()),
            goto: NodeRef::default(),
            focus_goto: false,
            push: false,
            shortcuts,
            tips: Cell::new(0),
            _keys: keys,
            _hash: hash,
            _pop: pop,
        }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        let a = match msg {
            Msg::Act(a) => a,
            Msg::Shortcuts(on) => {
                self.shortcuts.set(on);
                if let Some(s) = storage() {
                    let _ = s.set_item(SHORTCUTS_STORAGE_KEY, if on { "on" } else { "off" });
                }
                return true;
            }
        };
        if let Action::OpenLink(f) = &a {
            // Our own URL updates do not fire `hashchange`; a fragment equal
            // to the view shown needs no reload.
            if *f == self.demo.fragment() {
                return false;
            }
        }
        self.focus_goto = a == Action::FocusGoto;
        self.push = pushes_history(&a);
        self.demo.apply(a);
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first_render: bool) {
        let Some(win) = web_sys::window() else {
            return;
        };
        // The URL always names the view shown: a picker's change pushes a
        // history entry (Back returns to the previous view), stepping
        // replaces the current one (it does not flood the history).
        let frag = self.demo.fragment();
        let push = std::mem::take(&mut self.push);
        if current_fragment() != frag {
            if let Ok(h) = win.history() {
                let _ = if push {
                    h.push_state_with_url(&JsValue::NULL, "", Some(&frag))
                } else {
                    h.replace_state_with_url(&JsValue::NULL, "", Some(&frag))
                };
            }
        }
        if self.focus_goto {
            self.focus_goto = false;
            if let Some(el) = self.goto.cast::<HtmlElement>() {
                let _ = el.focus();
            }
        }
        if first_render && self.demo.schedule.is_some() {
            // A counterexample opens on its violation: scrolled to the
            // middle of the viewport (clear of the sticky bar), at every
            // width.
            if let Some(el) = win.document().and_then(|d| d.query_selector("#left .violations").ok().flatten()) {
                let opts = web_sys::ScrollIntoViewOptions::new();
                opts.set_block(web_sys::ScrollLogicalPosition::Center);
                el.scroll_into_view_with_scroll_into_view_options(&opts);
            }
        }
        if first_render {
            let now = win.performance().map(|p| p.now()).unwrap_or(0.0);
            let _ = js_sys::Reflect::set(&win, &JsValue::from_str(FIRST_RENDER_PROPERTY), &JsValue::from_f64(now));
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let d = &self.demo;
        let link = ctx.link();
        let act = |a: Action| link.callback(move |_: MouseEvent| Msg::Act(a.clone()));
        let scenario = &d.walk.scenario;
        let on_scenario = link.callback(|e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            Msg::Act(Action::SetScenario(v.parse().unwrap_or(0)))
        });
        let goto_ref = self.goto.clone();
        let on_goto = link.callback(move |e: SubmitEvent| {
            e.prevent_default();
            let v = goto_ref.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            Msg::Act(Action::Goto(v))
        });
        let both = d.walk.common_milestone();
        self.tips.set(0);
        let shortcuts = self.shortcuts.get();
        let on_shortcuts =
            link.callback(|e: Event| Msg::Shortcuts(e.target_unchecked_into::<HtmlInputElement>().checked()));
        html! {
            <>
            <header class="top">
                <div class="title">
                    <h1>{"notifier-lab"}</h1>
                    <p class="tagline">
                        <strong>{ &scenario.name }</strong>{": "}{ &scenario.title }
                    </p>
                </div>
                <p class="intro" id="intro">
                    {"This page steps through a model of Linux's "}<code>{"set_pte_at_notify()"}</code>
                    {" in two kernel versions side by side: press "}<strong>{"next ▶"}</strong>
                    {" and watch each column's events and its "}{ self.term("secondary MMU", "secondary MMU") }
                    {" state (KVM's "}{ self.term("spte", "spte") }{", the GRU TLB) around the "}
                    { self.term("PT lock", "PT lock") }{", the columns lining up at every "}
                    { self.term("milestone", "milestone") }{"; "}
                    <a href={glossary::BOOK_INTRODUCTION}>{"the book"}</a>{" explains why they differ, and its "}
                    <a href={glossary::BOOK_GLOSSARY}>{"glossary"}</a>{" the terms."}
                </p>
                <form class="pickers" aria-label="What to run" onsubmit={link.callback(|e: SubmitEvent| { e.prevent_default(); Msg::Act(Action::FocusGoto) })}>
                    <label>{"Scenario "}
                        <select id="scenario" onchange={on_scenario}>
                            { for d.scenarios.iter().enumerate().map(|(i, s)| html! {
                                <option value={i.to_string()} selected={i == d.scenario_index()}>{ format!("{} — {}", s.name, s.title) }</option>
                            }) }
                        </select>
                    </label>
                    <fieldset class="notifiers">
                        <legend>{"Registered notifiers"}</legend>
                        { for NotifierId::ALL.into_iter().map(|n| {
                            let on = d.walk.notifiers.contains(&n);
                            let cb = link.callback(move |e: Event| {
                                Msg::Act(Action::SetNotifier(n, e.target_unchecked_into::<HtmlInputElement>().checked()))
                            });
                            // A user that does not exist at a side's tag is not offered.
                            let absent = d.notifier_absent(n);
                            let off = absent.is_some();
                            html! {
                                <label title={absent.unwrap_or_else(|| n.describe().to_string())}
                                    class={classes!(off.then_some("absent"))}>
                                    <input type="checkbox" checked={on} onchange={cb} disabled={off} />
                                    { format!(" {}", n.label()) }
                                    if off { <span class="dim">{" (absent at this tag)"}</span> }
                                </label>
                            }
                        }) }
                    </fieldset>
                </form>
            </header>
            <div class="bar">
                <nav class="controls" aria-label="Stepping (both sides)">
                    <button type="button" onclick={act(Action::Back)} aria-keyshortcuts="b" title="back one statement (b, ←)">{"◀ back"}</button>
                    <button type="button" onclick={act(Action::StepInto)} aria-keyshortcuts="s" title="step into: one statement (s)">{"step into"}</button>
                    <button type="button" id="next" onclick={act(Action::StepOver)} aria-keyshortcuts="n" title="next statement at this depth (n, →)">{"next ▶"}</button>
                    <button type="button" onclick={act(Action::Finish)} aria-keyshortcuts="f" title="until the current function returns (f)">{"finish"}</button>
                    <button type="button" onclick={act(Action::RunToEnd)} aria-keyshortcuts="r" title="both runs to the end (r)">{"run to end"}</button>
                    <button type="button" onclick={act(Action::Restart)} aria-keyshortcuts="R" title="both runs to the start (R)">{"restart"}</button>
                    <button type="button" onclick={act(Action::ToggleHelp)} aria-keyshortcuts="?" aria-expanded={d.help.to_string()} title="keys (?)">{"keys ?"}</button>
                    <form class="goto" onsubmit={on_goto} role="search">
                        <label>{"Go to "}
                            <input ref={self.goto.clone()} type="text" name="goto" list="milestones" size="18"
                                placeholder="step or milestone" aria-keyshortcuts="g" autocomplete="off" />
                        </label>
                        <datalist id="milestones">
                            { for d.walk.rows.iter().map(|r| html! { <option value={r.milestone.clone()} /> }) }
                        </datalist>
                        <button type="submit">{"go"}</button>
                    </form>
                    <label class="shortcuts" title="Turn off if single-letter keys get in the way (of speech input, for example)">
                        <input type="checkbox" id="shortcuts" checked={shortcuts} onchange={on_shortcuts} />
                        {" single-key shortcuts"}
                    </label>
                </nav>
                if let Some(b) = d.banner() { <p class="replay-banner" role="note">{ b }</p> }
                <p class="status" role="status" aria-live="polite">
                    { match (&d.message, &both) {
                        (Some(m), _) => html! { <span class="message">{ m }</span> },
                        (None, Some(m)) => html! { <>{"Both sides at "}{ self.term("milestone", "milestone") }{" "}<span class="milestone">{ m }</span>{": their states compare value by value."}</> },
                        (None, None) => html! { <span class="dim">{"The sides are between milestones; each waits at the next one for the other."}</span> },
                    } }
                </p>
            </div>
            if d.help { { self.help(ctx) } }
            <main class="columns">
                { self.column(ctx, Side::Left) }
                { self.column(ctx, Side::Right) }
            </main>
            if d.finished() { { self.summary() } }
            <footer class="legend">
                <span class="changed">{"changed by the last move"}</span>
                <span class="differs">{"≠ differs from the other side at the same milestone"}</span>
                <span class="running">{"▶ callback running"}</span>
                <span class="milestone">{"blue listing line: a milestone statement"}</span>
                <span>{"Source links go to elixir.bootlin.com; lines of the 2014 patch link to the v3.13 line they apply at."}</span>
            </footer>
            </>
        }
    }
}

impl App {
    /// `shown`, explained on hover and keyboard focus by the book's
    /// glossary entry for `name` ([`glossary::define`]).
    fn term(&self, shown: &str, name: &str) -> Html {
        let Some(def) = glossary::define(name) else {
            return html! { { shown.to_string() } };
        };
        let n = self.tips.get();
        self.tips.set(n + 1);
        let id = format!("tip-{n}");
        html! {
            <span class="term" tabindex="0" aria-describedby={id.clone()}>
                { shown.to_string() }
                <span class="tip" id={id} aria-hidden="true">
                    <strong>{ format!("{name}: ") }</strong>{ def }
                    <span class="tip-src">{" (the book's glossary)"}</span>
                </span>
            </span>
        }
    }

    fn help(&self, ctx: &Context<Self>) -> Html {
        html! {
            <section class="help" aria-labelledby="help-title">
                <h2 id="help-title">{"Keys"}</h2>
                <table>
                    <tbody>
                    { for key_help().into_iter().map(|(k, what)| html! {
                        <tr><th scope="row"><kbd>{ key_label(k) }</kbd></th><td>{ what }</td></tr>
                    }) }
                    </tbody>
                </table>
                <p>{"Single-key shortcuts can be turned off with the “single-key shortcuts” box (remembered in this browser); ←, → and Esc still work. "}</p>
                <p>{"Click a listing line, or focus it (Tab, then ↑/↓) and press Enter, to run that side until the line is next. The step sliders move one side; the other follows only as far as needed to keep the sides at corresponding milestones. The URL always names the view shown: copy it to share this exact step."}</p>
                <button type="button" onclick={ctx.link().callback(|_| Msg::Act(Action::CloseHelp))}>{"close (Esc)"}</button>
            </section>
        }
    }

    fn column(&self, ctx: &Context<Self>, side: Side) -> Html {
        let d = &self.demo;
        let w = &d.walk;
        let s = w.side(side);
        let link = ctx.link();
        let name = side.name();
        let focused = d.focus == side;
        let on_sem = link.callback(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            Msg::Act(Action::SetSemantics(side, Semantics::parse(&v).unwrap_or(Semantics::Wrapped)))
        });
        let on_step = link.callback(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            Msg::Act(Action::SetStep(side, v.parse().unwrap_or(0)))
        });
        let status = match s.shown_step() {
            Some(st) if !s.at_end() => format!("{} thread · depth {}", st.thread_kind, st.depth),
            Some(_) => "run finished".to_string(),
            None => "empty run".to_string(),
        };
        let waits = w.waiting_at(side);
        let last = w.last_milestone(side);
        let crumb = s.breadcrumb();
        let violations = d.violations(side);
        let (log_title, log) = d.log(side);
        let title_id = format!("{name}-title");
        // In a counterexample replay the violation and the threads come
        // first: they are the point of the link.
        let replay = d.schedule.is_some();
        let violations_box = if violations.is_empty() {
            html! {}
        } else {
            html! {
                <section class="violations" aria-label={format!("{name} invariant violations")}>
                    <h3>{"Invariant violations so far"}</h3>
                    <ul>
                    { for violations.iter().map(|(at, id, msg, rule)| html! {
                        <li>
                            <strong>{ *id }</strong>{ format!(" at step {at}: {msg}") }
                            <br /><span class="rule">{ format!("The rule: {rule}.") }</span>
                        </li>
                    }) }
                    </ul>
                </section>
            }
        };
        let diagram = d.diagram(side);
        html! {
            <section class={classes!("column", focused.then_some("focused"))} id={name.to_string()}
                aria-labelledby={title_id.clone()} onfocusin={link.callback(move |_| Msg::Act(Action::Focus(side)))}>
                <header class="col-head">
                    <h2 id={title_id}>
                        { format!("{name}: {} ", s.semantics.id()) }<span class="tag">{ format!("({})", s.semantics.tag()) }</span>
                        if focused { <span class="focus-mark" title="[ and ] change this side's semantics">{" · focused"}</span> }
                    </h2>
                    <label>{"Semantics "}
                        <select class="semantics" onchange={on_sem}>
                            { for Semantics::ALL.into_iter().map(|x| {
                                // Not offered when a registered notifier does not exist at its tag.
                                let refused = d.semantics_refused(x);
                                let off = refused.is_some();
                                html! {
                                    <option value={x.id()} selected={x == s.semantics} disabled={off}
                                        title={refused.unwrap_or_else(|| x.describe().to_string())}>{ format!("{} ({})", x.id(), x.tag()) }</option>
                                }
                            }) }
                        </select>
                    </label>
                    <p class="sem-desc">{ s.semantics.describe() }</p>
                    <label class="slider">{"Step "}
                        <input type="range" min="0" max={s.len().to_string()} value={s.pos.to_string()} oninput={on_step}
                            aria-valuetext={format!("step {} of {}", s.pos, s.len())} />
                        <output class="pos">{ format!("{}/{}", s.pos, s.len()) }</output>
                    </label>
                    <p class="col-status">
                        { status }
                        { match (&waits, &last) {
                            (Some(m), _) => html! { <span class="waiting">{ format!(" · waits at {m} for the {} side", side.other().name()) }</span> },
                            (None, Some((m, at))) => html! { <span class="dim">{ format!(" · last milestone {m} (step {at})") }</span> },
                            _ => html! {},
                        } }
                        if !violations.is_empty() {
                            <span class="violation-count">{ format!(" · {} violation{}", violations.len(), if violations.len() == 1 { "" } else { "s" }) }</span>
                        }
                    </p>
                </header>
                if replay { { violations_box.clone() } { self.timeline(ctx, side) } }
                <nav class="breadcrumb" aria-label={format!("{name} call stack")}>
                    <ol>{ for crumb.iter().map(|f| html! { <li>{ *f }</li> }) }</ol>
                </nav>
                <section class="events" aria-label={format!("{name} events")}>
                    <h3>{ format!("Events · {log_title}") }</h3>
                    // column-reverse: the box shows the newest lines (the
                    // end of the last move) without a script forcing layout.
                    <div class="log-scroll">
                    <ol class="log">
                    { for log.into_iter().map(|st| html! {
                        <li value={st.index.to_string()}>
                            <span class="dim">{ format!("{} {}", st.index, st.head) }</span>
                            if st.events.is_empty() { <span class="dim">{" (no tracked state changed)"}</span> }
                            <ul>
                            { for st.events.into_iter().map(|e| html! {
                                <li class={match e.kind { EventKind::Violation => "violation", EventKind::Callback => "callback", EventKind::Plain => "" }}>
                                    { e.text }
                                    if let Some(rule) = e.rule { <br /><span class="rule">{ format!("The rule: {rule}.") }</span> }
                                </li>
                            }) }
                            </ul>
                        </li>
                    }) }
                    </ol>
                    </div>
                </section>
                { self.listing(ctx, side) }
                if !replay { { self.timeline(ctx, side) } }
                <section class="mappings" aria-label={format!("{name} mapping diagram")}>
                    <h3>{"Mappings"}</h3>
                    <div class="svg-box">{ Html::from_html_unchecked(AttrValue::from(diagram.to_svg())) }</div>
                    <p class="diagram-legend dim">{"Each arrow is a translation to a page: the process's pte and every secondary mapping. Red: stale (maps a page the process no longer maps), writable while the pte is not, or a freed page; dashed: stale; yellow: changed by the last move."}</p>
                </section>
                <section class="state" aria-label={format!("{name} state")}>
                    <h3>{"State"}</h3>
                    { for d.panes(side).into_iter().map(|sec| html! {
                        <div class="pane">
                            <h4>{ sec.title }</h4>
                            <dl>
                            { for sec.items.into_iter().map(|it| {
                                let cls = classes!(it.changed.then_some("changed"), it.differs.then_some("differs"), it.running.then_some("running"));
                                html! {
                                    <div class={cls}>
                                        <dt>{ match glossary::term_of_label(&it.label) {
                                            Some(t) => html! { <>{ self.term(t, t) }{ &it.label[t.len()..] }</> },
                                            None => html! { { it.label.clone() } },
                                        } }</dt>
                                        <dd>
                                            if it.differs { <span class="mark" title="differs from the other side">{"≠"}</span> }
                                            { it.value }
                                            if it.changed { <span class="sr-only">{" (changed)"}</span> }
                                        </dd>
                                    </div>
                                }
                            }) }
                            </dl>
                        </div>
                    }) }
                </section>
                if !replay { { violations_box.clone() } }
            </section>
        }
    }

    /// The thread timeline of `side`: the core's SVG (a lane per thread, a
    /// mark per executed step), each thread's position in words, and in a
    /// replay the schedule with its legend. Clicking a mark, or Enter on a
    /// focused one, moves this side to that step.
    fn timeline(&self, ctx: &Context<Self>, side: Side) -> Html {
        let d = &self.demo;
        let t = d.timeline(side);
        let name = side.name();
        let onclick = ctx
            .link()
            .batch_callback(move |e: MouseEvent| step_of(e.target()).map(|n| Msg::Act(Action::SetStep(side, n))));
        let onkeydown = ctx.link().batch_callback(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" | " " => {
                let n = step_of(e.target())?;
                e.prevent_default();
                Some(Msg::Act(Action::SetStep(side, n)))
            }
            k @ ("ArrowLeft" | "ArrowRight") => {
                // The marks are one tab stop; the arrows move between them.
                let mut el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
                el.get_attribute("data-step")?;
                e.prevent_default();
                e.stop_propagation();
                loop {
                    el = if k == "ArrowLeft" { el.previous_element_sibling() } else { el.next_element_sibling() }?;
                    if el.has_attribute("data-step") {
                        let _ = el.unchecked_ref::<HtmlElement>().focus();
                        return None;
                    }
                }
            }
            _ => None,
        });
        let legend = if side == Side::Left { d.schedule_legend() } else { None };
        html! {
            <section class="timeline" aria-label={format!("{name} thread timeline")} {onclick} {onkeydown}>
                <h3>{ format!("Threads · {} of {} steps, {} switch{}", t.marks.len(), t.total, t.switches(), if t.switches() == 1 { "" } else { "es" }) }</h3>
                <div class="svg-box">{ Html::from_html_unchecked(AttrValue::from(t.to_svg())) }</div>
                <ul class="lanes">
                { for t.lanes.iter().map(|l| html! {
                    <li><strong>{ l.name.clone() }</strong>{ format!(" (thread {}) at {}", l.thread, l.at) }</li>
                }) }
                </ul>
                if let Some((sched, legend)) = legend {
                    <p class="schedule"><code>{ sched }</code>{" "}<span class="dim">{ legend }</span></p>
                }
                <p class="dim timeline-help">{"Click a mark, or Tab to the newest, ←/→ to another and Enter, to move this side to that step."}</p>
            </section>
        }
    }

    fn listing(&self, ctx: &Context<Self>, side: Side) -> Html {
        let s = self.demo.walk.side(side);
        let Some(st) = s.shown_step() else {
            return html! { <section class="listing"><p>{"empty run"}</p></section> };
        };
        let f = st.function;
        let head = f.head();
        let src = st.source();
        let done = s.at_end();
        html! {
            <section class="listing" aria-label={format!("{} listing", side.name())}>
                <h3>
                    <code>{ f.name }</code>{" "}
                    <a href={head.url()} target="_blank" rel="noopener noreferrer">{ head.place() }</a>
                </h3>
                <p class="cite">
                    {"Current statement: "}
                    <a class="source" href={src.url()} target="_blank" rel="noopener noreferrer">{ src.short() }</a>
                    if let (Some(m), false) = (&st.milestone, done) { <span class="milestone">{ format!(" · next milestone {m}") }</span> }
                </p>
                <ol class="code" tabindex="0"
                    aria-label={format!("{} listing of {}: Tab to its current line, ↑/↓ to another, Enter runs this side until it is next", side.name(), f.name)}>
                { for f.body.iter().enumerate().map(|(pc, stmt)| {
                    let cur = pc == st.pc;
                    let cls = classes!(cur.then_some("current"), stmt.milestone.is_some().then_some("has-milestone"), (cur && done).then_some("done"));
                    let onclick = ctx.link().callback(move |_: MouseEvent| Msg::Act(Action::RunToStatement(side, pc)));
                    let onkeydown = ctx.link().batch_callback(move |e: KeyboardEvent| line_key(&e, side, pc));
                    html! {
                        <li class={cls} aria-current={cur.then_some("step")} {onclick} {onkeydown}
                            tabindex={if cur { "0" } else { "-1" }} data-pc={pc.to_string()}
                            title="run this side until this line is next (click, or Enter)">
                            <span class="ln">{ stmt.line }</span>
                            <code>{ stmt.code }</code>
                        </li>
                    }
                }) }
                </ol>
            </section>
        }
    }

    fn summary(&self) -> Html {
        let d = &self.demo;
        html! {
            <section class="summary" aria-labelledby="summary-title">
                <h2 id="summary-title">{"Both runs finished: summary"}</h2>
                <div class="summary-cols">
                { for Side::BOTH.into_iter().map(|side| {
                    let s = d.walk.side(side);
                    html! {
                        <table>
                            <caption>{ format!("{}: {} ({})", side.name(), s.semantics.id(), s.semantics.tag()) }</caption>
                            <tbody>
                            { for d.summary(side).into_iter().map(|(g, l, v, differs)| html! {
                                <tr class={classes!(differs.then_some("differs"))}>
                                    <th scope="row">{ format!("{g} {l}") }</th>
                                    <td>if differs { <span class="mark">{"≠"}</span> }{ v }</td>
                                </tr>
                            }) }
                            </tbody>
                        </table>
                    }
                }) }
                </div>
            </section>
        }
    }
}

/// Keys on a focused listing line: ↑/↓ move the focus to the line above or
/// below, Enter or Space runs the side until the line is next.
fn line_key(e: &KeyboardEvent, side: Side, pc: usize) -> Option<Msg> {
    match e.key().as_str() {
        "Enter" | " " => {
            e.prevent_default();
            Some(Msg::Act(Action::RunToStatement(side, pc)))
        }
        k @ ("ArrowUp" | "ArrowDown") => {
            e.prevent_default();
            let li = e.target()?.dyn_into::<web_sys::Element>().ok()?;
            let to = if k == "ArrowUp" { li.previous_element_sibling() } else { li.next_element_sibling() };
            if let Some(to) = to.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                let _ = to.focus();
            }
            None
        }
        _ => None,
    }
}

/// The step a timeline mark names (`data-step`), from a click or key
/// event's target.
fn step_of(target: Option<web_sys::EventTarget>) -> Option<usize> {
    let el = target?.dyn_into::<web_sys::Element>().ok()?;
    let mark = el.closest("[data-step]").ok()??;
    mark.get_attribute("data-step")?.parse().ok()
}

fn key_label(k: &str) -> &str {
    match k {
        "ArrowRight" => "→",
        "ArrowLeft" => "←",
        "Escape" => "Esc",
        other => other,
    }
}
