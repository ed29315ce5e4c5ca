//! Stripe's form encoding, read back: `a[b][0]=x&a[b][]=y&m[k]=v` → a tree of named nodes.
//! Query strings and bodies both arrive this way; both array spellings (`a[]=` and `a[0]=`) are
//! accepted, as Stripe accepts them. Parsing is linear in the input (each node indexes its
//! children by name) and bounded: at most [`MAX_PARAMS`] pairs and [`MAX_DEPTH`] bracket levels.

use std::collections::HashMap;

use percent_encoding::percent_decode_str;

use crate::answer::StripeError;
use crate::limits::{MAX_DEPTH, MAX_PARAMS};

/// One parameter's value before its shape is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Value(String),
    Fields(Fields),
}

/// Named children, in the order they first appeared; `[]` children are named `""`.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    entries: Vec<(String, Node)>,
    /// Where each non-empty name sits in `entries`.
    index: HashMap<String, usize>,
}

impl PartialEq for Fields {
    fn eq(&self, other: &Fields) -> bool {
        self.entries == other.entries
    }
}

impl Fields {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The first parameter's name.
    pub fn first_name(&self) -> Option<&str> {
        self.entries.first().map(|(name, _)| name.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, Node)> {
        self.entries.iter()
    }

    fn push(&mut self, name: &str, node: Node) -> usize {
        if !name.is_empty() {
            self.index.insert(name.to_string(), self.entries.len());
        }
        self.entries.push((name.to_string(), node));
        self.entries.len() - 1
    }
}

impl IntoIterator for Fields {
    type Item = (String, Node);
    type IntoIter = std::vec::IntoIter<(String, Node)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// Parses `application/x-www-form-urlencoded` text (a query string or a body).
pub fn parse(text: &str) -> Result<Fields, StripeError> {
    let mut root = Fields::default();
    for (count, pair) in text.split('&').filter(|p| !p.is_empty()).enumerate() {
        if count == MAX_PARAMS {
            return Err(StripeError::invalid(
                None,
                format!("A request can carry at most {MAX_PARAMS} parameters (the fake's limit)."),
            ));
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (decode(key)?, decode(value)?);
        let path = segments(&key)
            .ok_or_else(|| StripeError::invalid(None, "Invalid parameter name: its brackets do not pair up."))?;
        if path.len() > MAX_DEPTH + 1 {
            return Err(StripeError::invalid(
                None,
                format!("A parameter name can nest at most {MAX_DEPTH} levels of brackets (the fake's limit)."),
            ));
        }
        insert(&mut root, &path, value, &key)?;
    }
    Ok(root)
}

fn decode(text: &str) -> Result<String, StripeError> {
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| StripeError::invalid(None, "Parameters must be UTF-8."))
}

/// `a[b][]` → `["a", "b", ""]`; `None` when the brackets do not pair up.
fn segments(key: &str) -> Option<Vec<&str>> {
    let (name, mut rest) = match key.find('[') {
        Some(at) => (&key[..at], &key[at..]),
        None => (key, ""),
    };
    if name.is_empty() {
        return None;
    }
    let mut path = vec![name];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        path.push(&inner[..end]);
        rest = &inner[end + 1..];
        if path.len() > MAX_DEPTH + 1 {
            break; // refused by the caller; no need to read the rest
        }
    }
    Some(path)
}

/// Walks down `path`, creating nodes on the way: `[]` always starts a new element, a named
/// segment reuses the element of that name.
fn insert(root: &mut Fields, path: &[&str], value: String, key: &str) -> Result<(), StripeError> {
    let (last, parents) = path.split_last().expect("segments returns at least the name");
    let mut fields = root;
    for segment in parents {
        let existing = if segment.is_empty() { None } else { fields.index.get(*segment).copied() };
        let at = match existing {
            Some(at) => at,
            None => fields.push(segment, Node::Fields(Fields::default())),
        };
        fields = match &mut fields.entries[at].1 {
            Node::Fields(children) => children,
            Node::Value(_) => {
                return Err(StripeError::invalid(
                    Some(key),
                    format!("Received both a value and nested values for {key}"),
                ))
            }
        };
    }
    if !last.is_empty() && fields.index.contains_key(*last) {
        return Err(StripeError::invalid(Some(key), format!("Received the parameter {key} more than once")));
    }
    fields.push(last, Node::Value(value));
    Ok(())
}

/// The decoded `(key, value)` pairs, sorted by key, without interpreting brackets: for the
/// control routes' flat queries and the request log's parameter names.
pub fn pairs(text: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = text
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k).unwrap_or_else(|_| k.to_string()), decode(v).unwrap_or_else(|_| v.to_string()))
        })
        .collect();
    pairs.sort();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> Node {
        Node::Value(s.to_string())
    }

    fn fields(entries: Vec<(&str, Node)>) -> Node {
        let mut out = Fields::default();
        for (name, node) in entries {
            out.push(name, node);
        }
        Node::Fields(out)
    }

    #[test]
    fn brackets_nest_and_both_array_spellings_parse() {
        let parsed = parse("options[document][allowed_types][]=passport&options[document][allowed_types][]=id_card&expand[0]=a&m%5Bk+1%5D=v%26w").unwrap();
        let expected = fields(vec![
            (
                "options",
                fields(vec![(
                    "document",
                    fields(vec![("allowed_types", fields(vec![("", value("passport")), ("", value("id_card"))]))]),
                )]),
            ),
            ("expand", fields(vec![("0", value("a"))])),
            ("m", fields(vec![("k 1", value("v&w"))])),
        ]);
        assert_eq!(Node::Fields(parsed), expected);
    }

    #[test]
    fn repeated_and_unpaired_keys_are_errors() {
        assert!(parse("a=1&a=2").is_err());
        assert!(parse("a[b=1").is_err());
        assert!(parse("a=1&a[b]=2").is_err());
        assert!(parse("a[b]=1&a[b]=2").is_err());
        assert!(parse("=1").is_err());
    }

    #[test]
    fn depth_and_count_are_bounded() {
        let deep = format!("zzz{}=1", "[a]".repeat(2000));
        let error = parse(&deep).unwrap_err();
        assert!(error.message.contains("16 levels"), "{error}");
        assert!(parse(&format!("zzz{}=1", "[a]".repeat(MAX_DEPTH))).is_ok());
        let many: Vec<String> = (0..=MAX_PARAMS).map(|n| format!("metadata[k{n}]=v")).collect();
        assert!(parse(&many.join("&")).unwrap_err().message.contains("at most 1000 parameters"));
        assert_eq!(parse(&many[..MAX_PARAMS].join("&")).unwrap().len(), 1);
    }
}
