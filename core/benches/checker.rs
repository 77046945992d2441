//! The explorer's throughput: distinct states stored per second on a
//! configuration of more than a million states (`cow` under `wrapped`
//! with a host writer, a vCPU reader and a GRU reader: 1,126,353 distinct
//! states, 3.9 M transitions). Criterion reports it as elements/s, one
//! element per distinct state. Measured, never asserted.
//!
//! The reference point is SPIN's compiled verifier, about 1.1 M
//! states/s on such a model on these machines; `scripts/spin-calibration.sh`
//! measures SPIN and the explorer alternately on the same machine.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use notifier_lab_core::checker::{self, Options};
use notifier_lab_core::{Actor, NotifierId, Scenario, Semantics};

fn bench(c: &mut Criterion) {
    let cow = Scenario::builtin("cow").expect("built-in scenario");
    let actors = [Actor::HostWrite, Actor::VcpuRead, Actor::GruRead];
    let run =
        || checker::check(&cow, Semantics::Wrapped, &NotifierId::DEFAULT, &actors, Options::default()).expect("fits");
    let r = run();
    assert!(r.complete && r.distinct_states >= 1_000_000, "configuration too small: {}", r.distinct_states);
    let mut g = c.benchmark_group("explorer");
    g.sample_size(10);
    g.throughput(Throughput::Elements(r.distinct_states));
    g.bench_function("cow wrapped host_write,vcpu_read,gru_read (distinct states)", |b| b.iter(run));
    g.finish();
    // Smaller configuration: the per-state cost without the large frontier.
    let small = [Actor::HostWrite, Actor::GruRead];
    let r = checker::check(&cow, Semantics::Wrapped, &NotifierId::DEFAULT, &small, Options::default()).expect("fits");
    let mut g = c.benchmark_group("explorer-small");
    g.throughput(Throughput::Elements(r.distinct_states));
    g.bench_function("cow wrapped host_write,gru_read (distinct states)", |b| {
        b.iter(|| checker::check(&cow, Semantics::Wrapped, &NotifierId::DEFAULT, &small, Options::default()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
