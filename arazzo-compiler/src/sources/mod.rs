//! The source descriptions a document names: which files may be read and where a URL
//! is read from ([`files`]), loading every source of a document ([`load`]), indexing
//! OpenAPI operations ([`openapi`]) and AsyncAPI channels and messages ([`asyncapi`]),
//! reading their schemas through `$ref`s ([`schema`]), and the Rust types those schemas
//! become ([`types`]: the type space of the generated code, which the included Arazzo
//! documents' workflows are exported in). It reads the front end's model; it knows
//! nothing of the checks or the generated code's text.

pub mod asyncapi;
pub mod files;
pub mod load;
pub mod openapi;
pub mod schema;
pub mod types;
