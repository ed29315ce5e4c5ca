//! Which Stripe API version a spec is for: an override, the manifest beside the spec, or a real
//! `info.version` (npm copies overwrite it with a timestamp).

use std::path::{Path, PathBuf};

use crate::{Error, Spec};

/// The API version of `spec`, read from `path`: `explicit` when given, else the manifest, else
/// `info.version` when it is one.
pub fn resolve(explicit: Option<&str>, path: &Path, spec: &Spec) -> Result<String, Error> {
    if let Some(version) = explicit {
        return Ok(version.to_string());
    }
    if let Some(version) = read_manifest(path)? {
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
