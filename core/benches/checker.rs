//! The explorer's throughput: distinct states stored per second, and the
//! time of a whole search.
//!
//! * `explorer`: `cow` under `wrapped` with a host writer, a vCPU reader
//!   and a GRU reader, the exact search (`Options::reduce = false`:
//!   610,145 distinct states, 2.1 M transitions, since dead locals are
//!   forgotten; 1,126,353 before) and the reduced one (the default).
//! * `explorer-four-actors`: two host writers and two GRU readers, reduced
//!   (its exact search is many times larger).
//! * `explorer-small`: a host writer and a GRU reader, the per-state cost
//!   without the large frontier.
//!
//! Criterion reports elements/s, one element per distinct state stored
//! (so the reduced and the exact search differ in elements, not only in
//! time). Measured, never asserted.
//!
//! The reference point is SPIN's compiled verifier, about 1.1 M
//! states/s on such a model on these machines; `scripts/spin-calibration.sh`
//! measures SPIN and the explorer alternately on the same machine.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use notifier_lab_core::checker::{self, Options, Report};
use notifier_lab_core::{Actor, NotifierId, Scenario, Semantics};

fn search(cow: &Scenario, actors: &[Actor], reduce: bool) -> Report {
    let options = Options { reduce, ..Options::default() };
    checker::check(cow, Semantics::Wrapped, &NotifierId::DEFAULT, actors, options).expect("fits")
}

fn bench(c: &mut Criterion) {
    let cow = Scenario::builtin("cow").expect("built-in scenario");
    let three = [Actor::HostWrite, Actor::VcpuRead, Actor::GruRead];
    let mut g = c.benchmark_group("explorer");
    g.sample_size(10);
    for (name, reduce) in [("exact", false), ("reduced", true)] {
        let r = search(&cow, &three, reduce);
        assert!(r.complete, "incomplete: {}", r.distinct_states);
        assert!(reduce || r.distinct_states >= 500_000, "configuration too small: {}", r.distinct_states);
        g.throughput(Throughput::Elements(r.distinct_states));
        g.bench_function(format!("cow wrapped host_write,vcpu_read,gru_read {name} (distinct states)"), |b| {
            b.iter(|| search(&cow, &three, reduce))
        });
    }
    g.finish();
    let four = [Actor::HostWrite, Actor::HostWrite, Actor::GruRead, Actor::GruRead];
    let r = search(&cow, &four, true);
    assert!(r.complete, "incomplete: {}", r.distinct_states);
    let mut g = c.benchmark_group("explorer-four-actors");
    g.sample_size(10);
    g.throughput(Throughput::Elements(r.distinct_states));
    g.bench_function("cow wrapped host_write,host_write,gru_read,gru_read reduced (distinct states)", |b| {
        b.iter(|| search(&cow, &four, true))
    });
    g.finish();
    // Smaller configuration: the per-state cost without the large frontier.
    let small = [Actor::HostWrite, Actor::GruRead];
    for (name, reduce) in [("exact", false), ("reduced", true)] {
        let r = search(&cow, &small, reduce);
        let mut g = c.benchmark_group("explorer-small");
        g.throughput(Throughput::Elements(r.distinct_states));
        g.bench_function(format!("cow wrapped host_write,gru_read {name} (distinct states)"), |b| {
            b.iter(|| search(&cow, &small, reduce))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
