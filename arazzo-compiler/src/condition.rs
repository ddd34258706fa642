//! Criterion conditions (placeholder, being written).
