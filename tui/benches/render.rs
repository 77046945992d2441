//! Frame cost of the walkthrough: drawing one 160x48 frame into a ratatui
//! `TestBackend`, and one key → state transition → frame cycle (what a key
//! press costs in the real event loop, minus the terminal's own I/O).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use notifier_lab_tui::app::input::handle_key;
use notifier_lab_tui::app::keymap::{Key, Keymap};
use notifier_lab_tui::app::state::Walkthrough;
use notifier_lab_tui::display;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn bench(c: &mut Criterion) {
    let mut km = Keymap::default_preset();
    let mut w = Walkthrough::new_default();
    // A busy frame: both sides inside set_pte_at_notify, callbacks running.
    w.goto("write_protect_page:pte-set").expect("milestone");
    for _ in 0..5 {
        w.step_into();
    }
    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("test backend");

    c.bench_function("render frame 160x48", |b| {
        b.iter(|| {
            term.draw(|f| {
                black_box(display::draw(f, black_box(&w), &km));
            })
            .expect("test backend");
        })
    });

    // Alternating `s` and `b` keeps the state where it is while still
    // running a real transition (with its event log and highlights) per key.
    let keys = [Key::Char('s'), Key::Char('b')];
    let mut i = 0;
    c.bench_function("key + frame 160x48", |b| {
        b.iter(|| {
            handle_key(&mut w, &mut km, keys[i % 2]);
            i += 1;
            term.draw(|f| {
                black_box(display::draw(f, &w, &km));
            })
            .expect("test backend");
        })
    });

    // Start-up minus the terminal: both runs recorded, aligned, first frame.
    c.bench_function("start: build both runs + first frame", |b| {
        b.iter(|| {
            let w = Walkthrough::new_default();
            term.draw(|f| {
                black_box(display::draw(f, &w, &km));
            })
            .expect("test backend");
        })
    });

    c.bench_function("key only (state transition)", |b| {
        b.iter(|| {
            handle_key(&mut w, &mut km, keys[i % 2]);
            i += 1;
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
