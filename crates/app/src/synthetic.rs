//! Synthetic tenants for benchmarks.
