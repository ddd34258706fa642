//! The `arazzo_workflow!` procedural macro: a thin shell over `arazzo-compiler`.
//!
//! Use it through the `arazzo` crate: `arazzo::arazzo_workflow!("specs/arazzo/x.yml");`

use arazzo_compiler::diag::Code;
use arazzo_compiler::{Diagnostic, Level, LINTS};
use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use std::path::{Path, PathBuf};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

/// Compiles an Arazzo document (and the OpenAPI descriptions it references) into
/// typed Rust at build time: one module per workflow with `Inputs`, `Outputs`,
/// `run` and one function per step.
///
/// ```ignore
/// arazzo::arazzo_workflow!("specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml");
/// arazzo::arazzo_workflow!("specs/arazzo/x.yml", sources(petStore = "specs/openapi/petstore.yaml"));
/// arazzo::arazzo_workflow!("specs/arazzo/x.yml", deny(dialect), allow(unreachable_step));
/// arazzo::arazzo_workflow!("specs/arazzo/y.yml", sources("cafe-api" = "specs/openapi/cafe.yaml"));
/// arazzo::arazzo_workflow!("specs/arazzo/z.yml", root = "..");
/// arazzo::arazzo_workflow!("specs/arazzo/x.yml", mocks);
/// ```
///
/// Paths are relative to the calling crate's `CARGO_MANIFEST_DIR`; when the file
/// is not there, each parent directory is tried. Every problem in the documents
/// is a compile error naming the YAML file, line and column. Lints (`dialect`,
/// `unreachable_step`, `undocumented_content_type`, `manual_credential`) are warnings, shown by
/// `cargo build` as deprecation warnings on the path literal; `allow(...)`,
/// `warn(...)` and `deny(...)` set their levels as in rustc.
///
/// Source urls and `$ref`s may name files in the document's crate (the nearest directory
/// at or above the document with a `Cargo.toml` or `.git`) and below, and next to the files
/// mapped in `sources(...)`; `root = "dir"` (relative to `CARGO_MANIFEST_DIR`) sets another
/// directory, for a monorepo whose descriptions are above the crate.
///
/// `mocks` also generates, in each workflow's module, a `mock` module of test doubles (a
/// local server with one method per step, a happy path, and a check of every request
/// against the OpenAPI description); it needs the `mock` feature of `arazzo`. See
/// `docs/testing.md`.
#[proc_macro]
pub fn arazzo_workflow(input: TokenStream) -> TokenStream {
    let input2: proc_macro2::TokenStream = input.into();
    let result = std::panic::catch_unwind(move || expand(input2));
    match result {
        Ok(tokens) => tokens.into(),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "unknown panic".to_owned());
            let msg = format!(
                "internal error in arazzo_workflow! (a bug, not a problem in your document): {what}\n  = help: please report it with the Arazzo and OpenAPI files that trigger it"
            );
            quote!(::core::compile_error!(#msg);).into()
        }
    }
}

struct Args {
    path: LitStr,
    /// Source-description name (an identifier or a string literal) → file.
    sources: Vec<(String, LitStr)>,
    /// `allow(x)`, `warn(x)`, `deny(x)`: lint name and level, in order.
    lints: Vec<(syn::Ident, Level)>,
    /// `root = "dir"`: the directory files may be read from.
    root: Option<LitStr>,
    /// `mocks`: also generate the test doubles.
    mocks: bool,
}

/// A source-description name in `sources(...)`: an identifier (`petStore`, `r#type`) or a
/// string literal for names that are not Rust identifiers (`"cafe-api"`).
fn source_key(input: ParseStream<'_>) -> syn::Result<String> {
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        let name = lit.value();
        if name.is_empty() {
            return Err(syn::Error::new(
                lit.span(),
                "a source-description name cannot be empty",
            ));
        }
        return Ok(name);
    }
    let name: syn::Ident = syn::ext::IdentExt::parse_any(input)?;
    Ok(name.to_string().trim_start_matches("r#").to_owned())
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path: LitStr = input.parse()?;
        let mut sources = Vec::new();
        let mut lints = Vec::new();
        let mut root = None;
        let mut mocks = false;
        while input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let kw: syn::Ident = input.parse()?;
            if let Some(level) = Level::parse(&kw.to_string()) {
                let content;
                syn::parenthesized!(content in input);
                let names = content.parse_terminated(syn::Ident::parse_any, Token![,])?;
                lints.extend(names.into_iter().map(|n| (n, level)));
                continue;
            }
            if kw == "mocks" {
                mocks = true;
                continue;
            }
            if kw == "root" {
                input.parse::<Token![=]>()?;
                root = Some(input.parse::<LitStr>()?);
                continue;
            }
            if kw != "sources" {
                return Err(syn::Error::new(
                    kw.span(),
                    "expected `sources(name = \"path\", ...)`, `root = \"dir\"`, `mocks`, `allow(lint, ...)`, `warn(lint, ...)` or `deny(lint, ...)`",
                ));
            }
            let content;
            syn::parenthesized!(content in input);
            while !content.is_empty() {
                let name = source_key(&content)?;
                content.parse::<Token![=]>()?;
                let value: LitStr = content.parse()?;
                sources.push((name, value));
                if content.peek(Token![,]) {
                    content.parse::<Token![,]>()?;
                }
            }
        }
        Ok(Args {
            path,
            sources,
            lints,
            root,
            mocks,
        })
    }
}

fn expand(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let args: Args = match syn::parse2(input) {
        Ok(a) => a,
        Err(e) => return e.to_compile_error(),
    };
    let span = args.path.span();
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let rel = args.path.value();
    if Path::new(&rel).is_absolute() {
        return syn::Error::new(
            span,
            "the path must be relative to the crate's CARGO_MANIFEST_DIR",
        )
        .to_compile_error();
    }
    let (path, base) = match arazzo_compiler::locate(&manifest_dir, &rel) {
        Ok(found) => found,
        Err(tried) => {
            let list: Vec<String> = tried
                .iter()
                .map(|p| format!("\n  - {}", p.display()))
                .collect();
            return syn::Error::new(
                span,
                format!(
                    "cannot find Arazzo document `{rel}`; tried:{}",
                    list.concat()
                ),
            )
            .to_compile_error();
        }
    };
    let mut options = arazzo_compiler::Options {
        sources: Vec::new(),
        display_root: base.clone(),
        lints: Vec::new(),
        root: args.root.as_ref().map(|r| manifest_dir.join(r.value())),
        mocks: args.mocks,
    };
    let mut errors: Vec<syn::Error> = Vec::new();
    for (name, level) in &args.lints {
        let wanted = name.to_string();
        match arazzo_compiler::diag::lint_named(&wanted) {
            Some(lint) => options.lints.push((lint.to_owned(), *level)),
            None => {
                let known: Vec<String> = LINTS
                    .iter()
                    .map(|(n, what)| format!("\n  - {n}: {what}"))
                    .collect();
                let mut msg = format!(
                    "unknown lint `{wanted}` in `{}(...)`; the lints are:{}",
                    level.as_str(),
                    known.concat()
                );
                if let Some(h) =
                    arazzo_compiler::diag::did_you_mean(&wanted, LINTS.iter().map(|(n, _)| *n))
                {
                    msg.push_str(&format!("\n  = help: {h}"));
                }
                errors.push(syn::Error::new(name.span(), msg));
            }
        }
    }
    // Mapped files that were not found: reported here, with the paths tried, so the
    // compiler's own "cannot read" error for them would say the same thing twice.
    let mut missing: Vec<std::path::PathBuf> = Vec::new();
    for (name, value) in &args.sources {
        match arazzo_compiler::locate(&manifest_dir, &value.value()) {
            Ok((p, _)) => options.sources.push((name.clone(), p)),
            Err(tried) => {
                let list: Vec<String> = tried
                    .iter()
                    .map(|p| format!("\n  - {}", p.display()))
                    .collect();
                errors.push(syn::Error::new(
                    value.span(),
                    format!("cannot find `{}`; tried:{}", value.value(), list.concat()),
                ));
                // Keep the mapping, so the source is not also reported as an unmapped remote url.
                if let Some(first) = tried.into_iter().next() {
                    missing.push(first.clone());
                    options.sources.push((name.clone(), first));
                }
            }
        }
    }
    let out = arazzo_compiler::compile(&path, &options);
    let mut warnings = Vec::new();
    for d in &out.diagnostics {
        let reported =
            d.code == Code::CannotRead && d.path.as_ref().is_some_and(|p| missing.contains(p));
        if reported {
            continue;
        }
        if d.is_error() {
            errors.push(syn::Error::new(span, d.to_string()));
        } else {
            warnings.push(warning(d, span));
        }
    }
    let tracked = out
        .files
        .iter()
        .filter_map(|f| f.canonicalize().ok())
        .map(|f| {
            let s = f.to_string_lossy().into_owned();
            quote!(
                const _: &[u8] = ::core::include_bytes!(#s);
            )
        });
    let errors = errors.into_iter().map(|e| e.to_compile_error());
    // The compiler writes the code as text; rustc's lexer reads it in one call, which
    // costs far less than building the tokens one at a time through the compiler's bridge
    // (BENCHMARKS.md, "Build time, seventh pass"). It always lexes; if it did not, the
    // error says so instead of a panic.
    let tokens: proc_macro2::TokenStream = match out.code.parse::<TokenStream>() {
        Ok(code) => code.into(),
        Err(e) => {
            let msg = format!("internal error in arazzo_workflow! (a bug, not a problem in your document): the generated code does not lex: {e}");
            quote!(::core::compile_error!(#msg);)
        }
    };
    quote! {
        #( #errors )*
        #( #warnings )*
        #( #tracked )*
        #tokens
    }
}

/// A warning on stable Rust: a `#[deprecated]` constant, used once, whose note is
/// the rendered diagnostic. Every token carries the path literal's span, so rustc
/// reports it there (and `#[allow(deprecated)]` around the call silences it too).
fn warning(d: &Diagnostic, span: Span) -> proc_macro2::TokenStream {
    let note = format!("\n{d}");
    let name = syn::Ident::new(d.lint().unwrap_or("arazzo"), span);
    quote::quote_spanned! {span=>
        const _: () = {
            #[allow(dead_code, non_snake_case, clippy::all)]
            fn arazzo_lint() {
                #[deprecated(note = #note)]
                #[allow(non_upper_case_globals)]
                const #name: () = ();
                let _ = #name;
            }
        };
    }
}
