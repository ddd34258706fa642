//! The Arazzo workflow compiler: load → resolve → check → lower → emit.
pub mod condition;
pub mod expr;
