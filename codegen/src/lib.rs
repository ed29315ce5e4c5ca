//! The generator behind `stripe-identity`: Stripe's OpenAPI spec in, Rust source out.
//!
//! The pipeline runs one way: [`load`] (bytes → outline) → [`filter`] (prefixes → operations and
//! the schemas they reach, each parsed into openapiv3's model as it is reached) → [`lower`]
//! (Stripe's conventions → [`ir`]) → `emit` (IR → formatted source). It does no I/O beyond reading the spec and writing the output, and knows nothing of
//! HTTP: the generated code calls the runtime crate for that.
//!
//! ```no_run
//! let output = stripe_identity_codegen::Generator::new("spec/stripe.json").generate()?;
//! println!("{} types", output.api.types.len());
//! # Ok::<(), stripe_identity_codegen::Error>(())
//! ```

/// What a spec bump changes, for the CLI's `check` and `diff`: not compiled into build scripts.
#[cfg(feature = "cli")]
pub mod diff;
mod docs;
mod emit;
mod error;
pub mod filter;
pub mod ir;
pub mod load;
pub mod lower;
mod naming;
mod parse;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use error::Error;
pub use load::{Format, Spec};

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
    /// personal, enum values) and a row per operation (method, path, query, body, response).
    /// The fake Stripe validates requests and redacts objects with it, so what it accepts is
    /// what the spec says. The text expects `Shape`, `Field` and `Operation` in scope.
    pub fn render_table(&self, api: &ir::Api) -> Result<String, Error> {
        let header = format!(
            "@generated by stripe-identity-codegen: the parameter and object tables of Stripe's OpenAPI spec (API {}, prefixes {:?}).",
            api.api_version, self.prefixes
        );
        emit::render_table(api, &header)
    }

    /// Everything a build script that wants the tables does: [`Generator::run_build_script`]'s
    /// watching and error handling, writing [`Generator::render_table`] to `OUT_DIR/file_name`.
    pub fn run_table_build_script(&self, file_name: &str) {
        self.watch_inputs();
        let out_dir = std::env::var_os("OUT_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
        let result = Spec::read(&self.spec)
            .and_then(|spec| self.lower(&spec))
            .and_then(|api| self.render_table(&api))
            .map_err(|e| e.in_file(&self.spec))
            .and_then(|text| write_if_changed(&out_dir.join(file_name), &text).map_err(|e| e.in_file(&self.spec)));
        if let Err(error) = result {
            eprintln!("error: cannot generate the Stripe tables: {error}");
            std::process::exit(1);
        }
    }

    /// The operations under the prefixes and the schemas they reach.
    pub fn subset(&self, spec: &Spec) -> Result<filter::Subset, Error> {
        let selection =
            filter::Selection { prefixes: &self.prefixes, provided: &self.provided, excluded: &self.excluded };
        filter::filter(spec, selection)
    }

    /// Builds the IR only (what `diff` compares).
    pub fn lower(&self, spec: &Spec) -> Result<ir::Api, Error> {
        let subset = self.subset(spec)?;
        let api_version = self.resolve_api_version(spec)?;
        lower::lower(&subset, &self.prefixes, &self.provided, api_version)
    }

    /// Generates into `dir/`[`OUTPUT_FILE`], leaving the file untouched when its text is unchanged.
    pub fn generate_to(&self, dir: &Path) -> Result<PathBuf, Error> {
        let output = self.generate()?;
        let target = dir.join(OUTPUT_FILE);
        write_if_changed(&target, &output.code).map_err(|e| e.in_file(&self.spec))?;
        Ok(target)
    }

    /// A generator for the spec named by `STRIPE_IDENTITY_SPEC`, or `default_spec` when unset;
    /// `STRIPE_IDENTITY_API_VERSION` sets the API version (for a spec with neither a manifest
    /// nor a real `info.version`).
    pub fn from_env(default_spec: &str) -> Self {
        Generator::from_env_in(Path::new(""), default_spec)
    }

    /// [`Generator::from_env`] with relative paths (the variable's or `default_spec`) taken
    /// relative to `dir` instead of the working directory.
    pub fn from_env_in(dir: &Path, default_spec: &str) -> Self {
        let spec = std::env::var_os("STRIPE_IDENTITY_SPEC").map_or_else(|| PathBuf::from(default_spec), PathBuf::from);
        let generator = Generator::new(dir.join(spec));
        match std::env::var("STRIPE_IDENTITY_API_VERSION") {
            Ok(version) if !version.is_empty() => generator.api_version(version),
            _ => generator,
        }
    }

    /// A generator for the very spec a dependency's build script generated from, as it
    /// exported it with [`Generator::run_build_script`] (`links = "stripe-identity"`: Cargo
    /// hands it over as `DEP_STRIPE_IDENTITY_SPEC` and `DEP_STRIPE_IDENTITY_API_VERSION`).
    /// `None` outside such a build script.
    pub fn from_dependency() -> Option<Self> {
        let spec = std::env::var_os("DEP_STRIPE_IDENTITY_SPEC")?;
        let generator = Generator::new(spec);
        Some(match std::env::var("DEP_STRIPE_IDENTITY_API_VERSION") {
            Ok(version) if !version.is_empty() => generator.api_version(version),
            _ => generator,
        })
    }

    /// Everything a build script does: tells Cargo what to watch, writes the code into `OUT_DIR`,
    /// and exports the spec's absolute path and API version to the build scripts of packages
    /// that depend on it ([`Generator::from_dependency`]). On error it prints the error (file,
    /// JSON pointer, what is wrong) and exits with 1.
    pub fn run_build_script(&self) {
        self.watch_inputs();
        let out_dir = std::env::var_os("OUT_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
        let result = self.locate_spec().and_then(|spec| {
            let output = self.generate()?;
            write_if_changed(&out_dir.join(OUTPUT_FILE), &output.code).map_err(|e| e.in_file(&self.spec))?;
            Ok((spec, output.api.api_version))
        });
        match result {
            Ok((spec, api_version)) => {
                println!("cargo:spec={}", spec.display());
                println!("cargo:api_version={api_version}");
            }
            Err(error) => {
                eprintln!("error: cannot generate the Stripe bindings: {error}");
                std::process::exit(1);
            }
        }
    }

    /// The spec's absolute path, or an error that says where it looked and how to point
    /// elsewhere: a relative `STRIPE_IDENTITY_SPEC` is taken from the package's own folder,
    /// which for a dependency is inside Cargo's checkout, not the user's project.
    pub fn locate_spec(&self) -> Result<PathBuf, Error> {
        let absolute = std::path::absolute(&self.spec).unwrap_or_else(|_| self.spec.clone());
        if absolute.is_file() {
            return Ok(absolute);
        }
        let hint = if self.spec.is_relative() {
            " (a relative STRIPE_IDENTITY_SPEC is taken from the stripe-identity package's own folder; set it to an absolute path, e.g. STRIPE_IDENTITY_SPEC=\"$PWD/spec3.json\")"
        } else {
            ""
        };
        Err(Error::msg(format!("no spec file at {}{hint}", absolute.display())))
    }

    /// Tells Cargo to rerun the build script when the spec, its manifest or the variables change.
    fn watch_inputs(&self) {
        println!("cargo:rerun-if-env-changed=STRIPE_IDENTITY_SPEC");
        println!("cargo:rerun-if-env-changed=STRIPE_IDENTITY_API_VERSION");
        for input in self.inputs() {
            println!("cargo:rerun-if-changed={}", input.display());
        }
    }

    /// The files a build depends on: the spec, and the manifest beside it when there is one
    /// (Cargo reruns a build script on every build while a watched file is missing).
    pub fn inputs(&self) -> Vec<PathBuf> {
        let manifest = manifest_path(&self.spec);
        let mut inputs = vec![self.spec.clone()];
        if manifest.exists() {
            inputs.push(manifest);
        }
        inputs
    }

    /// Where the API version comes from: the override, the manifest beside the spec, or a real
    /// `info.version` (npm copies overwrite it with a timestamp).
    fn resolve_api_version(&self, spec: &Spec) -> Result<String, Error> {
        if let Some(version) = &self.api_version {
            return Ok(version.clone());
        }
        if let Some(version) = read_manifest(&self.spec)? {
            return Ok(version);
        }
        match &spec.info_version {
            Some(v) if is_api_version(v) => Ok(v.clone()),
            other => Err(Error::at(
                "#/info/version",
                format!(
                    "cannot tell the Stripe API version: info.version is {other:?}, not YYYY-MM-DD, no manifest.json beside the spec names this file, and STRIPE_IDENTITY_API_VERSION is not set"
                ),
            )),
        }
    }
}

/// Writes `text` unless the file already holds it (an unchanged file does not trigger rebuilds).
fn write_if_changed(target: &Path, text: &str) -> Result<(), Error> {
    if std::fs::read_to_string(target).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(target, text).map_err(|e| Error::msg(format!("cannot write {}: {e}", target.display())))
}

/// The manifest that records the API version of a vendored spec.
pub fn manifest_path(spec: &Path) -> PathBuf {
    spec.with_file_name("manifest.json")
}

/// One spec's entry in a manifest.
#[derive(serde::Deserialize)]
struct ManifestEntry {
    spec: String,
    api_version: String,
}

/// A manifest describes one spec, or (a list) every spec of its folder.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Manifest {
    One(ManifestEntry),
    Many(Vec<ManifestEntry>),
}

/// The API version from `manifest.json` beside the spec, if that manifest describes this file.
fn read_manifest(spec: &Path) -> Result<Option<String>, Error> {
    let path = manifest_path(spec);
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(None) };
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| Error::msg(format!("invalid manifest: {e}")).in_file(&path))?;
    let entries = match manifest {
        Manifest::One(entry) => vec![entry],
        Manifest::Many(entries) => entries,
    };
    let file_name = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let Some((i, entry)) = entries.iter().enumerate().find(|(_, e)| e.spec == file_name) else { return Ok(None) };
    if !is_api_version(&entry.api_version) {
        let pointer = if entries.len() > 1 { format!("#/{i}/api_version") } else { "#/api_version".to_string() };
        return Err(Error::at(pointer, format!("`{}` is not a Stripe API version", entry.api_version)).in_file(&path));
    }
    Ok(Some(entry.api_version.clone()))
}

/// `2022-11-15`, or `2024-09-30.acacia`.
pub fn is_api_version(v: &str) -> bool {
    let (date, name) = v.split_once('.').map_or((v, None), |(d, n)| (d, Some(n)));
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = date.split('-').collect();
    let date_ok = parts.len() == 3 && digits(parts[0], 4) && digits(parts[1], 2) && digits(parts[2], 2);
    date_ok && name.is_none_or(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::is_api_version;

    #[test]
    fn api_versions_are_dates_with_an_optional_name() {
        assert!(is_api_version("2022-11-15"));
        assert!(is_api_version("2024-09-30.acacia"));
        assert!(!is_api_version("Wed Oct 15 2025 13:53:19 GMT+0000"));
        assert!(!is_api_version("2022-11-1"));
        assert!(!is_api_version("2022-11-15."));
    }
}
