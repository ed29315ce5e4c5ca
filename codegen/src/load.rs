//! Bytes → [`Spec`]: the document's outline parsed, its paths and schemas left as raw JSON.
//!
//! Stripe's spec is 2.5–6 MB; a build script runs unoptimized in every clean build, so only the
//! outline is deserialized here. Each path item and schema becomes an openapiv3 type later, when
//! the filter reaches it (module `parse`). YAML is transcoded to JSON first so that one code
//! path serves both.

use std::collections::BTreeMap;
use std::path::Path;

use openapiv3::{PathItem, ReferenceOr, Schema};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{strip_position, Error};
use crate::{parse, pointer};

/// A loaded spec: its outline, with paths and component schemas still unparsed.
#[derive(Debug)]
pub struct Spec {
    /// `info.version`: Stripe's API version, or a packager's timestamp.
    pub info_version: Option<String>,
    paths: BTreeMap<String, Box<RawValue>>,
    schemas: BTreeMap<String, Box<RawValue>>,
}

#[derive(Deserialize)]
struct Outline {
    openapi: Option<String>,
    #[serde(default)]
    info: Info,
    paths: Option<BTreeMap<String, Box<RawValue>>>,
    #[serde(default)]
    components: Components,
}

#[derive(Default, Deserialize)]
struct Info {
    version: Option<serde_json::Value>,
}

#[derive(Default, Deserialize)]
struct Components {
    #[serde(default)]
    schemas: BTreeMap<String, Box<RawValue>>,
}

/// The input format, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// `.yaml` and `.yml` are YAML; anything else is read as JSON.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => Format::Yaml,
            _ => Format::Json,
        }
    }
}

impl Spec {
    /// Parses a spec's text. Errors carry line and column for syntax errors.
    pub fn parse(text: &str, format: Format) -> Result<Spec, Error> {
        let transcoded;
        let json = match format {
            Format::Json => text,
            Format::Yaml => {
                let value: serde_json::Value = serde_yaml::from_str(text).map_err(|e| {
                    let mut error = Error::msg(format!("invalid YAML: {e}"));
                    error.position = e.location().map(|l| (l.line(), l.column()));
                    error
                })?;
                transcoded = value.to_string();
                &transcoded
            }
        };
        let outline: Outline = serde_json::from_str(json).map_err(|e| {
            let mut error = Error::msg(format!("invalid JSON: {}", strip_position(&e.to_string())));
            error.position = Some((e.line(), e.column()));
            error.pointer = Some("#".into());
            error
        })?;
        match outline.openapi.as_deref() {
            Some(v) if v.starts_with("3.") => {}
            Some(v) => return Err(Error::at("#/openapi", format!("OpenAPI version {v} is not supported (3.0.x is)"))),
            None => return Err(Error::at("#/openapi", "missing: this is not an OpenAPI 3 document")),
        }
        let paths = outline.paths.ok_or_else(|| Error::at("#/paths", "missing"))?;
        let info_version = outline.info.version.map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        });
        Ok(Spec { info_version, paths, schemas: outline.components.schemas })
    }

    /// Reads and parses a file; the format comes from its extension.
    pub fn read(path: &Path) -> Result<Spec, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::msg(format!("cannot read the spec: {e}")).in_file(path))?;
        Spec::parse(&text, Format::from_path(path)).map_err(|e| e.in_file(path))
    }

    /// Every path in the document, sorted.
    pub fn path_names(&self) -> impl Iterator<Item = &str> {
        self.paths.keys().map(String::as_str)
    }

    /// Parses one path item into openapiv3's model.
    pub fn path_item(&self, path: &str) -> Result<PathItem, Error> {
        let pointer = pointer::path(path);
        let raw = self.paths.get(path).ok_or_else(|| Error::at(&pointer, "no such path"))?;
        parse::path_item(raw.get(), &pointer)
    }

    /// Whether `#/components/schemas/NAME` exists.
    pub fn has_schema(&self, name: &str) -> bool {
        self.schemas.contains_key(name)
    }

    /// Parses one component schema into openapiv3's model.
    pub fn schema(&self, name: &str) -> Result<ReferenceOr<Schema>, Error> {
        let pointer = pointer::schema(name);
        let raw = self.schemas.get(name).ok_or_else(|| Error::at(&pointer, "no such schema"))?;
        parse::schema(raw.get(), &pointer)
    }
}
