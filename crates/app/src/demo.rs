//! The demo city: 晋川市, a fictional prefecture-level city written by us,
//! with its 2025 government work report turned into a list.
