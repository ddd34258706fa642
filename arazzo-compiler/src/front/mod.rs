//! The front end: what a document says, read with its positions. It owns the YAML
//! reader ([`yaml`]: nodes with their line and column, and where a node is in its
//! file), the Arazzo model read from it ([`model`]), and the two languages written inside
//! a document: runtime expressions ([`expr`]) and criteria conditions ([`condition`]).
//! Nothing here knows the source descriptions, the checks or the generated code.

pub mod condition;
pub mod expr;
pub mod model;
pub mod yaml;
