//! Stripe's error messages as `Display` and `Debug` show them: Stripe's words about the request,
//! without the values it quotes back from it.
//!
//! A message can echo what the caller sent: an id (`No such customer: 'cus_…'`), an email
//! (`Invalid email address: jenny@…`), a key (`Invalid API Key provided: sk_test_…`). The rule,
//! applied in this order, keeps the sentence and hides the values:
//!
//! 1. A span in single or double quotes (`'…'`, `"…"`, `‘…’`, `“…”`) is a value: `'[redacted]'`,
//!    unless it is the error's own `param`, which is shown anyway.
//! 2. A span in backticks stays when it is a name (letters, `_`, `.`, brackets, digits only as
//!    an `[index]`): Stripe and the fake quote parameters and enum values that way
//!    (`` `requires_input` ``); any other backtick span is a value.
//! 3. After `Invalid <kind>: ` where the kind is one of the value kinds Stripe names there
//!    (`integer`, `email address`, `API Key provided`…), the rest is the value.
//! 4. Any other word that holds more than four digits or a digit and an `_`, an `@`, or `://`
//!    (but for a link to Stripe's own `stripe.com` pages), or starts as a key does (`sk_`, `rk_`,
//!    `pk_`, `whsec_`), is a value: ids, emails, phone numbers, dates, URLs, keys. Counts,
//!    limits, years and names such as `UTF-8` stay.
//!
//! The result is bounded: [`MAX_SHOWN_CHARS`] characters at most, then `…`.

/// The most characters of one Stripe string (message, code, param) that `Display` prints.
pub const MAX_SHOWN_CHARS: usize = 500;

const REDACTED: &str = "[redacted]";

/// The kinds after which `Invalid <kind>: ` is followed by the caller's value.
const VALUE_KINDS: &[&str] = &[
    "integer",
    "decimal",
    "float",
    "number",
    "boolean",
    "string",
    "timestamp",
    "email",
    "email address",
    "url",
    "URL",
    "phone number",
    "currency",
    "country",
    "date",
    "hash",
    "API Key provided",
];

/// `message` with every value it quotes back replaced by `[redacted]`, at most
/// [`MAX_SHOWN_CHARS`] characters long; `param` is the error's own parameter, if any.
pub fn shown(message: &str, param: Option<&str>) -> String {
    bounded(&scrub(message, param))
}

/// A Stripe string that quotes nothing back (a code, a param), cut to [`MAX_SHOWN_CHARS`].
pub fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

fn scrub(message: &str, param: Option<&str>) -> String {
    if let Some((head, _)) = invalid_value(message) {
        return format!("{head}{REDACTED}");
    }
    let mut out = String::with_capacity(message.len());
    let mut word = String::new();
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        let close = match c {
            // An apostrophe inside a word (`card's`) opens nothing.
            '\'' if word.chars().all(|ch| matches!(ch, '(' | '[' | '{')) => Some('\''),
            '"' => Some('"'),
            '‘' => Some('’'),
            '“' => Some('”'),
            '`' => Some('`'),
            _ => None,
        };
        match close {
            Some(close) => {
                let span: String = chars.by_ref().take_while(|&ch| ch != close).collect();
                flush(&mut word, &mut out);
                let kept = if close == '`' { is_name(&span) } else { Some(span.as_str()) == param };
                out.push(c);
                out.push_str(if kept { &span } else { REDACTED });
                out.push(close);
            }
            None if c.is_whitespace() => {
                flush(&mut word, &mut out);
                out.push(c);
            }
            None => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `("Invalid integer: ", value)` for a message of Stripe's `Invalid <kind>: <value>` form.
fn invalid_value(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("Invalid ")?;
    let (kind, _) = rest.split_once(": ")?;
    VALUE_KINDS.contains(&kind).then(|| message.split_at("Invalid ".len() + kind.len() + 2))
}

/// Appends a word, or `[redacted]` when it is a value, keeping its surrounding punctuation.
fn flush(word: &mut String, out: &mut String) {
    if word.is_empty() {
        return;
    }
    let core_start = word.find(|c: char| !matches!(c, '(' | '<')).unwrap_or(word.len());
    let core_end = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '>']).len().max(core_start);
    let (lead, core, trail) = (&word[..core_start], &word[core_start..core_end], &word[core_end..]);
    out.push_str(lead);
    out.push_str(if is_value(core) { REDACTED } else { core });
    out.push_str(trail);
    word.clear();
}

fn is_value(word: &str) -> bool {
    let digits = word.chars().filter(char::is_ascii_digit).count();
    // A count, a limit, a year or a name such as `UTF-8`; ids carry `_` and more digits.
    let few_digits = digits <= 4 && !word.contains('_');
    let link = word.contains("://");
    (digits > 0 && !few_digits && !(link && is_stripe_link(word)))
        || word.contains('@')
        || (link && !is_stripe_link(word))
        || ["sk_", "rk_", "pk_", "whsec_"].iter().any(|prefix| word.starts_with(prefix))
}

/// A link to Stripe's own pages (`https://stripe.com/docs/testing`, `https://support.stripe.com/`).
fn is_stripe_link(word: &str) -> bool {
    let Some(rest) = word.strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    host == "stripe.com" || host.ends_with(".stripe.com")
}

/// A parameter or enum name: `requires_input`, `options[document][allowed_types][0]`.
fn is_name(span: &str) -> bool {
    let mut depth = 0;
    !span.is_empty()
        && span.chars().all(|c| match c {
            '[' => {
                depth += 1;
                true
            }
            ']' => {
                depth -= 1;
                true
            }
            '0'..='9' => depth > 0,
            c => c.is_ascii_alphabetic() || c == '_' || c == '.',
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stay_and_values_go() {
        let shown = |message: &str| shown(message, Some("type"));
        assert_eq!(shown("No such customer: 'cus_123'"), "No such customer: '[redacted]'");
        assert_eq!(shown("Invalid email address: jenny@example"), "Invalid email address: [redacted]");
        assert_eq!(
            shown("Invalid type: must be one of document or id_number"),
            "Invalid type: must be one of document or id_number"
        );
        assert_eq!(
            shown("status `requires_input`; vs_1Mw has `x y`."),
            "status `requires_input`; [redacted] has `[redacted]`."
        );
        assert_eq!(shown("between 1 and 100 (got 100000)"), "between 1 and 100 (got [redacted])");
        assert_eq!(shown("must be UTF-8; metadata[a@b.c] x"), "must be UTF-8; [redacted] x");
        assert_eq!(shown("it's 'type', see https://stripe.com/docs."), "it's 'type', see https://stripe.com/docs.");
        assert_eq!(shown("see https://stripe.com.evil/x"), "see [redacted]");
    }

    #[test]
    fn the_result_is_bounded() {
        let long = "a".repeat(1_000_000);
        assert_eq!(shown(&long, None).chars().count(), MAX_SHOWN_CHARS + 1);
        assert_eq!(bounded("é".repeat(600).as_str()).chars().count(), MAX_SHOWN_CHARS + 1);
    }
}
