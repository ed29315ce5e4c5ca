//! The generator behind `stripe-identity`: Stripe's OpenAPI spec in, Rust source out.
//!
//! The pipeline runs one way: `load` (bytes → outline) → `filter` (prefixes → the [`Subset`]:
//! operations and the schemas they reach, each parsed into openapiv3's model as it is reached)
//! → `lower` (Stripe's conventions → [`ir`]) → `emit` (IR → formatted source). JSON pointers
//! for errors are spelled in one module (`pointer`). It does no I/O beyond reading the spec and
//! writing the output, and knows nothing of HTTP: the generated code calls the runtime crate.
//!
//! This module is the API; [`Generator::run_build_script`] and its kin (module `build_script`)
//! are what a build script calls, and the API version comes from module `version`.
//!
//! ```no_run
//! let output = stripe_identity_codegen::Generator::new("spec/stripe.json").generate()?;
//! println!("{} types", output.api.types.len());
//! # Ok::<(), stripe_identity_codegen::Error>(())
//! ```

mod build_script;
/// What a spec bump changes, for the CLI's `check` and `diff`: not compiled into build scripts.
#[cfg(feature = "cli")]
pub mod diff;
mod emit;
mod error;
mod filter;
pub mod ir;
mod load;
mod lower;
mod parse;
mod pointer;
mod subset;
mod version;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub use error::Error;
pub use load::{Format, Spec};
pub use subset::Subset;
pub use version::{is_api_version, manifest_path};

/// The file, inside the output directory, that holds the generated code.
pub const OUTPUT_FILE: &str = "stripe_identity.rs";

/// The prefix kept when none is configured.
pub const DEFAULT_PREFIX: &str = "/v1/identity/";

/// Configures and runs one generation.
#[derive(Debug, Clone)]
pub struct Generator {
    spec: PathBuf,
    prefixes: Vec<String>,
    provided: BTreeMap<String, String>,
    excluded: BTreeSet<String>,
    runtime: String,
    api_version: Option<String>,
}

/// What a generation produced.
#[derive(Debug)]
pub struct Output {
    /// The formatted Rust source.
    pub code: String,
    /// The model it was printed from.
    pub api: ir::Api,
}

impl Generator {
    /// A generator for the spec at `spec` (`.json`, or `.yaml` / `.yml`), keeping
    /// [`DEFAULT_PREFIX`], with Stripe's `error` schema provided by the runtime's `ErrorResponse`.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Generator {
            spec: spec.into(),
            prefixes: vec![DEFAULT_PREFIX.to_string()],
            provided: BTreeMap::from([("error".to_string(), "ErrorResponse".to_string())]),
            excluded: BTreeSet::new(),
            runtime: "crate".to_string(),
            api_version: None,
        }
    }

    /// Keeps the paths under these prefixes instead (`/v1/customers`, or `/v1/` for everything).
    pub fn prefixes<I, S>(mut self, prefixes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.prefixes = prefixes.into_iter().map(Into::into).collect();
        self
    }

    /// Maps component schema `schema` to the runtime type at `path` instead of generating it
    /// (and everything only it reaches).
    pub fn provide(mut self, schema: impl Into<String>, path: impl Into<String>) -> Self {
        self.provided.insert(schema.into(), path.into());
        self
    }

    /// Leaves out the operations with these `operationId`s, on purpose: for a family that holds an
    /// operation the generator refuses (`PostFiles` is multipart, on another host).
    pub fn exclude<I, S>(mut self, operation_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.excluded.extend(operation_ids.into_iter().map(Into::into));
        self
    }

    /// Generates every schema, Stripe's `error` included, instead of mapping any to the runtime.
    pub fn provide_nothing(mut self) -> Self {
        self.provided.clear();
        self
    }

    /// The path of the runtime crate the generated code calls: `crate` (the default) inside
    /// stripe-identity, `stripe_identity` from another crate.
    pub fn runtime(mut self, path: impl Into<String>) -> Self {
        self.runtime = path.into();
        self
    }

    /// Sets the API version instead of reading it from the manifest or `info.version`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Reads the spec and generates the code.
    pub fn generate(&self) -> Result<Output, Error> {
        let spec = Spec::read(&self.spec)?;
        self.generate_from(&spec).map_err(|e| e.in_file(&self.spec))
    }

    /// Generates from a spec already loaded.
    pub fn generate_from(&self, spec: &Spec) -> Result<Output, Error> {
        let api = self.lower(spec)?;
        let code = self.render(&api)?;
        Ok(Output { code, api })
    }

    /// Prints an IR as formatted Rust source, with the `@generated` header.
    pub fn render(&self, api: &ir::Api) -> Result<String, Error> {
        for path in self.provided.values() {
            syn::parse_str::<syn::Path>(path).map_err(|e| Error::msg(format!("provided type path `{path}`: {e}")))?;
        }
        // The header names no file, so the JSON and YAML forms of a spec give the same bytes.
        let header = format!(
            "@generated by stripe-identity-codegen from Stripe's OpenAPI spec (API {}, prefixes {:?}).\nDo not edit: rebuild, or run the codegen CLI's `generate`.",
            api.api_version, self.prefixes
        );
        emit::render(api, &self.runtime, &header)
    }

    /// The spec as data instead of code: a `static` shape per type (fields, required, nullable,
    /// personal, enum values) and a row per operation (method, path template, query, body,
    /// response), after the definitions of the types they are written in. The fake Stripe
    /// validates and routes requests and redacts objects with it, so what it accepts is what
    /// the spec says. Feature `table`.
    #[cfg(feature = "table")]
    pub fn render_table(&self, api: &ir::Api) -> Result<String, Error> {
        let header = format!(
            "@generated by stripe-identity-codegen: the parameter and object tables of Stripe's OpenAPI spec (API {}, prefixes {:?}).",
            api.api_version, self.prefixes
        );
        emit::render_table(api, &header)
    }

    /// The operations under the prefixes and the schemas they reach.
    pub fn subset(&self, spec: &Spec) -> Result<Subset, Error> {
        let selection =
            filter::Selection { prefixes: &self.prefixes, provided: &self.provided, excluded: &self.excluded };
        filter::filter(spec, selection)
    }

    /// Builds the IR only (what `diff` compares).
    pub fn lower(&self, spec: &Spec) -> Result<ir::Api, Error> {
        let subset = self.subset(spec)?;
        let api_version = version::resolve(self.api_version.as_deref(), &self.spec, spec)?;
        lower::lower(&subset, &self.prefixes, &self.provided, api_version)
    }
}
