//! Stripe's form encoding, read back: `a[b][0]=x&a[b][]=y&m[k]=v` → a tree of named nodes.
//! Query strings and bodies both arrive this way; both array spellings (`a[]=` and `a[0]=`) are
//! accepted, as Stripe accepts them.

use percent_encoding::percent_decode_str;

use crate::error::StripeError;

/// One parameter's value before its shape is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Value(String),
    /// Named children, in the order they first appeared; `[]` children are named `""`.
    Fields(Vec<(String, Node)>),
}

/// Parses `application/x-www-form-urlencoded` text (a query string or a body).
pub fn parse(text: &str) -> Result<Vec<(String, Node)>, StripeError> {
    let mut root = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (decode(key)?, decode(value)?);
        let path =
            segments(&key).ok_or_else(|| StripeError::invalid(None, format!("Invalid parameter name: {key}")))?;
        insert(&mut root, &path, value, &key)?;
    }
    Ok(root)
}

fn decode(text: &str) -> Result<String, StripeError> {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| StripeError::invalid(None, "Parameters must be UTF-8".to_string()))
}

/// `a[b][]` → `["a", "b", ""]`; `None` when the brackets do not pair up.
fn segments(key: &str) -> Option<Vec<&str>> {
    let (name, mut rest) = key.split_once('[').map_or((key, ""), |(name, _)| (name, &key[name.len()..]));
    if name.is_empty() {
        return None;
    }
    let mut path = vec![name];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        path.push(&inner[..end]);
        rest = &inner[end + 1..];
    }
    Some(path)
}

fn insert(fields: &mut Vec<(String, Node)>, path: &[&str], value: String, key: &str) -> Result<(), StripeError> {
    let (first, rest) = path.split_first().expect("segments returns at least the name");
    // `[]` always starts a new element; a named segment reuses the element of that name.
    let existing = if first.is_empty() { None } else { fields.iter().position(|(name, _)| name == first) };
    if rest.is_empty() {
        if existing.is_some() {
            return Err(StripeError::invalid(Some(key), format!("Received the parameter {key} more than once")));
        }
        fields.push((first.to_string(), Node::Value(value)));
        return Ok(());
    }
    let index = match existing {
        Some(i) => i,
        None => {
            fields.push((first.to_string(), Node::Fields(Vec::new())));
            fields.len() - 1
        }
    };
    match &mut fields[index].1 {
        Node::Fields(children) => insert(children, rest, value, key),
        Node::Value(_) => {
            Err(StripeError::invalid(Some(key), format!("Received both a value and nested values for {key}")))
        }
    }
}

/// The decoded `(key, value)` pairs, sorted by key, without interpreting brackets: for the
/// helper routes' flat queries and the request log's parameter names.
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

    #[test]
    fn brackets_nest_and_both_array_spellings_parse() {
        let parsed = parse("options[document][allowed_types][]=passport&options[document][allowed_types][]=id_card&expand[0]=a&m%5Bk+1%5D=v%26w").unwrap();
        assert_eq!(
            parsed,
            vec![
                (
                    "options".into(),
                    Node::Fields(vec![(
                        "document".into(),
                        Node::Fields(vec![(
                            "allowed_types".into(),
                            Node::Fields(vec![("".into(), value("passport")), ("".into(), value("id_card"))])
                        )])
                    )])
                ),
                ("expand".into(), Node::Fields(vec![("0".into(), value("a"))])),
                ("m".into(), Node::Fields(vec![("k 1".into(), value("v&w"))])),
            ]
        );
    }

    #[test]
    fn repeated_and_unpaired_keys_are_errors() {
        assert!(parse("a=1&a=2").is_err());
        assert!(parse("a[b=1").is_err());
        assert!(parse("a=1&a[b]=2").is_err());
        assert!(parse("=1").is_err());
    }
}
