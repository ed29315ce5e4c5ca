//! What a build script calls: where the spec comes from (the environment, or the dependency
//! that generated from it), writing into `OUT_DIR` without touching unchanged files, what Cargo
//! watches, and errors printed for a human before exiting.

use std::path::{Path, PathBuf};

use crate::ir::Api;
use crate::{Error, Generator, Spec, OUTPUT_FILE};

impl Generator {
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
        with_version(Generator::new(dir.join(spec)), "STRIPE_IDENTITY_API_VERSION")
    }

    /// A generator for the very spec a dependency's build script generated from, as it
    /// exported it with [`Generator::run_build_script`] (`links = "stripe-identity"`: Cargo
    /// hands it over as `DEP_STRIPE_IDENTITY_SPEC` and `DEP_STRIPE_IDENTITY_API_VERSION`).
    /// `None` outside such a build script.
    pub fn from_dependency() -> Option<Self> {
        let spec = std::env::var_os("DEP_STRIPE_IDENTITY_SPEC")?;
        Some(with_version(Generator::new(spec), "DEP_STRIPE_IDENTITY_API_VERSION"))
    }

    /// Everything a build script does: tells Cargo what to watch, writes the code into `OUT_DIR`,
    /// and exports the spec's absolute path and API version to the build scripts of packages
    /// that depend on it ([`Generator::from_dependency`]). Returns the API version generated
    /// for. On error it prints the error (file, JSON pointer, what is wrong) and exits with 1.
    pub fn run_build_script(&self) -> String {
        let (spec, api) = self.build("bindings", OUTPUT_FILE, |api| self.render(api));
        println!("cargo:spec={}", spec.display());
        println!("cargo:api_version={}", api.api_version);
        api.api_version
    }

    /// [`Generator::run_build_script`] for the tables ([`Generator::render_table`]), written to
    /// `OUT_DIR/file_name`; nothing is exported. Feature `table`.
    #[cfg(feature = "table")]
    pub fn run_table_build_script(&self, file_name: &str) {
        self.build("tables", file_name, |api| self.render_table(api));
    }

    /// The one build-script run: watch, locate, lower, render, write; or print and exit. Returns
    /// the spec's absolute path and the IR.
    fn build(&self, what: &str, file_name: &str, render: impl FnOnce(&Api) -> Result<String, Error>) -> (PathBuf, Api) {
        self.watch_inputs();
        let out_dir = std::env::var_os("OUT_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
        let result = self.locate_spec().and_then(|spec| {
            let written = Spec::read(&self.spec).and_then(|loaded| {
                let api = self.lower(&loaded)?;
                write_if_changed(&out_dir.join(file_name), &render(&api)?)?;
                Ok(api)
            });
            Ok((spec, written.map_err(|e| e.in_file(&self.spec))?))
        });
        result.unwrap_or_else(|error| {
            eprintln!("error: cannot generate the Stripe {what}: {error}");
            std::process::exit(1);
        })
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
        let manifest = crate::manifest_path(&self.spec);
        let mut inputs = vec![self.spec.clone()];
        if manifest.exists() {
            inputs.push(manifest);
        }
        inputs
    }
}

/// `generator` with the API version from environment variable `variable`, when set.
fn with_version(generator: Generator, variable: &str) -> Generator {
    match std::env::var(variable) {
        Ok(version) if !version.is_empty() => generator.api_version(version),
        _ => generator,
    }
}

/// Writes `text` unless the file already holds it (an unchanged file does not trigger rebuilds).
fn write_if_changed(target: &Path, text: &str) -> Result<(), Error> {
    if std::fs::read_to_string(target).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(target, text).map_err(|e| Error::msg(format!("cannot write {}: {e}", target.display())))
}
