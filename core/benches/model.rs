//! Benchmarks: stepping a whole run, and cloning/hashing a state (the two
//! costs that bound an exhaustive explorer).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use criterion::{Criterion, criterion_group, criterion_main};
use notifier_lab_core::{NotifierId, Scenario, Semantics, Trace};

fn bench(c: &mut Criterion) {
    let ksm = Scenario::builtin("ksm").expect("built-in scenario");
    let notifiers = NotifierId::DEFAULT;
    c.bench_function("trace ksm wrapped (run + record every state)", |b| {
        b.iter(|| Trace::run(&ksm, Semantics::Wrapped, &notifiers))
    });
    c.bench_function("step ksm wrapped to completion (no recording)", |b| {
        b.iter(|| {
            let mut m = ksm.machine(Semantics::Wrapped, &notifiers);
            let mut n = 0u32;
            while let Some(t) = m.runnable().first().copied() {
                m.step(t);
                n += 1;
            }
            n
        })
    });
    let mid = {
        let t = Trace::run(&ksm, Semantics::Wrapped, &notifiers);
        t.state_at(t.steps.len() / 2).clone()
    };
    c.bench_function("clone state", |b| b.iter(|| mid.clone()));
    c.bench_function("hash state", |b| {
        b.iter(|| {
            let mut h = DefaultHasher::new();
            mid.hash(&mut h);
            h.finish()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
