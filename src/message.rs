//! Stripe's error messages as `Display` and `Debug` show them: Stripe's words about the request,
//! without the values it quotes back from it.
//!
//! A message can echo what the caller sent: an id (`No such customer: 'cus_…'`), an email
//! (`Invalid email address: jenny@…`), a key (`Invalid API Key provided: sk_test_…`). The rule,
//! applied in this order, keeps the sentence and hides the values:
//!
//! 1. A span in quotes (`'…'`, `"…"`, `‘…’`, `“…”`, `„…“`, `«…»`) is a value: `'[redacted]'`;
//!    unless it is the error's own `param`, shown as words are (rule 4).
//! 2. A span in backticks stays when it is a name (letters, `_`, `.`, brackets, digits only as
//!    an `[index]`): Stripe and the fake quote parameters and enum values that way
//!    (`` `requires_input` ``); any other backtick span is a value.
//! 3. After `Invalid <kind>: ` where the kind is one Stripe echoes a value after (`integer`,
//!    `email address`, `phone number for …`, `API Key provided`…), the value runs to `; ` or the
//!    end; Stripe's own explanation (`Invalid timestamp: must be …`) stays.
//! 4. A word is a value when it holds more than four digits, or a digit and an `_` (ids), or
//!    starts with `+` and a digit (phones) or `/` (a request path), or holds `@` or `://` (but for links to
//!    `stripe.com`, `docs.stripe.com`, `support.stripe.com`), or starts as a key does (`sk_`,
//!    `rk_`, `pk_`, `whsec_`); and two or more digit-holding words in a row are one value
//!    (`415 555 0100`, an IBAN's groups). Counts, limits, years and names such as `UTF-8` stay.
//!
//! What no rule can tell from Stripe's words is an unquoted value without digits (a name Stripe
//! would echo bare); Stripe quotes what it echoes, and so does the fake.
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

/// One piece of a message: a quoted span, a word, or the white space between words.
enum Token {
    Quoted { open: char, span: String, close: char },
    Word(String),
    Space(char),
}

fn scrub(message: &str, param: Option<&str>) -> String {
    // Only what can be shown is read: a body of megabytes is not copied on every format.
    let message = match message.char_indices().nth(2 * MAX_SHOWN_CHARS) {
        Some((end, _)) => &message[..end],
        None => message,
    };
    if let Some((head, rest)) = invalid_value(message) {
        // The value runs to Stripe's `; ` (`Invalid string: …; must be at most 40 characters`).
        return match rest.split_once("; ") {
            Some((_, why)) => format!("{head}{REDACTED}; {}", scrub(why, param)),
            None => format!("{head}{REDACTED}"),
        };
    }
    let tokens = tokenize(message);
    let mut values: Vec<bool> = tokens
        .iter()
        .map(|token| match token {
            Token::Quoted { close: '`', span, .. } => !is_name(span),
            Token::Quoted { span, .. } => Some(span.as_str()) != param,
            Token::Word(word) => is_value(core(word).1),
            Token::Space(_) => false,
        })
        .collect();
    // Numbers in groups (`+1 415 555 0100`, an IBAN) are one value, though each group is short.
    let words: Vec<usize> = (0..tokens.len()).filter(|&i| matches!(tokens[i], Token::Word(_))).collect();
    for pair in words.windows(2) {
        let digits = |i: usize| matches!(&tokens[i], Token::Word(w) if w.chars().any(|c| c.is_ascii_digit()));
        let adjacent = tokens[pair[0] + 1..pair[1]].iter().all(|t| matches!(t, Token::Space(_)));
        if adjacent && digits(pair[0]) && digits(pair[1]) {
            values[pair[0]] = true;
            values[pair[1]] = true;
        }
    }
    let mut out = String::with_capacity(message.len());
    for (token, value) in tokens.iter().zip(values) {
        match token {
            Token::Quoted { open, span, close } => {
                out.push(*open);
                // The error's own `param`, shown as a word would be.
                out.push_str(&if value {
                    REDACTED.to_string()
                } else if *close == '`' {
                    span.clone()
                } else {
                    scrub(span, None)
                });
                out.push(*close);
            }
            Token::Word(word) => {
                let (lead, word_core, trail) = core(word);
                out.push_str(lead);
                out.push_str(if value { REDACTED } else { word_core });
                out.push_str(trail);
            }
            Token::Space(c) => out.push(*c),
        }
    }
    out
}

/// Splits a message into quoted spans, words and spaces. A quote opens a span at the start of
/// a word or after `(`, `[`, `{`, `=` or `:`; an apostrophe inside a word (`card's`) opens none.
/// A span that never closes runs to the end.
fn tokenize(message: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        let at_start = word.chars().last().is_none_or(|last| matches!(last, '(' | '[' | '{' | '=' | ':'));
        let close = match c {
            '\'' if at_start => Some('\''),
            '"' => Some('"'),
            '‘' => Some('’'),
            '“' => Some('”'),
            '„' => Some('“'),
            '«' => Some('»'),
            '`' => Some('`'),
            _ => None,
        };
        if let Some(close) = close {
            let span: String = chars.by_ref().take_while(|&ch| ch != close).collect();
            if !word.is_empty() {
                tokens.push(Token::Word(std::mem::take(&mut word)));
            }
            tokens.push(Token::Quoted { open: c, span, close });
        } else if c.is_whitespace() {
            if !word.is_empty() {
                tokens.push(Token::Word(std::mem::take(&mut word)));
            }
            tokens.push(Token::Space(c));
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        tokens.push(Token::Word(word));
    }
    tokens
}

/// `("Invalid integer: ", value…)` for a message of Stripe's `Invalid <kind>: <value>` form,
/// unless what follows is Stripe's own explanation (`Invalid timestamp: must be …`).
fn invalid_value(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("Invalid ")?;
    let (kind, value) = rest.split_once(": ")?;
    let explained = ["must ", "expected "].iter().any(|start| value.starts_with(start));
    let kind_of_value = VALUE_KINDS.iter().any(|known| kind == *known || kind.starts_with(&format!("{known} ")));
    (kind_of_value && !explained).then(|| message.split_at("Invalid ".len() + kind.len() + 2))
}

/// A word as `(leading punctuation, core, trailing punctuation)`.
fn core(word: &str) -> (&str, &str, &str) {
    let start = word.find(|c: char| !matches!(c, '(' | '<')).unwrap_or(word.len());
    let end = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '>']).len().max(start);
    (&word[..start], &word[start..end], &word[end..])
}

fn is_value(word: &str) -> bool {
    // An array index in a parameter path (`allowed_types][0]`) is no value.
    let digits = without_indices(word).chars().filter(char::is_ascii_digit).count();
    // A count, a limit, a year or a name such as `UTF-8`; ids carry `_` and more digits, and a
    // phone number starts with `+`.
    let few_digits = digits <= 4 && !word.contains('_') && !word.starts_with('+');
    let link = word.contains("://");
    (digits > 0 && !few_digits && !(link && is_stripe_link(word)))
        || word.contains('@')
        || word.starts_with('/')
        || (link && !is_stripe_link(word))
        || ["sk_", "rk_", "pk_", "whsec_"].iter().any(|prefix| word.starts_with(prefix))
}

/// `word` without its `[0]`-style index segments.
fn without_indices(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut rest = word;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) if close > 0 && after[..close].bytes().all(|b| b.is_ascii_digit()) => {
                rest = &after[close + 1..]
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A link to Stripe's documentation or support pages (`https://stripe.com/docs/testing`,
/// `https://support.stripe.com/`); other hosts, Stripe's own included (a session's
/// `verify.stripe.com` link), are values.
fn is_stripe_link(word: &str) -> bool {
    let Some(rest) = word.strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    matches!(host, "stripe.com" | "docs.stripe.com" | "support.stripe.com")
}

/// A parameter or enum name: `requires_input`, `options[document][allowed_types][0]`.
fn is_name(span: &str) -> bool {
    let mut depth = 0i64;
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
        assert_eq!(shown("it's 'type', see https://stripe.com/docs."), "it's 'type', see https://stripe.com/docs.");
        assert_eq!(
            shown("see https://stripe.com.evil/x or https://verify.stripe.com/start/x"),
            "see [redacted] or [redacted]"
        );
        assert_eq!(shown("must be UTF-8; metadata[a@b.c] x"), "must be UTF-8; [redacted] x");
        assert_eq!(
            shown("unknown: options[document][allowed_types][0]"),
            "unknown: options[document][allowed_types][0]"
        );
        assert_eq!(shown("unknown: metadata[vs_12345][0]"), "unknown: [redacted]");
    }

    #[test]
    fn values_hidden_in_other_shapes_go_too() {
        let shown = |message: &str| shown(message, Some("metadata[jenny@example.com]"));
        assert_eq!(
            shown("Invalid phone number for phone: +1 415 555 0100"),
            "Invalid phone number for phone: [redacted]"
        );
        assert_eq!(shown("call +1 415 555 0100 now"), "call [redacted] [redacted] [redacted] [redacted] now");
        assert_eq!(shown("IBAN DE89 3704 0044 0532 is bad"), "IBAN [redacted] [redacted] [redacted] [redacted] is bad");
        assert_eq!(shown("name='Jenny Rosen' or name:'Jenny'"), "name='[redacted]' or name:'[redacted]'");
        assert_eq!(shown("«Jenny» and „Jenny Rosen“"), "«[redacted]» and „[redacted]“");
        assert_eq!(shown("for 'metadata[jenny@example.com]'"), "for '[redacted]'", "the param, scrubbed");
        assert_eq!(
            shown("Invalid string: Jenny Ro...; must be at most 40 characters"),
            "Invalid string: [redacted]; must be at most 40 characters"
        );
        assert_eq!(
            shown("Invalid timestamp: must be an integer Unix timestamp."),
            "Invalid timestamp: must be an integer Unix timestamp."
        );
        assert_eq!(shown("'never closed Jenny"), "'[redacted]'");
        assert_eq!(
            shown("Unrecognized request URL (GET: /v1/customers/jenny.rosen)."),
            "Unrecognized request URL (GET: [redacted])."
        );
    }

    #[test]
    fn the_result_is_bounded() {
        let long = "a".repeat(1_000_000);
        assert_eq!(shown(&long, None).chars().count(), MAX_SHOWN_CHARS + 1);
        assert_eq!(bounded("é".repeat(600).as_str()).chars().count(), MAX_SHOWN_CHARS + 1);
    }
}
