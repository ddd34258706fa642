//! Rust code as text, written with [`code!`](macro@crate::code), a quasi-quoter with the
//! syntax of `quote!`.
//!
//! The emitter writes the generated code as text rather than as `proc_macro2` tokens:
//! inside a procedural macro, building tokens one at a time costs far more than writing
//! their text and letting `rustc`'s lexer read it once (BENCHMARKS.md, "Build time,
//! seventh pass"). [`code!`](macro@crate::code) keeps the emitter as readable as with `quote!`: plain tokens
//! are written as `stringify!` spells them, `#var` writes a value ([`ToCode`]), and
//! `#( … )*` / `#( … ),*` repeat over every variable named inside, in step (each must be
//! a collection or an iterator, and named once in the body). Tokens are separated by
//! single spaces.

use std::fmt::Write as _;

/// A piece of generated Rust code, as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    /// No code.
    pub fn new() -> Self {
        Code(String::new())
    }

    /// Whether there is no code.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Writes one token (or a sequence already spaced), then a space.
    #[doc(hidden)]
    pub fn token(&mut self, text: &str) {
        self.0.push_str(text);
        self.0.push(' ');
    }

    /// Appends another piece of code.
    pub fn append(&mut self, other: &Code) {
        self.0.push_str(&other.0);
    }

    /// Inserts `inner` before the closing brace that ends this code (the last item is a
    /// block, e.g. `mod m { ... }`); appended when the code does not end with a brace.
    pub fn append_inside_last_block(&mut self, inner: &Code) {
        let trimmed = self.0.trim_end().len();
        if self.0[..trimmed].ends_with('}') {
            let close = trimmed - 1;
            let tail = self.0.split_off(close);
            self.0.push_str(&inner.0);
            self.0.push_str(&tail);
        } else {
            self.append(inner);
        }
    }

    /// An identifier (`r#type` is a raw identifier). The names come from the checker,
    /// which makes valid ones; should one not be (a bug), it is written with `_` for
    /// each character an identifier cannot hold, so that no text of a document ever
    /// becomes code.
    pub fn ident(name: &str) -> Code {
        Code::verbatim(&crate::names::escape_ident(name))
    }

    /// Code from text already known to be valid Rust tokens.
    pub fn verbatim(text: &str) -> Code {
        let mut c = Code(String::with_capacity(text.len() + 1));
        c.token(text);
        c
    }

    /// A string literal, escaped as `proc_macro2::Literal::string` escapes it.
    pub fn string(s: &str) -> Code {
        let mut c = Code(String::with_capacity(s.len() + 3));
        push_string_literal(&mut c.0, s);
        c.0.push(' ');
        c
    }

    /// An integer literal without a suffix.
    pub fn unsuffixed(n: impl std::fmt::Display) -> Code {
        let mut c = Code::new();
        let _ = write!(c.0, "{n} ");
        c
    }
}

/// The text without the space that ends it (an identifier displays as its name).
impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.trim_end())
    }
}

/// Whether `c` is a bidirectional-text control (U+202A–U+202E, U+2066–U+2069), which
/// rustc refuses in comments and literals of source text (`text_direction_codepoint_in_comment`).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Writes `s` as a Rust string literal: `escape_debug`, except that `'` stays as it
/// is and a NUL before an octal digit is `\x00`.
fn push_string_literal(out: &mut String, s: &str) {
    out.push('"');
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\0' if chars
                .as_str()
                .starts_with(|n: char| ('0'..='7').contains(&n)) =>
            {
                out.push_str("\\x00");
            }
            '\0' => out.push_str("\\0"),
            '\'' => out.push('\''),
            c => out.extend(c.escape_debug()),
        }
    }
    out.push('"');
}

/// A value `#var` writes into [`code!`](macro@crate::code): code as it is, strings as string literals,
/// numbers as suffixed literals (as `quote!` interpolates them), nothing for `None`.
pub trait ToCode {
    /// Writes the value.
    fn to_code(&self, out: &mut Code);
}

impl ToCode for Code {
    fn to_code(&self, out: &mut Code) {
        out.append(self);
    }
}

impl ToCode for str {
    fn to_code(&self, out: &mut Code) {
        push_string_literal(&mut out.0, self);
        out.0.push(' ');
    }
}

impl ToCode for String {
    fn to_code(&self, out: &mut Code) {
        self.as_str().to_code(out);
    }
}

impl ToCode for bool {
    fn to_code(&self, out: &mut Code) {
        out.token(if *self { "true" } else { "false" });
    }
}

macro_rules! suffixed {
    ($($t:ty),*) => {$(
        impl ToCode for $t {
            fn to_code(&self, out: &mut Code) {
                let _ = write!(out.0, concat!("{}", stringify!($t), " "), self);
            }
        }
    )*};
}
suffixed!(i32, i64, u16, u32, u64, usize, f64);

impl<T: ToCode + ?Sized> ToCode for &T {
    fn to_code(&self, out: &mut Code) {
        (**self).to_code(out);
    }
}

impl<T: ToCode> ToCode for Option<T> {
    fn to_code(&self, out: &mut Code) {
        if let Some(v) = self {
            v.to_code(out);
        }
    }
}

impl<T: ToCode + ?Sized> ToCode for Box<T> {
    fn to_code(&self, out: &mut Code) {
        (**self).to_code(out);
    }
}

/// The iterator a repetition of [`code!`](macro@crate::code) takes from an iterator (by value).
#[doc(hidden)]
pub trait RepIter: Iterator + Sized {
    fn rep_iter(self) -> Self {
        self
    }
}
impl<T: Iterator> RepIter for T {}

/// The iterator a repetition of [`code!`](macro@crate::code) takes from a collection (by reference).
#[doc(hidden)]
pub trait RepRef<'q> {
    type Iter: Iterator;
    fn rep_iter(&'q self) -> Self::Iter;
}
impl<'q, T: 'q> RepRef<'q> for Vec<T> {
    type Iter = std::slice::Iter<'q, T>;
    fn rep_iter(&'q self) -> Self::Iter {
        self.iter()
    }
}
impl<'q, T: 'q> RepRef<'q> for [T] {
    type Iter = std::slice::Iter<'q, T>;
    fn rep_iter(&'q self) -> Self::Iter {
        self.iter()
    }
}
impl<'q, T: 'q> RepRef<'q> for Option<T> {
    type Iter = std::option::Iter<'q, T>;
    fn rep_iter(&'q self) -> Self::Iter {
        self.iter()
    }
}

/// Writes Rust code with the syntax of `quote!` (see the [module](self)); returns a
/// [`Code`].
#[macro_export]
#[doc(hidden)]
macro_rules! code {
    () => { $crate::code::Code::new() };
    ($($tt:tt)+) => {{
        let mut __code = $crate::code::Code::new();
        $crate::code_into!(__code; $($tt)+);
        __code
    }};
}

/// [`code!`](macro@crate::code) into an existing [`Code`] named by the first argument.
///
/// The tokens are not munched one at a time (which nests one macro call per token):
/// each token is handed to [`code_token!`](macro@crate::code_token) with the three
/// tokens before and after it, as seven copies of the list shifted against each other
/// and zipped by one repetition. Macro calls nest only as deep as the groups of the
/// code, so no `recursion_limit` is needed. A real token is wrapped in parentheses in
/// the middle copy; the bare `@`s are padding.
#[macro_export]
#[doc(hidden)]
macro_rules! code_into {
    ($c:ident; $($tts:tt)*) => {
        $crate::code_window!($c;
            (@ @ @ @ @ @ $($tts)*)
            (@ @ @ @ @ $($tts)* @)
            (@ @ @ @ $($tts)* @ @)
            (@ @ @ $(($tts))* @ @ @)
            (@ @ $($tts)* @ @ @ @)
            (@ $($tts)* @ @ @ @ @)
            ($($tts)* @ @ @ @ @ @)
        );
    };
}

/// Zips the seven shifted copies of [`code_into!`](macro@crate::code_into).
#[macro_export]
#[doc(hidden)]
macro_rules! code_window {
    ($c:ident; ($($b3:tt)*) ($($b2:tt)*) ($($b1:tt)*) ($($t:tt)*) ($($a1:tt)*) ($($a2:tt)*) ($($a3:tt)*)) => {
        $( $crate::code_token!($c; $b3 $b2 $b1 $t $a1 $a2 $a3); )*
    };
}

/// One token of [`code!`](macro@crate::code) (the fourth, wrapped in parentheses) in its
/// context: three tokens before it and three after.
#[macro_export]
#[doc(hidden)]
macro_rules! code_token {
    // Padding.
    ($c:ident; $b3:tt $b2:tt $b1:tt @ $a1:tt $a2:tt $a3:tt) => {};
    // `#( … )*`: a repetition without a separator.
    ($c:ident; $b3:tt $b2:tt $b1:tt (#) ( $($inner:tt)* ) * $a3:tt) => {
        $crate::code_rep!($c; []; $($inner)*);
    };
    // `#( … ) sep *`: a repetition with a one-token separator.
    ($c:ident; $b3:tt $b2:tt $b1:tt (#) ( $($inner:tt)* ) $sep:tt *) => {
        $crate::code_rep!($c; [$sep]; $($inner)*);
    };
    // `#var`.
    ($c:ident; $b3:tt $b2:tt $b1:tt (#) $var:ident $a2:tt $a3:tt) => {
        $crate::code::ToCode::to_code(&$var, &mut $c);
    };
    // The tokens after a `#` that the cases above have written.
    ($c:ident; $b3:tt $b2:tt # ($var:ident) $a1:tt $a2:tt $a3:tt) => {};
    ($c:ident; $b3:tt $b2:tt # (( $($i:tt)* )) * $a2:tt $a3:tt) => {};
    ($c:ident; $b3:tt $b2:tt # (( $($i:tt)* )) $sep:tt * $a3:tt) => {};
    ($c:ident; $b3:tt # ( $($i:tt)* ) (*) $a1:tt $a2:tt $a3:tt) => {};
    ($c:ident; $b3:tt # ( $($i:tt)* ) ($sep:tt) * $a2:tt $a3:tt) => {};
    ($c:ident; # ( $($i:tt)* ) $sep:tt (*) $a1:tt $a2:tt $a3:tt) => {};
    // Groups.
    ($c:ident; $b3:tt $b2:tt $b1:tt (( $($i:tt)* )) $a1:tt $a2:tt $a3:tt) => {
        $c.token("(");
        $crate::code_into!($c; $($i)*);
        $c.token(")");
    };
    ($c:ident; $b3:tt $b2:tt $b1:tt ([ $($i:tt)* ]) $a1:tt $a2:tt $a3:tt) => {
        $c.token("[");
        $crate::code_into!($c; $($i)*);
        $c.token("]");
    };
    ($c:ident; $b3:tt $b2:tt $b1:tt ({ $($i:tt)* }) $a1:tt $a2:tt $a3:tt) => {
        $c.token("{");
        $crate::code_into!($c; $($i)*);
        $c.token("}");
    };
    // Any other token, as `stringify!` spells it.
    ($c:ident; $b3:tt $b2:tt $b1:tt ($t:tt) $a1:tt $a2:tt $a3:tt) => {
        $c.token(stringify!($t));
    };
}

/// A repetition of [`code!`](macro@crate::code): every variable named in the body (at
/// any depth) is iterated in step; the body is written once per item of all of them, with
/// the separator (the second argument) between.
#[macro_export]
#[doc(hidden)]
macro_rules! code_rep {
    ($c:ident; [$($sep:tt)?]; $($body:tt)*) => {{
        #[allow(unused_imports)]
        use $crate::code::{RepIter as _, RepRef as _};
        $crate::code_vars!(iter; $($body)*);
        let mut __first = true;
        loop {
            $crate::code_vars!(next; $($body)*);
            if !__first {
                $( $c.token(stringify!($sep)); )?
            }
            __first = false;
            $crate::code_into!($c; $($body)*);
        }
    }};
}

/// For each `#var` in a repetition's body (at any depth), a statement: `iter` makes the
/// variable its iterator, `next` takes its next item or breaks the loop. The tokens are
/// paired with the one before them, as in [`code_into!`](macro@crate::code_into).
#[macro_export]
#[doc(hidden)]
macro_rules! code_vars {
    ($mode:ident; $($tts:tt)*) => {
        $crate::code_vars_window!($mode; (@ $($tts)*) ($(($tts))* @));
    };
}

/// Zips the two shifted copies of [`code_vars!`](macro@crate::code_vars).
#[macro_export]
#[doc(hidden)]
macro_rules! code_vars_window {
    ($mode:ident; ($($b1:tt)*) ($($t:tt)*)) => {
        $( $crate::code_var!($mode; $b1 $t); )*
    };
}

/// One token of a repetition's body, with the token before it: a statement for `#var`,
/// a walk into a group, nothing otherwise.
#[macro_export]
#[doc(hidden)]
macro_rules! code_var {
    (iter; # ($var:ident)) => {
        #[allow(unused_mut)]
        let mut $var = $var.rep_iter();
    };
    (next; # ($var:ident)) => {
        let ::core::option::Option::Some($var) = $var.next() else { break };
    };
    ($mode:ident; $b1:tt (( $($i:tt)* ))) => { $crate::code_vars!($mode; $($i)*); };
    ($mode:ident; $b1:tt ([ $($i:tt)* ])) => { $crate::code_vars!($mode; $($i)*); };
    ($mode:ident; $b1:tt ({ $($i:tt)* })) => { $crate::code_vars!($mode; $($i)*); };
    ($mode:ident; $b1:tt $t:tt) => {};
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The code as proc-macro2 reads it back, spelled as proc-macro2 spells tokens.
    fn lexed(c: &Code) -> String {
        c.as_str()
            .parse::<proc_macro2::TokenStream>()
            .map(|t| t.to_string())
            .unwrap_or_else(|e| format!("does not lex: {e}"))
    }

    #[test]
    fn writes_what_quote_writes() {
        let name = Code::ident("r#type");
        let fields = vec![Code::ident("a"), Code::ident("b")];
        let tys = ["i64", "String"].map(Code::ident);
        let none: Option<Code> = None;
        let written = code! {
            /// Docs.
            pub struct #name<'a> { #( pub #fields: #tys, )* #none }
            fn f() -> Vec<u8> { vec![#( #fields ),*]; [1u8; 2usize].to_vec() }
        };
        let expected = quote::quote! {
            /// Docs.
            pub struct r#type<'a> { pub a: i64, pub b: String, }
            fn f() -> Vec<u8> { vec![a, b]; [1u8; 2usize].to_vec() }
        };
        assert_eq!(lexed(&written), expected.to_string());
    }

    #[test]
    fn attributes_bindings_and_nested_repetitions_as_quote_writes_them() {
        let doc = "Docs.";
        let rows = vec![vec![1i64, 2], vec![3]];
        let names = ["a", "b"].map(Code::ident);
        let written = code! {
            #[doc = #doc]
            fn f(x: Option<u8>) { match x { y @ Some(_) => {} _ => {} } }
            #( fn #names() -> [i64; 0] { [#( #rows ),*]; [] } )*
            #(#names)*
        };
        let rows = rows.iter().map(|r| quote::quote!(#( #r ),*));
        let names = [quote::format_ident!("a"), quote::format_ident!("b")];
        let expected = quote::quote! {
            #[doc = #doc]
            fn f(x: Option<u8>) { match x { y @ Some(_) => {} _ => {} } }
            #( fn #names() -> [i64; 0] { [#rows]; [] } )*
            #(#names)*
        };
        assert_eq!(lexed(&written), expected.to_string());
    }

    #[test]
    fn values_are_literals_as_quote_interpolates_them() {
        let (s, i, f, u, b) = ("a\"b\\c'\n\0", -5i64, 1.5f64, 7usize, true);
        let written = code!(#s #i #f #u #b);
        let expected = quote::quote!(#s #i #f #u #b);
        assert_eq!(lexed(&written), expected.to_string());
        // Iterators are repeated by value, collections by reference.
        let items = vec![1i64, 2];
        let doubled = items.iter().map(|n| n * 2);
        assert_eq!(
            lexed(&code!(#( #items + #doubled )&&*)),
            "1i64 + 2i64 && 2i64 + 4i64"
        );
        assert_eq!(items.len(), 2);
        assert_eq!(Code::ident("x").to_string(), "x");
        // No document text becomes code, even through a name the checker got wrong.
        assert_eq!(Code::ident("a} fn f() {").to_string(), "a__fn_f____");
        assert_eq!(Code::ident("1st").to_string(), "_1st");
        assert_eq!(Code::ident("").to_string(), "_");
        assert_eq!(Code::ident("r#type").to_string(), "r#type");
        assert_eq!(Code::ident("größe").to_string(), "größe");
    }

    proptest! {
        #[test]
        fn strings_are_escaped_as_proc_macro2_escapes_them(s in any::<String>()) {
            prop_assert_eq!(
                Code::string(&s).to_string(),
                proc_macro2::Literal::string(&s).to_string()
            );
        }
    }
}
