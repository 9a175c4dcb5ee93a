//! Throughput of `extract` over the annotated corpus report.
//!
//! `cargo bench -p qingdan-extract --bench extract` (see BENCHMARKS.md). When
//! `../shared/corpus` is absent a synthetic report of the same shape is used.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qingdan_extract::{Options, extract};

fn corpus_report() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/jincheng-2021-government-work-report.txt");
    std::fs::read_to_string(path).unwrap_or_else(|_| {
        "三、2024年工作安排\n\n（一）发展产业\n\n今年新建5G基站1000座，年底前完成投资15亿元，增长8%以上。\n".repeat(200)
    })
}

fn bench(c: &mut Criterion) {
    let text = corpus_report();
    let options = Options::default();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("corpus_report", |b| b.iter(|| extract(std::hint::black_box(&text), &options)));
    let big = text.repeat(16);
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.sample_size(10);
    group.bench_function("corpus_report_x16", |b| b.iter(|| extract(std::hint::black_box(&big), &options)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
