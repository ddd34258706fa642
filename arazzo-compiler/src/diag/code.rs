//! Stable codes of diagnostics: what kind of problem a diagnostic reports, for the
//! programs that read diagnostics (`code` in JSON, `ruleId` in SARIF) and for the code
//! that reacts to one (which matches its code, never its wording).

/// Declares [`Code`]: each variant with its stable id and its one-line description.
macro_rules! codes {
    ($($(#[doc = $doc:literal])+ $name:ident = $id:literal,)+) => {
        /// What kind of problem a [`super::Diagnostic`] reports. The id ([`Code::as_str`])
        /// is stable: a message may be reworded, its code stays.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[doc = $doc])+ $name,)+
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)+];

            /// The stable id (snake case; a lint's id is its name).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $id,)+
                }
            }

            /// What the code stands for, in one line.
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$name => codes!(@first $($doc)+).trim(),)+
                }
            }
        }
    };
    (@first $first:literal $($rest:literal)*) => { $first };
}

codes! {
    // Files and sources.
    /// A file (the document, a description, a `$ref`'s file) could not be read.
    CannotRead = "cannot_read",
    /// A file is not valid YAML or JSON.
    InvalidYaml = "invalid_yaml",
    /// More OpenAPI files are referenced than a compilation reads.
    TooManyFiles = "too_many_files",
    /// Arazzo source descriptions include one another (a cycle) or nest too deeply.
    SourceNesting = "source_nesting",
    /// A source description is remote and not mapped to a local file.
    RemoteSource = "remote_source",
    /// A url or `$ref` names a file outside the crate, or a name no file can have.
    ForbiddenPath = "forbidden_path",
    /// A source file is not an OpenAPI, AsyncAPI or Arazzo description.
    NotADescription = "not_a_description",
    /// A document's Arazzo, OpenAPI or AsyncAPI version is not supported.
    UnsupportedVersion = "unsupported_version",
    /// More diagnostics than are shown: the rest are summarised.
    TooManyProblems = "too_many_problems",

    // The shape of the document.
    /// A feature of Arazzo 1.1 in a 1.0 document.
    Arazzo11Only = "arazzo_1_1_only",
    /// A field holds a value of the wrong kind (a string for a mapping, ...).
    WrongType = "wrong_type",
    /// A field the specification does not define.
    UnknownField = "unknown_field",
    /// A required field is missing.
    MissingField = "missing_field",
    /// A list that must not be empty is empty.
    EmptyList = "empty_list",
    /// A field's value is malformed (a version, a number, a name, a location).
    InvalidValue = "invalid_value",
    /// A name (step id, output, component, source description) breaks its pattern.
    InvalidName = "invalid_name",
    /// A name declared twice (workflow id, step id, source description, parameter).
    Duplicate = "duplicate",
    /// A feature of Arazzo or of a description this compiler does not support.
    Unsupported = "unsupported",

    // Names and references.
    /// `$inputs.x` names no input of the workflow.
    UnknownInput = "unknown_input",
    /// A step id that no step of the workflow has.
    UnknownStep = "unknown_step",
    /// An output that the step or workflow does not declare.
    UnknownOutput = "unknown_output",
    /// A workflow id that no workflow has.
    UnknownWorkflow = "unknown_workflow",
    /// A source description name that the document does not declare.
    UnknownSource = "unknown_source",
    /// A component (`$components.x.y`) that the document does not declare.
    UnknownComponent = "unknown_component",
    /// An operation (`operationId`, `operationPath`) that no description has.
    UnknownOperation = "unknown_operation",
    /// A channel that the AsyncAPI description does not have.
    UnknownChannel = "unknown_channel",
    /// An operationId that several source descriptions define.
    AmbiguousOperation = "ambiguous_operation",
    /// A parameter or header that the operation, response or message does not have.
    UnknownParameter = "unknown_parameter",
    /// A property or member that a schema does not have.
    UnknownProperty = "unknown_property",
    /// A `$ref` or `reference` that is malformed or does not resolve.
    InvalidReference = "invalid_reference",

    // Expressions.
    /// A runtime expression, template, condition or selector that does not parse.
    InvalidExpression = "invalid_expression",
    /// An expression that has no value where it is written.
    NoValue = "no_value",
    /// An expression reads the outputs of a step or workflow that may not have run yet.
    StepNotRun = "step_not_run",
    /// A regular expression, JSONPath or JSON pointer that is invalid.
    InvalidQuery = "invalid_query",
    /// A comparison whose sides can never be equal, or an operand of the wrong type.
    ImpossibleComparison = "impossible_comparison",

    // Steps and workflows.
    /// A step does not name exactly one operation, channel or workflow.
    InvalidTarget = "invalid_target",
    /// A required parameter of the operation is not supplied.
    MissingParameter = "missing_parameter",
    /// A required input of a workflow is not supplied or not declared.
    MissingInput = "missing_input",
    /// A parameter placed where it cannot be (`in` missing, wrong or not allowed).
    InvalidParameter = "invalid_parameter",
    /// A request body missing where it is required, or given where none is sent.
    RequestBodyPresence = "request_body_presence",
    /// A request body (or message payload) value of a type its schema does not allow.
    BodyTypeMismatch = "body_type_mismatch",
    /// A request body (or message payload) property its schema does not allow.
    BodyUnknownProperty = "body_unknown_property",
    /// A required property of the request body (or message payload) schema not given.
    BodyMissingProperty = "body_missing_property",
    /// A request body (or message payload) value not among those its schema allows.
    NotAllowedValue = "not_allowed_value",
    /// A request body or message content type this compiler cannot send.
    UnsupportedContentType = "unsupported_content_type",
    /// A body or message whose content type does not fit the value given.
    ContentTypeMismatch = "content_type_mismatch",
    /// Bytes (a binary value) where JSON or text is sent, or text where bytes are.
    BinaryMismatch = "binary_mismatch",
    /// Steps or workflows that depend on themselves or on a later one.
    DependencyCycle = "dependency_cycle",
    /// An action that is malformed or goes nowhere.
    InvalidAction = "invalid_action",
    /// A criterion that is malformed.
    InvalidCriterion = "invalid_criterion",
    /// A workflow's inputs schema that is not an object schema or does not resolve.
    InvalidInputs = "invalid_inputs",
    /// A step on an AsyncAPI operation or channel that does not fit it (action,
    /// correlation id, headers, reply).
    InvalidMessageStep = "invalid_message_step",

    /// With the `mocks` option: a step for which no answer satisfies its success
    /// criteria, so no test double can make it succeed.
    MockUnsatisfiable = "mock_unsatisfiable",

    // Lints.
    /// an expression or reference written in a non-canonical form that public documents use, read as its canonical form
    Dialect = "dialect",
    /// a step that no path of its workflow can reach
    UnreachableStep = "unreachable_step",
    /// a request body sent with a media type its operation does not document
    UndocumentedContentType = "undocumented_content_type",
    /// a parameter set by hand that the operation's security scheme supplies (configure the credential on the client instead)
    ManualCredential = "manual_credential",
}

impl Code {
    /// The lint this code is, if it is one (its name is its id): see [`super::LINTS`].
    pub fn lint(self) -> Option<&'static str> {
        match self {
            Code::Dialect
            | Code::UnreachableStep
            | Code::UndocumentedContentType
            | Code::ManualCredential => Some(self.as_str()),
            _ => None,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn ids_are_unique_snake_case() {
        let mut ids: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        for id in &ids {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{id}"
            );
        }
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate code ids");
    }

    #[test]
    fn every_lint_is_a_code() {
        for (name, what) in super::super::LINTS {
            let code = Code::ALL
                .iter()
                .find(|c| c.as_str() == *name)
                .unwrap_or_else(|| panic!("lint `{name}` has no code"));
            assert_eq!(code.lint(), Some(*name));
            assert_eq!(code.description(), *what);
        }
    }
}
