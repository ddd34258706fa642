//! JSON Schema → Rust types: the type space of the generated code ([`TypeSpace`]).
//!
//! The mapping (documented in the README): string → `String`, integer → `i64`,
//! number → `f64`, boolean → `bool`, array → `Vec<T>`, object with properties →
//! a generated struct (one per component schema, shared), object with only
//! `additionalProperties` → `BTreeMap<String, T>`, `nullable` / `type: [T, "null"]`
//! → `Option<T>`, `allOf` → the merged struct, `oneOf`/`anyOf` of one primitive
//! type → that type, anything else → `serde_json::Value`. `$ref` cycles end in
//! `serde_json::Value` instead of an infinitely sized type.

use crate::names::{self, Case, Namer, Style};
use crate::yaml::{Node, Value};

pub use crate::schema::{
    description, is_binary, is_nullable, schema_flag, schema_types, walk, Resolver, Schema, Walk,
};
use std::collections::{HashMap, HashSet};

/// A type generated into the [`TypeSpace`]: its index in [`TypeSpace::defs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A Rust type of generated code.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `i32` (`format: int32`).
    I32,
    /// `f64`.
    Number,
    /// `f32` (`format: float`).
    F32,
    /// `bool`.
    Boolean,
    /// `serde_json::Value`.
    Json,
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Option<T>`.
    Option(Box<Ty>),
    /// A generated struct, enum or union of the [`TypeSpace`].
    Named(TypeId),
    /// A type generated for another Arazzo document, by its path from the invocation's
    /// module (`__src_other::types::Customer`).
    Extern(String),
    /// `Vec<u8>`: bytes, not JSON. A workflow input whose schema is binary
    /// ([`is_binary`]), or the whole body of a response that is not JSON or text.
    /// It can only be a binary request body or a binary part of a multipart body.
    Bytes,
}

impl Ty {
    /// Whether the value is bytes ([`Ty::Bytes`], optional or not).
    pub fn is_bytes(&self) -> bool {
        match self {
            Ty::Bytes => true,
            Ty::Option(inner) => inner.is_bytes(),
            _ => false,
        }
    }

    /// Wraps in `Option` unless it already is one.
    pub fn optional(self) -> Ty {
        match self {
            Ty::Option(_) => self,
            other => Ty::Option(Box::new(other)),
        }
    }

    /// True for `Option<T>`.
    pub fn is_option(&self) -> bool {
        matches!(self, Ty::Option(_))
    }

    /// The JSON type name(s) this type serializes to, for messages.
    pub fn json_kind(&self, space: &TypeSpace) -> String {
        match self {
            Ty::String => "string".into(),
            Ty::Integer | Ty::I32 => "integer".into(),
            Ty::Number | Ty::F32 => "number".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Json => "any JSON value".into(),
            Ty::Vec(_) => "array".into(),
            Ty::Map(_) => "object".into(),
            Ty::Option(t) => format!("{} or null", t.json_kind(space)),
            Ty::Extern(path) => format!("`{path}`"),
            Ty::Bytes => "bytes (not JSON)".into(),
            Ty::Named(i) => match space.def(*i) {
                Some(d) if matches!(d.kind, DefKind::Enum(_)) => {
                    format!("string enum `{}`", d.name)
                }
                Some(d) if matches!(d.kind, DefKind::Union(_)) => {
                    format!("one of the types of `{}`", d.name)
                }
                Some(d) => format!("object `{}`", d.name),
                None => "object".into(),
            },
        }
    }
}

/// A field of a generated struct.
#[derive(Clone, Debug)]
pub struct Field {
    /// Rust identifier text (`r#type` for keywords).
    pub rust: String,
    /// JSON property name.
    pub json: String,
    /// Type (already `Option` when not required).
    pub ty: Ty,
    /// Doc text (schema `description`).
    pub doc: Option<String>,
    /// Printed as `[redacted]` by `Debug`.
    pub secret: bool,
    /// `default` value from the schema.
    pub default: Option<serde_json::Value>,
    /// Where the property is declared (`file:line:col`, relative), for the documentation.
    pub origin: Option<String>,
}

/// Where a generated struct is emitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// In the shared `types` module.
    Shared,
    /// In the module of workflow `n`.
    Workflow(usize),
}

/// What a generated type is.
#[derive(Clone, Debug, PartialEq)]
pub enum DefKind {
    /// A struct with [`TypeDef::fields`].
    Struct,
    /// A string enum: (Rust variant, JSON value); unknown values land in a catch-all variant.
    Enum(Vec<(String, String)>),
    /// An untagged enum of alternatives with distinct JSON types (`oneOf` / `anyOf`).
    Union(Vec<(String, Ty)>),
}

/// A generated struct or enum.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Doc text.
    pub doc: Option<String>,
    /// Fields in schema order (structs).
    pub fields: Vec<Field>,
    /// Struct, enum or union.
    pub kind: DefKind,
    /// Where it is emitted.
    pub scope: Scope,
    /// Where its schema is declared (`file:line:col`, relative), for the documentation.
    pub origin: Option<String>,
}

/// Every struct generated for one invocation.
#[derive(Debug, Default)]
pub struct TypeSpace {
    /// The structs.
    pub defs: Vec<TypeDef>,
    by_node: HashMap<(usize, Scope), usize>,
    names: HashMap<Scope, Namer>,
    in_progress: HashSet<usize>,
    /// While set, the fields of the next struct typed ([`TypeSpace::inputs_of`]) whose
    /// schema is binary are [`Ty::Bytes`].
    bytes_fields: bool,
    /// The Arazzo document, for the origin of the schemas written in it.
    pub doc_file: Option<std::sync::Arc<crate::diag::SourceFile>>,
}

/// Deepest schema nesting turned into types; deeper parts are `serde_json::Value`.
const MAX_TYPE_DEPTH: usize = 24;

impl TypeSpace {
    /// `ty` as the generated code spells it in the module of workflow `here`: types of
    /// another workflow's module through `module_of` (its module path), shared types as
    /// `types::Name`.
    pub fn rust_name<'m>(
        &self,
        ty: &Ty,
        here: usize,
        module_of: &dyn Fn(usize) -> Option<&'m str>,
    ) -> String {
        let inner = |t: &Ty| self.rust_name(t, here, module_of);
        match ty {
            Ty::String => "String".into(),
            Ty::Integer => "i64".into(),
            Ty::I32 => "i32".into(),
            Ty::Number => "f64".into(),
            Ty::F32 => "f32".into(),
            Ty::Boolean => "bool".into(),
            Ty::Json => "serde_json::Value".into(),
            Ty::Bytes => "Vec<u8>".into(),
            Ty::Vec(t) => format!("Vec<{}>", inner(t)),
            Ty::Map(t) => format!("BTreeMap<String, {}>", inner(t)),
            Ty::Option(t) => format!("Option<{}>", inner(t)),
            Ty::Extern(p) => p.clone(),
            Ty::Named(i) => match self.def(*i) {
                Some(d) => match d.scope {
                    Scope::Shared => format!("types::{}", d.name),
                    Scope::Workflow(x) if x == here => d.name.clone(),
                    Scope::Workflow(x) => match module_of(x) {
                        Some(m) => format!("{m}::{}", d.name),
                        None => d.name.clone(),
                    },
                },
                None => "serde_json::Value".into(),
            },
        }
    }

    /// `file:line:col` of `pos` in the file of schema `s` (none for a file outside the crate).
    pub fn origin(&self, r: &Resolver<'_>, s: Schema<'_>, pos: crate::diag::Pos) -> Option<String> {
        match s {
            Schema::Api(at) => r.store.files.get(at.file)?.file.origin(pos),
            Schema::Doc(_) => self.doc_file.as_ref()?.origin(pos),
        }
    }

    /// The generated type `id`.
    pub fn def(&self, id: TypeId) -> Option<&TypeDef> {
        self.defs.get(id.0)
    }

    /// The generated type `id`, to change.
    pub fn def_mut(&mut self, id: TypeId) -> Option<&mut TypeDef> {
        self.defs.get_mut(id.0)
    }

    /// The JSON names of the secret fields of struct `def` (none when it does not exist).
    pub fn secret_fields(&self, def: TypeId) -> Vec<String> {
        self.def(def)
            .map(|d| {
                d.fields
                    .iter()
                    .filter(|f| f.secret)
                    .map(|f| f.json.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A fresh, unique type name in a scope ([`Style::TYPE`]).
    pub fn unique_name(&mut self, wanted: &str, scope: Scope) -> String {
        self.names
            .entry(scope)
            .or_insert_with(|| Namer::new(Style::TYPE))
            .name(wanted)
    }

    /// The type of a workflow's `inputs` schema: as [`TypeSpace::ty_of`], except that an
    /// input (a property of the top-level object) whose schema is binary ([`is_binary`])
    /// is [`Ty::Bytes`].
    pub fn inputs_of(
        &mut self,
        r: &Resolver<'_>,
        schema: Schema<'_>,
        hint: &str,
        scope: Scope,
    ) -> Ty {
        self.bytes_fields = true;
        let t = self.ty_at_depth(r, schema, hint, scope, 0);
        self.bytes_fields = false;
        t
    }

    /// The Rust type of a schema. `hint` names a struct generated for an inline object.
    pub fn ty_of(&mut self, r: &Resolver<'_>, schema: Schema<'_>, hint: &str, scope: Scope) -> Ty {
        self.ty_at_depth(r, schema, hint, scope, 0)
    }

    fn ty_at_depth(
        &mut self,
        r: &Resolver<'_>,
        schema: Schema<'_>,
        hint: &str,
        scope: Scope,
        depth: usize,
    ) -> Ty {
        if depth > MAX_TYPE_DEPTH {
            return Ty::Json;
        }
        let Some((s, ref_name)) = r.resolve(schema) else {
            return Ty::Json;
        };
        let node = s.node();
        let key = node as *const Node as usize;
        let nullable = is_nullable(node);
        let wrap = |t: Ty| if nullable { t.optional() } else { t };
        // Component schemas are shared; inline ones belong to the caller's scope.
        let scope = match (&s, &ref_name) {
            (Schema::Api(_), Some(_)) => Scope::Shared,
            _ => scope,
        };
        if let Some(&i) = self.by_node.get(&(key, scope)) {
            if self.in_progress.contains(&i) {
                return Ty::Json;
            }
            return wrap(Ty::Named(TypeId(i)));
        }
        let types: Vec<&str> = schema_types(node)
            .into_iter()
            .filter(|t| *t != "null")
            .collect();
        let hint = ref_name.as_deref().unwrap_or(hint);
        if let Some(all) = node.get("allOf") {
            let branches: Vec<Schema<'_>> = all.items().iter().map(|b| s.with(b)).collect();
            if branches.len() == 1 && node.get("properties").is_none() {
                return wrap(self.ty_at_depth(r, branches[0], hint, scope, depth + 1));
            }
            return wrap(self.struct_of(r, s, &branches, hint, scope, key, depth));
        }
        for k in ["oneOf", "anyOf"] {
            if let Some(alts) = node.get(k) {
                let branches: Vec<&Node> = alts
                    .items()
                    .iter()
                    .filter(|b| schema_types(b) != ["null"])
                    .collect();
                let tys: Vec<Ty> = branches
                    .iter()
                    .map(|b| self.ty_at_depth(r, s.with(b), hint, scope, depth + 1))
                    .collect();
                let has_null = alts.items().iter().any(|b| schema_types(b) == ["null"]);
                let one = match tys.split_first() {
                    Some((first, rest)) if rest.iter().all(|t| t == first) => first.clone(),
                    _ => self.union_of(tys, hint, scope, key),
                };
                return if has_null || nullable {
                    one.optional()
                } else {
                    one
                };
            }
        }
        if let Some(values) = node.get("enum") {
            let strings: Vec<String> = values
                .items()
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            let only_strings = !strings.is_empty()
                && strings.len()
                    == values
                        .items()
                        .iter()
                        .filter(|v| !matches!(v.value, Value::Null))
                        .count();
            if only_strings && (types.is_empty() || types == ["string"]) {
                let has_null = values
                    .items()
                    .iter()
                    .any(|v| matches!(v.value, Value::Null));
                let origin = self.origin(r, s, node.pos);
                let t = self.enum_of(&strings, hint, scope, key, description(node), origin);
                return if has_null || nullable {
                    t.optional()
                } else {
                    t
                };
            }
        }
        let kind = match types.as_slice() {
            [one] => *one,
            [] if node.get("properties").is_some() => "object",
            [] if node.get("items").is_some() => "array",
            _ => return wrap(Ty::Json),
        };
        let format = node.get("format").and_then(Node::as_str);
        let t = match kind {
            "string" => Ty::String,
            "integer" if format == Some("int32") => Ty::I32,
            "integer" => Ty::Integer,
            "number" if format == Some("float") => Ty::F32,
            "number" => Ty::Number,
            "boolean" => Ty::Boolean,
            "array" => match node.get("items") {
                Some(items) => Ty::Vec(Box::new(self.ty_at_depth(
                    r,
                    s.with(items),
                    &format!("{hint}Item"),
                    scope,
                    depth + 1,
                ))),
                None => Ty::Vec(Box::new(Ty::Json)),
            },
            "object" => {
                if node
                    .get("properties")
                    .is_some_and(|p| !p.entries().is_empty())
                {
                    self.struct_of(r, s, &[], hint, scope, key, depth)
                } else {
                    match node.get("additionalProperties") {
                        Some(ap) if matches!(ap.value, Value::Map(_)) => {
                            Ty::Map(Box::new(self.ty_at_depth(
                                r,
                                s.with(ap),
                                &format!("{hint}Value"),
                                scope,
                                depth + 1,
                            )))
                        }
                        _ => Ty::Map(Box::new(Ty::Json)),
                    }
                }
            }
            _ => Ty::Json,
        };
        wrap(t)
    }

    fn enum_of(
        &mut self,
        values: &[String],
        hint: &str,
        scope: Scope,
        key: usize,
        doc: Option<String>,
        origin: Option<String>,
    ) -> Ty {
        let name = self.unique_name(hint, scope);
        let mut used = Namer::new(Style::VALUE_VARIANT);
        let variants = values.iter().map(|v| (used.name(v), v.clone())).collect();
        self.defs.push(TypeDef {
            name,
            doc,
            fields: Vec::new(),
            kind: DefKind::Enum(variants),
            scope,
            origin,
        });
        let index = self.defs.len() - 1;
        self.by_node.insert((key, scope), index);
        Ty::Named(TypeId(index))
    }

    /// An untagged enum when the alternatives have distinct JSON types; otherwise `Value`.
    fn union_of(&mut self, tys: Vec<Ty>, hint: &str, scope: Scope, key: usize) -> Ty {
        let kind = |t: &Ty, me: &Self| -> Option<&'static str> {
            Some(match t {
                Ty::String => "string",
                Ty::Integer | Ty::I32 => "integer",
                Ty::Number | Ty::F32 => "number",
                Ty::Boolean => "boolean",
                Ty::Vec(_) => "array",
                Ty::Map(_) => "object",
                Ty::Named(i) => match me.def(*i).map(|d| &d.kind) {
                    Some(DefKind::Enum(_)) => "string",
                    Some(DefKind::Struct) => "object",
                    _ => return None,
                },
                Ty::Json | Ty::Option(_) | Ty::Extern(_) | Ty::Bytes => return None,
            })
        };
        let kinds: Option<Vec<&str>> = tys.iter().map(|t| kind(t, self)).collect();
        let Some(kinds) = kinds else { return Ty::Json };
        let distinct: HashSet<&str> = kinds.iter().copied().collect();
        if distinct.len() != kinds.len() || kinds.is_empty() {
            return Ty::Json;
        }
        let name = self.unique_name(hint, scope);
        let mut used = Namer::new(Style::TYPE);
        let alternatives = tys
            .into_iter()
            .zip(kinds)
            .map(|(t, k)| {
                let base = match &t {
                    Ty::Named(i) => self.def(*i).map_or("Object".to_owned(), |d| d.name.clone()),
                    Ty::Vec(_) => "List".to_owned(),
                    _ => names::recase(k, Case::Pascal),
                };
                let v = used.unique(base);
                (v, t)
            })
            .collect();
        self.defs.push(TypeDef {
            name,
            doc: None,
            fields: Vec::new(),
            kind: DefKind::Union(alternatives),
            scope,
            origin: None,
        });
        let index = self.defs.len() - 1;
        self.by_node.insert((key, scope), index);
        Ty::Named(TypeId(index))
    }

    #[allow(clippy::too_many_arguments)]
    fn struct_of(
        &mut self,
        r: &Resolver<'_>,
        s: Schema<'_>,
        branches: &[Schema<'_>],
        hint: &str,
        scope: Scope,
        key: usize,
        depth: usize,
    ) -> Ty {
        let name = self.unique_name(hint, scope);
        let index = self.defs.len();
        self.defs.push(TypeDef {
            name: name.clone(),
            doc: description(s.node()),
            fields: Vec::new(),
            kind: DefKind::Struct,
            scope,
            origin: self.origin(r, s, s.node().pos),
        });
        self.by_node.insert((key, scope), index);
        self.in_progress.insert(index);
        let mut props: Vec<(String, Schema<'_>, Option<String>)> = Vec::new();
        let mut parts = vec![s];
        for b in branches {
            if let Some((rb, _)) = r.resolve(*b) {
                parts.push(rb);
            }
        }
        let mut required: HashSet<String> = HashSet::new();
        for p in &parts {
            for req in p.node().get("required").map(Node::items).unwrap_or(&[]) {
                if let Some(q) = req.as_str() {
                    required.insert(q.to_owned());
                }
            }
            for (k, v) in p.node().get("properties").map(Node::entries).unwrap_or(&[]) {
                if !props.iter().any(|(n, _, _)| *n == k.text) {
                    props.push((k.text.clone(), p.with(v), self.origin(r, *p, k.pos)));
                }
            }
        }
        let mut used = Namer::new(Style::FIELD);
        let mut fields = Vec::new();
        let bytes_fields = std::mem::take(&mut self.bytes_fields) && depth == 0;
        for (json, schema, origin) in props {
            let ty = if bytes_fields && is_binary(r, schema) {
                Ty::Bytes
            } else {
                self.ty_at_depth(
                    r,
                    schema,
                    &format!("{name}{}", names::recase(&json, Case::Pascal)),
                    scope,
                    depth + 1,
                )
            };
            // A `writeOnly` property is never in a response, so never required there.
            let ty = if required.contains(&json) && !schema_flag(r, schema, "writeOnly") {
                ty
            } else {
                ty.optional()
            };
            let resolved = r.resolve(schema).map(|(x, _)| x.node());
            let field_doc = description(schema.node()).or_else(|| resolved.and_then(description));
            fields.push(Field {
                rust: used.name(&json),
                json,
                ty,
                doc: field_doc,
                secret: resolved
                    .is_some_and(|n| n.get("format").and_then(Node::as_str) == Some("password")),
                default: resolved.and_then(|n| n.get("default")).map(Node::to_json),
                origin,
            });
        }
        self.in_progress.remove(&index);
        if let Some(d) = self.defs.get_mut(index) {
            d.fields = fields;
        }
        Ty::Named(TypeId(index))
    }
}

#[cfg(test)]
mod tests {
    use super::{Scope, TypeSpace};

    #[test]
    fn struct_names_avoid_the_names_the_generated_modules_import() {
        let mut t = TypeSpace::default();
        let names: Vec<String> = ["serialize", "Deserialize", "debug", "Option", "item"]
            .iter()
            .map(|n| t.unique_name(n, Scope::Shared))
            .collect();
        assert_eq!(
            names,
            ["Serialize_", "Deserialize_", "Debug_", "Option_", "Item"]
        );
        // Unique per scope: the same name again gets a number.
        assert_eq!(t.unique_name("serialize", Scope::Shared), "Serialize_2");
        assert_eq!(t.unique_name("serialize", Scope::Workflow(0)), "Serialize_");
    }
}
