//! Runtime expressions (placeholder, being written).
