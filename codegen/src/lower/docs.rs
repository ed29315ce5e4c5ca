//! Spec descriptions (HTML and Markdown mixed) → rustdoc Markdown that builds without warnings
//! and holds no doctest.

/// Where Stripe's relative links point: its docs site, where `/api/…`, `/payments/…` and the
/// old `/docs/…` paths all live (the latter without their `/docs` prefix).
const DOCS_ORIGIN: &str = "https://docs.stripe.com";

/// Converts one description.
pub fn to_rustdoc(description: &str) -> String {
    let markdown = html_to_markdown(description);
    let markdown = escape_outside_code(&markdown);
    reflow(&markdown)
}

/// Replaces the HTML tags Stripe uses with Markdown; unknown tags are dropped, a `<` that opens
/// no tag becomes `&lt;`.
fn html_to_markdown(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut href_stack: Vec<String> = Vec::new();
    let mut rest = input;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let Some(tag) = parse_tag(rest) else {
            out.push_str("&lt;");
            rest = &rest[1..];
            continue;
        };
        rest = &rest[tag.len..];
        match (tag.name.as_str(), tag.closing) {
            ("p" | "div", _) => out.push_str("\n\n"),
            ("br", _) => out.push('\n'),
            ("code" | "tt", _) => out.push('`'),
            ("strong" | "b", _) => out.push_str("**"),
            ("em" | "i", _) => out.push('*'),
            ("ul" | "ol", _) => out.push_str("\n\n"),
            ("li", false) => out.push_str("\n- "),
            ("a", false) => {
                href_stack.push(tag.href.unwrap_or_default());
                out.push('[');
            }
            ("a", true) => {
                let href = href_stack.pop().unwrap_or_default();
                out.push_str(&format!("]({})", absolute(&href)));
            }
            _ => {}
        }
    }
    out.push_str(rest);
    // Markdown links written as such in the spec.
    let mut linked = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("](/") {
        linked.push_str(&rest[..at + 2]);
        rest = &rest[at + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        linked.push_str(&absolute(&rest[..end]));
        rest = &rest[end..];
    }
    linked.push_str(rest);
    linked
}

struct Tag {
    name: String,
    closing: bool,
    href: Option<String>,
    len: usize,
}

/// Parses `<name ...>` or `</name>` at the start of `s`.
fn parse_tag(s: &str) -> Option<Tag> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name: String = inner.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let known = ["p", "div", "br", "code", "tt", "strong", "b", "em", "i", "ul", "ol", "li", "a", "span", "pre"];
    if !known.contains(&name.to_ascii_lowercase().as_str()) {
        return None;
    }
    let rest = &inner[name.len()..];
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace) || rest.starts_with('/')) {
        return None;
    }
    let href = rest.find("href=\"").and_then(|i| {
        let value = &rest[i + 6..];
        value.find('"').map(|j| value[..j].to_string())
    });
    Some(Tag { name: name.to_ascii_lowercase(), closing, href, len: end + 1 })
}

/// A link target as a full URL: `/docs/identity` → `https://docs.stripe.com/identity`,
/// `/api/metadata` → `https://docs.stripe.com/api/metadata`; full URLs stay as they are.
fn absolute(href: &str) -> String {
    match href.strip_prefix("/docs/").or_else(|| href.strip_prefix('/')) {
        Some(path) if href.starts_with('/') && !href.starts_with("//") => format!("{DOCS_ORIGIN}/{path}"),
        _ => href.to_string(),
    }
}

/// Outside code spans: escapes `[x]` that is no link (rustdoc would take it for an intra-doc
/// link) and wraps bare URLs in `<>`. Code fences become `text` blocks so they never run as doctests.
fn escape_outside_code(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            if starts_with(&chars, i, "```") {
                out.push_str("```");
                i += 3;
                if !in_code && !chars.get(i).is_some_and(|c| c.is_alphanumeric()) {
                    out.push_str("text");
                }
                in_code = !in_code;
                continue;
            }
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                if let Some(close) = find_link_close(&chars, i) {
                    // A Markdown link: copy it whole.
                    out.extend(&chars[i..close]);
                    i = close;
                } else {
                    out.push_str("\\[");
                    i += 1;
                }
            }
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            'h' if starts_with(&chars, i, "https://") || starts_with(&chars, i, "http://") => {
                let end = (i..chars.len())
                    .find(|&j| chars[j].is_whitespace() || matches!(chars[j], ')' | '"' | '<' | '>' | ','))
                    .unwrap_or(chars.len());
                let mut url: String = chars[i..end].iter().collect();
                let trailing = if url.ends_with('.') { url.pop() } else { None };
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.extend(trailing);
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    if in_code {
        out.push('`');
    }
    out
}

fn starts_with(chars: &[char], at: usize, pattern: &str) -> bool {
    pattern.chars().enumerate().all(|(k, p)| chars.get(at + k) == Some(&p))
}

/// For `[text](url)` starting at `open`, the index just past `)`.
fn find_link_close(chars: &[char], open: usize) -> Option<usize> {
    let close_bracket = (open + 1..chars.len()).find(|&j| chars[j] == ']' || chars[j] == '[')?;
    if chars[close_bracket] != ']' || chars.get(close_bracket + 1) != Some(&'(') {
        return None;
    }
    let close_paren = (close_bracket + 2..chars.len()).find(|&j| chars[j] == ')' || chars[j].is_whitespace())?;
    (chars[close_paren] == ')').then_some(close_paren + 1)
}

/// Joins hard-wrapped lines, keeps paragraphs and list items, strips indentation (an indented
/// line would be a code block, and so a doctest).
fn reflow(input: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    for block in input.split("\n\n") {
        let mut lines: Vec<String> = Vec::new();
        let mut in_fence = false;
        for line in block.lines().map(str::trim) {
            if line.is_empty() {
                continue;
            }
            if line.starts_with("```") {
                in_fence = !in_fence;
                lines.push(line.to_string());
                continue;
            }
            let starts_item = line.starts_with("- ") || line.starts_with("* ");
            match lines.last_mut() {
                Some(last) if !in_fence && !starts_item && !last.starts_with("```") => {
                    last.push(' ');
                    last.push_str(line);
                }
                _ => lines.push(line.to_string()),
            }
        }
        if !lines.is_empty() {
            paragraphs.push(lines.join("\n"));
        }
    }
    paragraphs.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::to_rustdoc;

    #[test]
    fn html_becomes_markdown_with_absolute_links() {
        let html = "<p>Display the <code>client_secret</code>.</p>\n\n<p>Related guide: <a href=\"/docs/identity/verify\">Verify</a>.</p>";
        assert_eq!(
            to_rustdoc(html),
            "Display the `client_secret`.\n\nRelated guide: [Verify](https://docs.stripe.com/identity/verify)."
        );
        assert_eq!(
            to_rustdoc("[pairs](/api/metadata), [SCA](/strong-customer-authentication) and [x](https://stripe.com/y)"),
            "[pairs](https://docs.stripe.com/api/metadata), [SCA](https://docs.stripe.com/strong-customer-authentication) and [x](https://stripe.com/y)"
        );
    }

    #[test]
    fn hard_wraps_are_joined_and_indentation_dropped() {
        assert_eq!(to_rustdoc("<p>one\n    two</p>"), "one two");
    }

    #[test]
    fn brackets_and_urls_are_made_safe_for_rustdoc() {
        assert_eq!(to_rustdoc("replaced by [redacted] or `[x]`"), "replaced by \\[redacted\\] or `[x]`");
        assert_eq!(to_rustdoc("see https://stripe.com/docs."), "see <https://stripe.com/docs>.");
        assert_eq!(
            to_rustdoc("[pairs](https://stripe.com/docs/api/metadata)"),
            "[pairs](https://stripe.com/docs/api/metadata)"
        );
        assert_eq!(to_rustdoc("a <b> List<T>"), "a ** List&lt;T>");
    }

    #[test]
    fn code_fences_never_become_doctests() {
        assert_eq!(to_rustdoc("x\n\n```\ncurl\n```"), "x\n\n```text\ncurl\n```");
    }
}
