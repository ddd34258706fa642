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

    /// An identifier (`r#type` is a raw identifier). The names come from the checker,
    /// which makes valid ones; should one not be (a bug), it is written with `_` for
    /// each character an identifier cannot hold, so that no text of a document ever
    /// becomes code.
    pub fn ident(name: &str) -> Code {
        let mut c = Code(String::with_capacity(name.len() + 1));
        let bare = name.strip_prefix("r#").unwrap_or(name);
        let start = |ch: char| ch == '_' || unicode_ident::is_xid_start(ch);
        let valid = bare.starts_with(start) && bare.chars().all(unicode_ident::is_xid_continue);
        if valid {
            c.token(name);
        } else {
            if !bare.starts_with(start) {
                c.0.push('_');
            }
            let continues = |ch: char| {
                if unicode_ident::is_xid_continue(ch) {
                    ch
                } else {
                    '_'
                }
            };
            c.0.extend(bare.chars().map(continues));
            c.0.push(' ');
        }
        c
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
#[macro_export]
#[doc(hidden)]
macro_rules! code_into {
    ($c:ident;) => {};
    // A repetition without a separator.
    ($c:ident; # ( $($inner:tt)* ) * $($rest:tt)*) => {
        $crate::code_rep!($c; []; []; $($inner)*);
        $crate::code_into!($c; $($rest)*);
    };
    // A repetition with a separator (one token).
    ($c:ident; # ( $($inner:tt)* ) $sep:tt * $($rest:tt)*) => {
        $crate::code_rep!($c; [$sep]; []; $($inner)*);
        $crate::code_into!($c; $($rest)*);
    };
    ($c:ident; # $var:ident $($rest:tt)*) => {
        $crate::code::ToCode::to_code(&$var, &mut $c);
        $crate::code_into!($c; $($rest)*);
    };
    ($c:ident; ( $($inner:tt)* ) $($rest:tt)*) => {
        $c.token("(");
        $crate::code_into!($c; $($inner)*);
        $c.token(")");
        $crate::code_into!($c; $($rest)*);
    };
    ($c:ident; [ $($inner:tt)* ] $($rest:tt)*) => {
        $c.token("[");
        $crate::code_into!($c; $($inner)*);
        $c.token("]");
        $crate::code_into!($c; $($rest)*);
    };
    ($c:ident; { $($inner:tt)* } $($rest:tt)*) => {
        $c.token("{");
        $crate::code_into!($c; $($inner)*);
        $c.token("}");
        $crate::code_into!($c; $($rest)*);
    };
    ($c:ident; $t:tt $($rest:tt)*) => {
        $c.token(stringify!($t));
        $crate::code_into!($c; $($rest)*);
    };
}

/// A repetition of [`code!`](macro@crate::code): first collects the variables named in its body (the
/// third argument, scanned from the fourth), then writes the body once per item of all
/// of them in step, with the separator (the second argument) between.
#[macro_export]
#[doc(hidden)]
macro_rules! code_rep {
    ($c:ident; [$($sep:tt)?]; []; $($body:tt)*) => {
        $crate::code_rep!(@scan $c; [$($sep)?]; []; [$($body)*]; $($body)*)
    };
    // The scan walks a copy of the body (fourth argument kept whole in the third).
    (@scan $c:ident; [$($sep:tt)?]; [$($vars:ident)*]; [$($body:tt)*];) => {
        $crate::code_rep!(@write $c; [$($sep)?]; [$($vars)*]; $($body)*)
    };
    (@scan $c:ident; [$($sep:tt)?]; [$($vars:ident)*]; [$($body:tt)*]; # $var:ident $($rest:tt)*) => {
        $crate::code_rep!(@scan $c; [$($sep)?]; [$($vars)* $var]; [$($body)*]; $($rest)*)
    };
    (@scan $c:ident; [$($sep:tt)?]; [$($vars:ident)*]; [$($body:tt)*]; ( $($inner:tt)* ) $($rest:tt)*) => {
        $crate::code_rep!(@scan $c; [$($sep)?]; [$($vars)*]; [$($body)*]; $($inner)* $($rest)*)
    };
    (@scan $c:ident; [$($sep:tt)?]; [$($vars:ident)*]; [$($body:tt)*]; [ $($inner:tt)* ] $($rest:tt)*) => {
        $crate::code_rep!(@scan $c; [$($sep)?]; [$($vars)*]; [$($body)*]; $($inner)* $($rest)*)
    };
    (@scan $c:ident; [$($sep:tt)?]; [$($vars:ident)*]; [$($body:tt)*]; { $($inner:tt)* } $($rest:tt)*) => {
        $crate::code_rep!(@scan $c; [$($sep)?]; [$($vars)*]; [$($body)*]; $($inner)* $($rest)*)
    };
    (@scan $c:ident; [$($sep:tt)?]; [$($vars:ident)*]; [$($body:tt)*]; $t:tt $($rest:tt)*) => {
        $crate::code_rep!(@scan $c; [$($sep)?]; [$($vars)*]; [$($body)*]; $($rest)*)
    };
    (@write $c:ident; [$($sep:tt)?]; [$($vars:ident)+]; $($body:tt)*) => {{
        #[allow(unused_imports)]
        use $crate::code::{RepIter as _, RepRef as _};
        $( #[allow(unused_mut)] let mut $vars = $vars.rep_iter(); )+
        let mut __first = true;
        loop {
            $( let ::core::option::Option::Some($vars) = $vars.next() else { break }; )+
            if !__first {
                $( $c.token(stringify!($sep)); )?
            }
            __first = false;
            $crate::code_into!($c; $($body)*);
        }
    }};
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
