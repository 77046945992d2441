//! The yew component. It renders a [`Demo`] and turns clicks, keys, the
//! pickers, the sliders and URL changes into [`Action`]s; every decision
//! is in [`crate::state`].

use gloo_events::{EventListener, EventListenerOptions};
use notifier_lab_core::walk::Side;
use notifier_lab_core::{NotifierId, Semantics};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::state::{Action, Demo, EventKind, KEYS};

/// Name of the `window` property set to `performance.now()` when the
/// first frame has been rendered (read by the end-to-end test).
pub const FIRST_RENDER_PROPERTY: &str = "__notifierLabFirstRender";

/// Messages of the component.
pub enum Msg {
    /// Perform an action on the state.
    Act(Action),
}

/// The demo's root component.
pub struct App {
    demo: Demo,
    goto: NodeRef,
    focus_goto: bool,
    _keys: Option<EventListener>,
    _hash: Option<EventListener>,
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
        if let Some(win) = web_sys::window() {
            if let Some(doc) = win.document() {
                let link = ctx.link().clone();
                let opts = EventListenerOptions::enable_prevent_default();
                keys = Some(EventListener::new_with_options(&doc, "keydown", opts, move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if e.ctrl_key() || e.meta_key() || e.alt_key() || e.is_composing() || typing_target(e) {
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
        }
        App {
            demo: Demo::from_fragment(&current_fragment()),
            goto: NodeRef::default(),
            focus_goto: false,
            _keys: keys,
            _hash: hash,
        }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        let Msg::Act(a) = msg;
        if let Action::OpenLink(f) = &a {
            // Our own URL updates do not fire `hashchange`; a fragment equal
            // to the view shown needs no reload.
            if *f == self.demo.fragment() {
                return false;
            }
        }
        self.focus_goto = a == Action::FocusGoto;
        self.demo.apply(a);
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first_render: bool) {
        let Some(win) = web_sys::window() else {
            return;
        };
        // The URL always names the view shown (replaceState: stepping does
        // not flood the history).
        let frag = self.demo.fragment();
        if current_fragment() != frag {
            if let Ok(h) = win.history() {
                let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&frag));
            }
        }
        if self.focus_goto {
            self.focus_goto = false;
            if let Some(el) = self.goto.cast::<HtmlElement>() {
                let _ = el.focus();
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
        html! {
            <>
            <header class="top">
                <div class="title">
                    <h1>{"notifier-lab"}</h1>
                    <p class="tagline">
                        <strong>{ &scenario.name }</strong>{": "}{ &scenario.title }
                    </p>
                </div>
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
                            html! {
                                <label title={n.describe()}>
                                    <input type="checkbox" checked={on} onchange={cb} />{ format!(" {}", n.label()) }
                                </label>
                            }
                        }) }
                    </fieldset>
                </form>
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
                </nav>
                if let Some(b) = d.banner() { <p class="replay-banner" role="note">{ b }</p> }
                <p class="status" role="status" aria-live="polite">
                    { match (&d.message, &both) {
                        (Some(m), _) => html! { <span class="message">{ m }</span> },
                        (None, Some(m)) => html! { <>{"Both sides at "}<span class="milestone">{ m }</span>{": their states compare value by value."}</> },
                        (None, None) => html! { <span class="dim">{"The sides are between milestones; each waits at the next one for the other."}</span> },
                    } }
                </p>
            </header>
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
                <span>{"Source links go to elixir.bootlin.com; lines of the 2014 patch link to the v3.13 line they apply at."}</span>
            </footer>
            </>
        }
    }
}

impl App {
    fn help(&self, ctx: &Context<Self>) -> Html {
        html! {
            <section class="help" aria-labelledby="help-title">
                <h2 id="help-title">{"Keys"}</h2>
                <table>
                    <tbody>
                    { for KEYS.iter().map(|(k, _, what)| html! {
                        <tr><th scope="row"><kbd>{ key_label(k) }</kbd></th><td>{ *what }</td></tr>
                    }) }
                    </tbody>
                </table>
                <p>{"Click a listing line to run that side until the line is next. The step sliders move one side; the other follows only as far as needed to keep the sides at corresponding milestones. The URL always names the view shown: copy it to share this exact step."}</p>
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
                            { for Semantics::ALL.into_iter().map(|x| html! {
                                <option value={x.id()} selected={x == s.semantics} title={x.describe()}>{ format!("{} ({})", x.id(), x.tag()) }</option>
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
                <nav class="breadcrumb" aria-label={format!("{name} call stack")}>
                    <ol>{ for crumb.iter().map(|f| html! { <li>{ *f }</li> }) }</ol>
                </nav>
                { self.listing(ctx, side) }
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
                                        <dt>{ it.label }</dt>
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
                if !violations.is_empty() {
                    <section class="violations" aria-label={format!("{name} invariant violations")}>
                        <h3>{"Invariant violations so far"}</h3>
                        <ul>
                        { for violations.into_iter().map(|(at, id, msg, rule)| html! {
                            <li>
                                <strong>{ id }</strong>{ format!(" at step {at}: {msg}") }
                                <br /><span class="rule">{ format!("The rule: {rule}.") }</span>
                            </li>
                        }) }
                        </ul>
                    </section>
                }
                <section class="events" aria-label={format!("{name} events")}>
                    <h3>{ format!("Events · {log_title}") }</h3>
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
                </section>
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
                    <a href={head.url()} target="_blank" rel="noopener noreferrer">{ format!("{}:{}", head.file, head.line) }</a>
                </h3>
                <p class="cite">
                    {"Current statement: "}
                    <a class="source" href={src.url()} target="_blank" rel="noopener noreferrer">{ src.short() }</a>
                    if let (Some(m), false) = (&st.milestone, done) { <span class="milestone">{ format!(" · next milestone {m}") }</span> }
                </p>
                <ol class="code">
                { for f.body.iter().enumerate().map(|(pc, stmt)| {
                    let cur = pc == st.pc;
                    let cls = classes!(cur.then_some("current"), stmt.milestone.is_some().then_some("has-milestone"), (cur && done).then_some("done"));
                    let onclick = ctx.link().callback(move |_: MouseEvent| Msg::Act(Action::RunToStatement(side, pc)));
                    html! {
                        <li class={cls} aria-current={cur.then_some("step")} {onclick} title="run this side until this line is next">
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

fn key_label(k: &str) -> &str {
    match k {
        "ArrowRight" => "→",
        "ArrowLeft" => "←",
        "Escape" => "Esc",
        other => other,
    }
}
