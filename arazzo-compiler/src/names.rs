//! The one naming policy: how a name written in a document (a workflow id, a step id,
//! a JSON property, an enum value, a source name) becomes a Rust identifier.
//!
//! A [`Style`] says how one kind of name is made: its case, what a character an
//! identifier cannot hold becomes, what an empty name and a name starting with a digit
//! become, and what a keyword or a reserved name becomes (a raw identifier `r#type`, or
//! a suffix `type_`). A [`Namer`] gives names of one style that are unique within one
//! scope (the fields of a struct, the modules of a document, the types of a module),
//! with one deterministic suffix scheme: the second `a_b` is `a_b_2`, the second `Pet`
//! is `Pet2`, judged against the names given so far, in document order.
//!
//! Every place that makes a Rust name goes through this module, so that the rules
//! (keywords of every edition, `self`/`Self`/`super`/`crate` that cannot be raw,
//! leading digits, empty names) are written once.

use heck::{ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::borrow::Cow;
use std::collections::HashSet;

/// Strict keywords of every edition (`self`, `Self`, `super`, `crate` among them).
pub const STRICT_KEYWORDS: [&str; 36] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "dyn",
];

/// Keywords reserved for future use.
pub const RESERVED_KEYWORDS: [&str; 11] = [
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual",
];

/// Keywords since the 2018 edition (`dyn` is strict in every edition, so listed above),
/// and `yield`, reserved since 2018 too.
pub const EDITION_2018_KEYWORDS: [&str; 4] = ["async", "await", "try", "yield"];

/// Keywords since the 2024 edition.
pub const EDITION_2024_KEYWORDS: [&str; 1] = ["gen"];

/// Keywords that cannot be raw identifiers (`r#self` is not an identifier): a name that
/// reads as one gets a suffix instead.
pub const NOT_RAW: [&str; 4] = ["self", "Self", "super", "crate"];

/// Whether `s` is a keyword of some edition (strict, reserved, 2018 or 2024).
pub fn is_keyword(s: &str) -> bool {
    STRICT_KEYWORDS.contains(&s)
        || RESERVED_KEYWORDS.contains(&s)
        || EDITION_2018_KEYWORDS.contains(&s)
        || EDITION_2024_KEYWORDS.contains(&s)
}

/// The identifier without its raw prefix: `type` for `r#type`.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// `name` as identifier text: unchanged when it is one (`r#type` stays a raw
/// identifier), else with `_` for each character an identifier cannot hold and a `_`
/// before a first character that cannot start one. Names made by a [`Namer`] are
/// always identifiers; this is the last guard that no text of a document becomes code.
pub fn escape_ident(name: &str) -> Cow<'_, str> {
    let bare = unraw(name);
    let start = |ch: char| ch == '_' || unicode_ident::is_xid_start(ch);
    if bare.starts_with(start) && bare.chars().all(unicode_ident::is_xid_continue) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(bare.len() + 1);
    if !bare.starts_with(start) {
        out.push('_');
    }
    out.extend(bare.chars().map(|ch| {
        if unicode_ident::is_xid_continue(ch) {
            ch
        } else {
            '_'
        }
    }));
    Cow::Owned(out)
}

/// The `#[serde(rename = ..)]` a field needs: its JSON name, when the Rust name is
/// written differently (a raw identifier counts as different, so the attribute shows
/// the JSON name next to the field).
pub fn serde_rename<'a>(rust: &str, json: &'a str) -> Option<&'a str> {
    (rust != json).then_some(json)
}

/// The case of a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: fields, functions, modules.
    Snake,
    /// `lowerCamelCase`.
    Camel,
    /// `PascalCase`: types and enum variants.
    Pascal,
    /// `SCREAMING_SNAKE_CASE`: constants and statics.
    ScreamingSnake,
}

impl Case {
    /// Whether a name of this case numbers with `_` (`a_b_2`) rather than directly (`Pet2`).
    fn underscored(self) -> bool {
        matches!(self, Case::Snake | Case::ScreamingSnake)
    }
}

/// `text` in `case` (word boundaries: case changes, `_`, `-`, spaces and other
/// punctuation). The result may still hold characters an identifier cannot; see [`Style`].
pub fn recase(text: &str, case: Case) -> String {
    match case {
        Case::Snake => text.to_snake_case(),
        Case::Camel => text.to_lower_camel_case(),
        Case::Pascal => text.to_upper_camel_case(),
        Case::ScreamingSnake => text.to_shouty_snake_case(),
    }
}

/// What a character outside `[A-Za-z0-9_]` becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// It is dropped (`größe` becomes `gre`).
    Drop,
    /// It becomes `_` (`größe` becomes `gr__e`).
    Underscore,
}

/// What a name that reads as a keyword becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keywords {
    /// A raw identifier (`r#type`), except [`NOT_RAW`] ones, which take the suffix.
    Raw,
    /// The style's suffix (`type_`).
    Suffix,
}

/// How one kind of name is made (see the constants for each kind).
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Its case.
    pub case: Case,
    /// What a character outside `[A-Za-z0-9_]` becomes.
    pub invalid: Invalid,
    /// The name when nothing (or only `_`) is left.
    pub empty: &'static str,
    /// Written before a name that starts with a digit.
    pub lead: &'static str,
    /// What a keyword becomes.
    pub keywords: Keywords,
    /// Names this kind may not take (besides keywords); they take the suffix.
    pub reserved: &'static [&'static str],
    /// Appended to a reserved name, and to a keyword that is not made raw.
    pub suffix: &'static str,
}

impl Style {
    /// A struct field, a function (a step's), a local binding: `r#type`, `self_`, `_1st`.
    pub const FIELD: Style = Style {
        case: Case::Snake,
        invalid: Invalid::Underscore,
        empty: "field",
        lead: "_",
        keywords: Keywords::Raw,
        reserved: &["_"],
        suffix: "_",
    };

    /// A workflow's module: `type_`, `workflow_1st`. `types` holds the shared types, and
    /// a module `arazzo` next to the `arazzo::arazzo_workflow!` call would make the
    /// crate's name ambiguous.
    pub const MODULE: Style = Style {
        case: Case::Snake,
        invalid: Invalid::Drop,
        empty: "workflow_",
        lead: "workflow_",
        keywords: Keywords::Suffix,
        reserved: &["_", "types", "arazzo"],
        suffix: "_",
    };

    /// A generated type: `Pet`, `T1st`; the names of the prelude and derives a generated
    /// module uses take a `_`.
    pub const TYPE: Style = Style {
        case: Case::Pascal,
        invalid: Invalid::Drop,
        empty: "T",
        lead: "T",
        keywords: Keywords::Suffix,
        reserved: &[
            "Option",
            "String",
            "Vec",
            "Result",
            "Box",
            "Some",
            "None",
            "Ok",
            "Err",
            "Debug",
            "Serialize",
            "Deserialize",
        ],
        suffix: "_",
    };

    /// A variant of an enum of JSON values: `Available`, `V1`, `Empty`; `UnknownValue`
    /// is the variant of the values not listed.
    pub const VALUE_VARIANT: Style = Style {
        case: Case::Pascal,
        invalid: Invalid::Drop,
        empty: "Empty",
        lead: "V",
        keywords: Keywords::Suffix,
        reserved: &["UnknownValue"],
        suffix: "_",
    };

    /// A step's variant of a workflow's `Step` enum: `GetPet`, `S1st`, `SelfStep`.
    pub const STEP_VARIANT: Style = Style {
        case: Case::Pascal,
        invalid: Invalid::Drop,
        empty: "S",
        lead: "S",
        keywords: Keywords::Suffix,
        reserved: &[],
        suffix: "Step",
    };

    /// A parameter of a step's public function naming an earlier step's outputs: the
    /// step's function name, except that `client` and `inputs` (the function's other
    /// parameters) become `client_step` and `inputs_step`.
    pub const STEP_PARAM: Style = Style {
        case: Case::Snake,
        invalid: Invalid::Underscore,
        empty: "field",
        lead: "_",
        keywords: Keywords::Raw,
        reserved: &["_", "client", "inputs"],
        suffix: "_step",
    };

    /// The name of `text` in this style (not yet unique: see [`Namer`]).
    pub fn name(&self, text: &str) -> String {
        let cased = recase(text, self.case);
        let sanitized = match self.invalid {
            Invalid::Drop => cased
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect(),
            Invalid::Underscore => cased
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect(),
        };
        self.finish(sanitized)
    }

    /// `text` already cased and made of `[A-Za-z0-9_]` (an identifier made before, without
    /// its `r#`), with this style's rules for empty names, leading digits, keywords and
    /// reserved names applied.
    pub fn finish(&self, mut text: String) -> String {
        if text.chars().all(|c| c == '_') {
            text = self.empty.to_owned();
        }
        if text.starts_with(|c: char| c.is_ascii_digit()) {
            text.insert_str(0, self.lead);
        }
        let keyword = is_keyword(&text);
        if keyword && self.keywords == Keywords::Raw && !NOT_RAW.contains(&text.as_str()) {
            text.insert_str(0, "r#");
        } else if keyword || self.reserved.contains(&text.as_str()) {
            text.push_str(self.suffix);
        }
        text
    }

    /// The `n`th name (from 2) made from `base` when `base` is taken: `a_b_2` (a raw
    /// identifier and a suffix `_` are left out: `r#type` gives `type_2`, `self_`
    /// gives `self_2`), `Pet2`.
    fn numbered(&self, base: &str, n: usize) -> String {
        if self.case.underscored() {
            format!("{}_{n}", unraw(base).trim_end_matches('_'))
        } else {
            format!("{base}{n}")
        }
    }
}

/// The names given in one scope, all of one [`Style`]: each new one is unique among them.
#[derive(Clone, Debug)]
pub struct Namer {
    style: Style,
    used: HashSet<String>,
}

impl Namer {
    /// An empty scope of names of `style`.
    pub fn new(style: Style) -> Self {
        Namer {
            style,
            used: HashSet::new(),
        }
    }

    /// The name of `text` (see [`Style::name`]), numbered when an earlier one took it.
    pub fn name(&mut self, text: &str) -> String {
        let base = self.style.name(text);
        self.unique(base)
    }

    /// The name of an identifier made before (a step's function name as a parameter),
    /// with this style's reserved names and numbering.
    pub fn name_ident(&mut self, ident: &str) -> String {
        let base = self.style.finish(unraw(ident).to_owned());
        self.unique(base)
    }

    /// `base` (already a name of this style) when free, else its first free numbered form.
    pub fn unique(&mut self, base: String) -> String {
        let mut name = base;
        if self.used.contains(&name) {
            let mut n = 2;
            loop {
                let candidate = self.style.numbered(&name, n);
                if !self.used.contains(&candidate) {
                    name = candidate;
                    break;
                }
                n += 1;
            }
        }
        self.used.insert(name.clone());
        name
    }

    /// Whether `name` was given in this scope.
    pub fn contains(&self, name: &str) -> bool {
        self.used.contains(name)
    }
}

/// The module that holds the code generated for an Arazzo source description:
/// `__src_` and the source's name in snake case.
pub fn source_module(name: &str) -> String {
    let mut m: String = recase(name, Case::Snake)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    m.insert_str(0, "__src_");
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STYLES: [(&str, Style); 6] = [
        ("field", Style::FIELD),
        ("module", Style::MODULE),
        ("type", Style::TYPE),
        ("value variant", Style::VALUE_VARIANT),
        ("step variant", Style::STEP_VARIANT),
        ("step parameter", Style::STEP_PARAM),
    ];

    fn names(style: Style, texts: &[&str]) -> Vec<String> {
        let mut namer = Namer::new(style);
        texts.iter().map(|t| namer.name(t)).collect()
    }

    #[test]
    fn fields_are_snake_case_and_keywords_raw_unless_they_cannot_be() {
        assert_eq!(
            names(
                Style::FIELD,
                &["petId", "type", "gen", "async", "self", "Self", "super", "crate", "_"]
            ),
            [
                "pet_id", "r#type", "r#gen", "r#async", "self_", "self_2", "super_", "crate_",
                "field"
            ]
        );
        assert_eq!(
            names(
                Style::FIELD,
                &["1st", "", "größe", "a-b", "a_b", "A_B", "type", "Type"]
            ),
            ["_1st", "field", "gr__e", "a_b", "a_b_2", "a_b_3", "r#type", "type_2"]
        );
    }

    #[test]
    fn modules_take_a_suffix_for_keywords_and_reserved_names() {
        assert_eq!(
            names(
                Style::MODULE,
                &["getPet", "type", "gen", "types", "arazzo", "1st", "", "Type"]
            ),
            [
                "get_pet",
                "type_",
                "gen_",
                "types_",
                "arazzo_",
                "workflow_1st",
                "workflow_",
                "type_2"
            ]
        );
    }

    #[test]
    fn types_and_variants_are_pascal_case_and_number_without_separator() {
        assert_eq!(
            names(
                Style::TYPE,
                &["pet", "Pet", "self", "serialize", "1x", "", "pet"]
            ),
            ["Pet", "Pet2", "Self_", "Serialize_", "T1x", "T", "Pet3"]
        );
        assert_eq!(
            names(
                Style::VALUE_VARIANT,
                &["available", "1", "", "unknownValue", "Self"]
            ),
            ["Available", "V1", "Empty", "UnknownValue_", "Self_"]
        );
        assert_eq!(
            names(
                Style::STEP_VARIANT,
                &["get-pet", "self", "SELF", "1st", "a-b", "a_b"]
            ),
            ["GetPet", "SelfStep", "SelfStep2", "S1st", "AB", "AB2"]
        );
        // A name that starts with a character left out can read as a keyword.
        assert_eq!(names(Style::TYPE, &["éimpl"]), ["impl_"]);
    }

    #[test]
    fn step_parameters_keep_the_function_name_but_client_and_inputs() {
        let mut namer = Namer::new(Style::STEP_PARAM);
        let got: Vec<String> = ["client", "client_step", "r#type", "inputs", "a_1"]
            .iter()
            .map(|f| namer.name_ident(f))
            .collect();
        assert_eq!(
            got,
            [
                "client_step",
                "client_step_2",
                "r#type",
                "inputs_step",
                "a_1"
            ]
        );
    }

    #[test]
    fn recase_and_helpers() {
        assert_eq!(recase("get pet-by_id", Case::Snake), "get_pet_by_id");
        assert_eq!(recase("get pet-by_id", Case::Camel), "getPetById");
        assert_eq!(recase("get pet-by_id", Case::Pascal), "GetPetById");
        assert_eq!(
            recase("get pet-by_id", Case::ScreamingSnake),
            "GET_PET_BY_ID"
        );
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(unraw("kind"), "kind");
        assert_eq!(serde_rename("pet_id", "petId"), Some("petId"));
        assert_eq!(serde_rename("r#type", "type"), Some("type"));
        assert_eq!(serde_rename("name", "name"), None);
        assert_eq!(source_module("petStore"), "__src_pet_store");
        assert_eq!(escape_ident("a} fn f() {"), "a__fn_f____");
        assert_eq!(escape_ident("r#type"), "r#type");
        assert_eq!(escape_ident("1st"), "_1st");
    }

    #[test]
    fn every_keyword_of_every_edition_is_known() {
        for k in [
            "gen", "async", "await", "dyn", "try", "yield", "abstract", "Self", "crate",
        ] {
            assert!(is_keyword(k), "{k}");
        }
        for k in ["union", "raw", "safe", "macro_rules", "field"] {
            assert!(!is_keyword(k), "{k}");
        }
    }

    proptest! {
        /// Every name is an identifier (`syn` parses it as one and it is no keyword of
        /// any edition unless raw), unique within its scope, and the same for the same
        /// texts in the same order.
        #[test]
        fn names_are_identifiers_unique_and_stable(texts in prop::collection::vec(".{0,12}", 1..12)) {
            for (what, style) in STYLES {
                let first = {
                    let mut namer = Namer::new(style);
                    texts.iter().map(|t| namer.name(t)).collect::<Vec<_>>()
                };
                for name in &first {
                    prop_assert!(syn::parse_str::<syn::Ident>(name).is_ok(), "{what}: {name:?}");
                    prop_assert!(name.starts_with("r#") || !is_keyword(name), "{what}: {name:?}");
                    prop_assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '#'));
                }
                let distinct: HashSet<&String> = first.iter().collect();
                prop_assert_eq!(distinct.len(), first.len(), "{}: {:?}", what, first);
                let mut namer = Namer::new(style);
                let again: Vec<String> = texts.iter().map(|t| namer.name(t)).collect();
                prop_assert_eq!(&again, &first);
            }
        }
    }
}
