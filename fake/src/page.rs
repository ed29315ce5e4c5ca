//! The hosted verification page behind a session's `url`, and the Stripe.js stand-in
//! (`/_fake/stripe.js`) whose `verifyIdentity(clientSecret)` opens the same page in a modal.
//! Plain server-rendered HTML with a little CSS: no build step, no script on the hosted page,
//! nothing loaded from elsewhere (a `Content-Security-Policy` says so to the browser). As at
//! Stripe, no key is needed: the URL, or the client secret, is the credential, and it is
//! single-use.
//!
//! Each outcome is a button (one tab stop each, in the order shown): verify, fail with one of
//! the spec's `last_error.code` values (those whose prefix names a check the session runs, and
//! those with no check prefix), or leave without finishing. Submitting drives the same
//! lifecycle as `fake.verify` / `fake.fail`, then redirects to the session's `return_url` (or
//! shows the result); the modal tells the page that opened it instead.

use serde_json::Value;

use crate::answer::{Answer, StripeError};
use crate::control;
use crate::form;
use crate::lifecycle;
use crate::reports;
use crate::shared::Shared;
use crate::table::session_shape;

/// The checks a code can be prefixed with.
const CHECKS: [&str; 5] = ["document", "id_number", "selfie", "email", "phone"];

/// What the browser can ask for: `Some` for the page's and the script's routes.
pub fn route(shared: &Shared, method: &str, path: &str, query: &str, body: &[u8]) -> Option<Answer> {
    if path.starts_with("/start/") {
        let url = format!("{}{path}", shared.base_url);
        return Some(match method {
            "GET" => show(shared, "url", &url, Mode::Hosted),
            "POST" => submit(shared, "url", &url, body, Mode::Hosted),
            _ => not_allowed(Mode::Hosted, shared),
        });
    }
    if path == "/_fake/stripe.js" && method == "GET" {
        return Some(Answer::text(200, "text/javascript; charset=utf-8", STRIPE_JS.to_string()));
    }
    if let Some(secret) = path.strip_prefix("/_fake/modal/") {
        let secret = percent_encoding::percent_decode_str(secret).decode_utf8_lossy().into_owned();
        // The page that opened the modal, which alone hears its result.
        let opener = form::pairs(query).into_iter().find(|(k, _)| k == "origin").map(|(_, v)| v);
        let Some(opener) = opener.filter(|o| is_origin(o)) else {
            return Some(html(
                400,
                "Not done",
                "<h1>Not done</h1><p>Open this page with Stripe.js's verifyIdentity.</p>",
                None,
                "*",
            ));
        };
        let mode = Mode::Modal(opener);
        return Some(match method {
            "GET" => show(shared, "client_secret", &secret, mode),
            "POST" => submit(shared, "client_secret", &secret, body, mode),
            _ => not_allowed(mode, shared),
        });
    }
    None
}

/// `http(s)://host[:port]` and nothing more.
fn is_origin(text: &str) -> bool {
    reqwest::Url::parse(text).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.path() == "/" && url.query().is_none() && !text.ends_with('/')
    })
}

#[derive(Clone, PartialEq)]
enum Mode {
    /// The page behind `url`: redirects to `return_url` when done.
    Hosted,
    /// Inside Stripe.js's modal: tells the opener (this origin) when done.
    Modal(String),
}

fn not_allowed(mode: Mode, shared: &Shared) -> Answer {
    match mode {
        Mode::Hosted => html(405, "Not allowed", "<p>This page takes GET and POST only.</p>", None, "'none'"),
        Mode::Modal(opener) => {
            modal_result(shared, &opener, Some(("invalid_request", "The modal takes GET and POST only.")))
        }
    }
}

/// The outcomes the page offers for a session: `(value, label)`.
fn outcomes(session: &Value) -> Vec<(String, String)> {
    let checks = reports::checks(session);
    let codes = session_shape()
        .field("last_error")
        .and_then(|f| f.shape.field("code"))
        .and_then(|f| f.shape.enum_values())
        .unwrap_or(&[]);
    let offered =
        codes.iter().filter(|code| match CHECKS.iter().find(|check| code.starts_with(&format!("{check}_"))) {
            Some(check) => checks.contains(check),
            None => true,
        });
    let mut outcomes = vec![("verify".to_string(), "Verify: every check passes".to_string())];
    outcomes.extend(offered.map(|code| (format!("fail:{code}"), format!("Fail with {code}"))));
    outcomes.push(("leave".to_string(), "Leave without finishing".to_string()));
    outcomes
}

/// The page for the session whose `field` is `value`, or the expired-link page.
fn show(shared: &Shared, field: &str, value: &str, mode: Mode) -> Answer {
    let session = {
        let mut state = shared.lock();
        let found = state.find_session(field, value);
        found.and_then(|(owner, id)| state.books(&owner).get(&id).cloned())
    };
    let Some(session) = session else { return expired(shared, &mode) };
    let kind = escape(session["type"].as_str().unwrap_or("document"));
    let checks = escape(&reports::checks(&session).join(", "));
    let buttons: String = outcomes(&session)
        .iter()
        .map(|(value, label)| {
            let (value, label) = (escape(value), escape(label));
            let id = value.replace(':', "-");
            format!("<li><button type=\"submit\" name=\"outcome\" value=\"{value}\" id=\"outcome-{id}\">{label}</button></li>")
        })
        .collect();
    // Built from the stored value, not the request.
    let action = match &mode {
        Mode::Hosted => value.strip_prefix(shared.base_url.as_str()).unwrap_or(value).to_string(),
        Mode::Modal(opener) => format!(
            "/_fake/modal/{}?origin={}",
            percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC),
            percent_encoding::utf8_percent_encode(opener, percent_encoding::NON_ALPHANUMERIC)
        ),
    };
    let body = format!(
        "<p class=\"banner\" role=\"note\" id=\"banner\">Test mode: the fake Stripe's stand-in for Stripe's verification page. \
         Nothing is collected; choose how this verification ends.</p>\
         <h1>Verify your identity</h1>\
         <p>Session type: <strong id=\"type\">{kind}</strong>. Checks it runs: <strong id=\"checks\">{checks}</strong>.</p>\
         <form method=\"post\" action=\"{}\" aria-labelledby=\"choose\">\
         <h2 id=\"choose\">Choose the outcome</h2><ul>{buttons}</ul></form>",
        escape(&action)
    );
    let framing = match mode {
        Mode::Hosted => "'none'",
        Mode::Modal(_) => "*",
    };
    html(200, "Verify your identity (test page)", &body, None, framing)
}

/// A submitted outcome: the lifecycle runs, then the browser is sent on. Only an outcome the
/// page offered for this session is taken; lookup and change happen under one lock.
fn submit(shared: &Shared, field: &str, value: &str, body: &[u8], mode: Mode) -> Answer {
    let pairs = form::pairs(&String::from_utf8_lossy(body));
    let outcome = pairs.iter().find(|(k, _)| k == "outcome").map(|(_, v)| v.clone()).unwrap_or_default();
    let mut session_id = String::new();
    let result = control::on_link(shared, field, value, |books, id| {
        session_id = id.to_string();
        let session = books.get(id).cloned().unwrap_or_default();
        if !outcomes(&session).iter().any(|(offered, _)| *offered == outcome) {
            return Err(StripeError::invalid(Some("outcome"), "Choose one of the outcomes the page offers."));
        }
        match outcome.strip_prefix("fail:") {
            _ if outcome == "verify" => lifecycle::verify(books, id),
            _ if outcome == "leave" => Ok(session),
            Some(code) => lifecycle::fail(books, id, code, &shared.base_url),
            None => Err(StripeError::invalid(Some("outcome"), "Choose one of the outcomes the page offers.")),
        }
    });
    let Some(result) = result else { return expired(shared, &mode) };
    let left = outcome == "leave";
    let return_url = shared.lock().return_url(&session_id).map(str::to_string);
    match (mode, result) {
        (Mode::Modal(opener), Err(error)) => modal_result(shared, &opener, Some(("invalid_request", &error.message))),
        (Mode::Hosted, Err(error)) => {
            html(400, "Not done", &format!("<h1>Not done</h1><p>{}</p>", escape(&error.message)), None, "'none'")
        }
        (Mode::Modal(opener), Ok(_)) if left => modal_result(
            shared,
            &opener,
            Some(("session_cancelled", "The user left the verification without finishing.")),
        ),
        (Mode::Modal(opener), Ok(_)) => modal_result(shared, &opener, None),
        (Mode::Hosted, Ok(session)) => match return_url {
            Some(url) => Answer::text(303, "text/html; charset=utf-8", String::new()).header("Location", url),
            None => {
                let status = escape(session["status"].as_str().unwrap_or("requires_input"));
                let said = if left { "You left without finishing" } else { "Submitted" };
                html(
                    200,
                    "Done",
                    &format!("<h1>{said}</h1><p>The session is now <strong id=\"status\">{status}</strong>.</p>"),
                    None,
                    "'none'",
                )
            }
        },
    }
}

/// Stripe's expired link: a used or unknown URL (or client secret) leads nowhere.
fn expired(shared: &Shared, mode: &Mode) -> Answer {
    match mode {
        Mode::Hosted => html(
            404,
            "This link has expired",
            "<h1 id=\"expired\">This link has expired</h1><p>Verification links can be used once. Ask the site that sent you for a new one.</p>",
            None,
            "'none'",
        ),
        Mode::Modal(opener) => modal_result(
            shared,
            opener,
            Some(("client_secret_invalid", "This client secret has been used or does not exist.")),
        ),
    }
}

/// The modal's last page: tells the page that opened it (and only that origin) how the flow
/// ended, with a script the policy allows by a fresh nonce.
fn modal_result(shared: &Shared, opener: &str, error: Option<(&str, &str)>) -> Answer {
    let nonce = shared.lock().token();
    let error = match error {
        Some((code, message)) => serde_json::json!({ "code": code, "message": message }),
        None => serde_json::Value::Null,
    };
    // JSON in a script: `<` escaped so no text can close the element.
    let message = serde_json::json!({ "stripeFakeIdentity": { "error": error } }).to_string().replace('<', "\\u003c");
    let target = serde_json::Value::String(opener.to_string()).to_string().replace('<', "\\u003c");
    let script = format!("<script nonce=\"{nonce}\">parent.postMessage({message}, {target});</script>");
    html(200, "Done", &format!("<p>Done.</p>{script}"), Some(&nonce), "*")
}

/// A page; `frame_ancestors` says who may frame it (`'none'` for the hosted page, `*` for the
/// modal's pages, which Stripe.js frames in the app's page).
fn html(status: u16, title: &str, body: &str, script_nonce: Option<&str>, frame_ancestors: &str) -> Answer {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <style>{STYLE}</style></head><body><main>{body}</main></body></html>"
    );
    let scripts = match script_nonce {
        Some(nonce) => format!("script-src 'nonce-{nonce}'"),
        None => "script-src 'none'".to_string(),
    };
    Answer::text(status, "text/html; charset=utf-8", page).header(
        "Content-Security-Policy",
        format!("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors {frame_ancestors}; {scripts}"),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f9fc;color:#1a1f36}\
main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}\
.banner{background:#fff8e1;border-left:4px solid #f5a623;padding:.5rem .75rem}\
ul{list-style:none;padding:0}li{margin:.5rem 0}\
button{font:inherit;width:100%;text-align:left;padding:.6rem .8rem;border:1px solid #6b7385;border-radius:6px;background:#fff;cursor:pointer}\
button:focus{outline:3px solid #635bff;outline-offset:2px}";

/// The stand-in for `https://js.stripe.com/v3/`'s Identity part: `Stripe(publishableKey)` and
/// `stripe.verifyIdentity(clientSecret)`, resolving as Stripe.js documents (a result object;
/// `error` with a `message` when the flow did not finish).
const STRIPE_JS: &str = r#"(function () {
  "use strict";
  var origin = new URL(document.currentScript.src).origin;
  function Stripe(publishableKey) {
    if (!(this instanceof Stripe)) return new Stripe(publishableKey);
    this.publishableKey = publishableKey;
  }
  Stripe.prototype.verifyIdentity = function (clientSecret) {
    return new Promise(function (resolve) {
      var opener = document.activeElement;
      var overlay = document.createElement("div");
      overlay.setAttribute("role", "dialog");
      overlay.setAttribute("aria-modal", "true");
      overlay.setAttribute("aria-label", "Identity verification");
      overlay.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;flex-direction:column;align-items:center;justify-content:center;z-index:2147483647";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close";
      close.style.cssText = "margin:.5rem;font:inherit;padding:.4rem .8rem";
      var frame = document.createElement("iframe");
      frame.title = "Identity verification (test page)";
      frame.src = origin + "/_fake/modal/" + encodeURIComponent(String(clientSecret)) + "?origin=" + encodeURIComponent(location.origin);
      frame.style.cssText = "width:min(40rem,95vw);height:min(40rem,85vh);border:0;border-radius:8px;background:#fff";
      function finish(result) {
        window.removeEventListener("message", done);
        document.removeEventListener("keydown", escape);
        overlay.remove();
        if (opener && opener.focus) opener.focus();
        resolve(result);
      }
      function done(event) {
        if (event.origin !== origin || event.source !== frame.contentWindow) return;
        if (!event.data || !event.data.stripeFakeIdentity) return;
        var error = event.data.stripeFakeIdentity.error;
        finish(error ? { error: error } : {});
      }
      function cancel() {
        finish({ error: { code: "session_cancelled", message: "The user closed the verification without finishing." } });
      }
      function escape(event) {
        if (event.key === "Escape") cancel();
      }
      close.addEventListener("click", cancel);
      window.addEventListener("message", done);
      document.addEventListener("keydown", escape);
      overlay.appendChild(close);
      overlay.appendChild(frame);
      document.body.appendChild(overlay);
      frame.focus();
    });
  };
  window.Stripe = Stripe;
})();
"#;
