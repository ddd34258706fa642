//! One file per root of a runtime expression (`$inputs`, `$steps`, `$workflows`,
//! `$outputs`, `$request`, `$response`, `$sourceDescriptions`, `$components` and `$self`):
//! each resolves an expression of its root to its lowered form, type and schema, and
//! reports what does not resolve. The dispatcher is [`Checker::expr_resolved`](super::Checker).

mod components;
mod inputs;
mod outputs;
mod request;
mod response;
mod sources;
mod steps;
mod workflows;

use crate::ir::RtExpr;
use crate::types::{Schema, Ty};

/// What an expression resolves to: its lowered form, its type and, when known, its
/// schema; `None` when it does not resolve (reported).
pub(super) type Resolution<'a> = Option<(RtExpr, Ty, Option<Schema<'a>>)>;
