//! Benchmark support for Qingdan, kept out of the product: the synthetic
//! tenant that `bench/run.sh` loads (`synthetic`), seeded through the bulk
//! loaders that only this crate turns on (`qingdan-storage`'s `bulk` feature).

pub mod assessment;
pub mod projects;
pub mod synthetic;
