//! Compile [Arazzo](https://spec.openapis.org/arazzo/latest.html) workflows
//! into typed async Rust at build time.
//!
//! The `arazzo_workflow!("workflows.arazzo.yaml")` macro reads an Arazzo
//! document and the OpenAPI documents it references while your crate
//! compiles, and generates one typed async function per workflow (with
//! `Inputs` and `Outputs` structs). The generated code runs on this crate's
//! small runtime: a [`Client`] holding the HTTP client and the limits of a
//! run, and the [`Error`] type every failure is reported with.
//! Event-driven steps (Arazzo 1.1 on AsyncAPI 3.0) send and receive messages
//! through the [`transport::Transport`] the client holds.
//!
//! ```
//! use std::time::Duration;
//!
//! let client = arazzo::Client::builder()
//!     .server("meteringApi", "http://127.0.0.1:8080")
//!     .request_timeout(Duration::from_secs(10))
//!     .workflow_timeout(Duration::from_secs(60))
//!     .build()?;
//! # let _ = client;
//! # Ok::<(), arazzo::Error>(())
//! ```
//!
//! # Safety nets
//!
//! * Every request has a timeout, every run a deadline and a step bound
//!   (against `goto` loops), every response body a size limit.
//! * Path parameters are always encoded as one path segment; header values
//!   with CR/LF are refused before anything is sent.
//! * Redirects are not followed by the default HTTP client
//!   ([`default_http_client`]): a 3xx goes to the step's criteria, so API
//!   keys and request bodies never reach a host the workflow did not name.
//! * Header values (API keys, tokens) never appear in any `Display` or
//!   `Debug` output of this crate, and are scrubbed from response excerpts
//!   shown in errors.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod auth;
mod client;
mod error;
pub mod executor;
pub mod meta;
#[cfg(feature = "mock")]
pub mod mock;
pub mod rt;
pub mod transport;

pub use auth::{Credential, ProvidedToken};
pub use client::{default_http_client, same_origin_redirects, Client, ClientBuilder};
pub use error::Error;

pub use arazzo_macros::arazzo_workflow;

/// Includes the code that `arazzo_build::compile_dir` wrote to `OUT_DIR` (build-script
/// mode): one module per Arazzo document of the folder, named after its file
/// (`specs/arazzo/billing.arazzo.yaml` → `billing`), holding the same items as
/// `arazzo_workflow!` on that document.
///
/// ```ignore
/// // build.rs: fn main() { arazzo_build::compile_dir("specs/arazzo"); }
/// arazzo::include_workflows!();
/// use billing::create_invoice::{run, Inputs};
/// ```
///
/// The code is a plain file that rust-analyzer re-reads after each `cargo check`, so
/// edits to the YAML show in the editor without a restart (see `docs/editors.md`).
#[macro_export]
macro_rules! include_workflows {
    () => {
        ::core::include!(::core::concat!(
            ::core::env!("OUT_DIR"),
            "/arazzo_workflows.rs"
        ));
    };
}

/// The code of a generated `mock` module (the `mocks` option of `arazzo_workflow!`), kept
/// as it is: the `mock` feature is on.
#[cfg(feature = "mock")]
#[doc(hidden)]
#[macro_export]
macro_rules! __mock_enabled {
    ($($code:tt)*) => { $($code)* };
}

/// The code of a generated `mock` module, replaced by an error that says which feature
/// it needs.
#[cfg(not(feature = "mock"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __mock_enabled {
    ($($code:tt)*) => {
        ::core::compile_error!(
            "the `mocks` option of `arazzo_workflow!` needs the `mock` feature of the `arazzo` crate: `arazzo = { version = \"...\", features = [\"mock\"] }` (in [dev-dependencies] for tests only)"
        );
    };
}

/// Everything generated code uses, re-exported so that users need a single
/// dependency. Not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::rt::*;
    pub use crate::{Client, Error};
    pub use reqwest;
    pub use serde;
    pub use serde_json;
    pub use tokio;
    pub use tracing;
}
