//! The secondary label of the diagnostics about a step's request body: the operation,
//! attached when such a diagnostic is made. (The labels of other diagnostics, where the
//! names they mention are declared, are attached where they are made, with the
//! locations of [`super::resolve::Env`].)

use super::*;

/// The codes of the diagnostics about a step's request body as a whole (its content
/// type, and values against its schema): they get the operation as a secondary label.
const BODY_CODES: &[Code] = &[
    Code::UnsupportedContentType,
    Code::UndocumentedContentType,
    Code::BodyTypeMismatch,
    Code::BodyUnknownProperty,
    Code::BodyMissingProperty,
    Code::NotAllowedValue,
];

impl Checker<'_> {
    /// `d`, with the operation whose request body is being checked as a secondary label
    /// when `d` is about that body as a whole (by code, see [`BODY_CODES`]).
    pub(super) fn body_labelled(&self, mut d: Diagnostic) -> Diagnostic {
        if let Some(op) = self
            .body_operation
            .as_ref()
            .filter(|_| BODY_CODES.contains(&d.code))
        {
            d.add_label(Some(op.clone()), "the operation is declared here");
        }
        d
    }
}
