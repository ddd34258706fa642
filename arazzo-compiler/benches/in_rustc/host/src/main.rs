//! Compiling this crate runs the measurement (see `probe`).

probe::measure!();

fn main() {}
