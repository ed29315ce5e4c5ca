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
use crate::reports;
use crate::shared::Shared;
use crate::state::Scope;
use crate::table::session_shape;

/// The checks a code can be prefixed with.
const CHECKS: [&str; 5] = ["document", "id_number", "selfie", "email", "phone"];

/// What the browser can ask for: `Some` for the page's and the script's routes.
pub fn route(shared: &Shared, method: &str, path: &str, body: &[u8]) -> Option<Answer> {
    if let Some(token) = path.strip_prefix("/start/") {
        let url = format!("{}{path}", shared.base_url);
        return Some(match method {
            "GET" => show(shared, "url", &url, &format!("/start/{token}"), Mode::Hosted),
            "POST" => submit(shared, "url", &url, body, Mode::Hosted),
            _ => not_allowed(),
        });
    }
    if path == "/_fake/stripe.js" && method == "GET" {
        return Some(Answer::text(200, "text/javascript; charset=utf-8", STRIPE_JS.to_string()));
    }
    if let Some(secret) = path.strip_prefix("/_fake/modal/") {
        let secret = percent_encoding::percent_decode_str(secret).decode_utf8_lossy().into_owned();
        return Some(match method {
            "GET" => show(shared, "client_secret", &secret, path, Mode::Modal),
            "POST" => submit(shared, "client_secret", &secret, body, Mode::Modal),
            _ => not_allowed(),
        });
    }
    None
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// The page behind `url`: redirects to `return_url` when done.
    Hosted,
    /// Inside Stripe.js's modal: tells the opener when done.
    Modal,
}

fn not_allowed() -> Answer {
    html(405, "Not allowed", "<p>This page takes GET and POST only.</p>", None)
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
fn show(shared: &Shared, field: &str, value: &str, action: &str, mode: Mode) -> Answer {
    let session = {
        let mut state = shared.lock();
        let Some((owner, id)) = state.find_session(field, value) else { return expired(mode) };
        state.books(&owner).get(&id).cloned()
    };
    let Some(session) = session else { return expired(mode) };
    let kind = session["type"].as_str().unwrap_or("document");
    let checks = reports::checks(&session).join(", ");
    let buttons: String = outcomes(&session)
        .iter()
        .map(|(value, label)| {
            let id = format!("outcome-{}", value.replace(':', "-"));
            format!("<li><button type=\"submit\" name=\"outcome\" value=\"{value}\" id=\"{id}\">{label}</button></li>")
        })
        .collect();
    let body = format!(
        "<p class=\"banner\" role=\"note\">Test mode: the fake Stripe's stand-in for Stripe's verification page. \
         Nothing is collected; choose how this verification ends.</p>\
         <h1>Verify your identity</h1>\
         <p>Session type: <strong id=\"type\">{kind}</strong>. Checks it runs: <strong id=\"checks\">{checks}</strong>.</p>\
         <form method=\"post\" action=\"{action}\" aria-labelledby=\"choose\">\
         <h2 id=\"choose\">Choose the outcome</h2><ul>{buttons}</ul></form>"
    );
    html(200, "Verify your identity (test page)", &body, None)
}

/// A submitted outcome: the lifecycle runs, then the browser is sent on.
fn submit(shared: &Shared, field: &str, value: &str, body: &[u8], mode: Mode) -> Answer {
    let Some((owner, id)) = shared.lock().find_session(field, value) else { return expired(mode) };
    let pairs = form::pairs(&String::from_utf8_lossy(body));
    let outcome = pairs.iter().find(|(k, _)| k == "outcome").map(|(_, v)| v.as_str()).unwrap_or_default();
    let scope = Scope::One(owner);
    let result = match outcome {
        "verify" => control::verify(shared, &scope, &id).map(Some),
        "leave" => Ok(None),
        other => match other.strip_prefix("fail:") {
            Some(code) => control::fail(shared, &scope, &id, code).map(Some),
            None => Err(StripeError::invalid(Some("outcome"), "Choose one of the page's outcomes.")),
        },
    };
    let return_url = shared.lock().return_url(&id).map(str::to_string);
    match (mode, result) {
        (_, Err(error)) => html(400, "Not done", &format!("<h1>Not done</h1><p>{}</p>", escape(&error.message)), None),
        (Mode::Modal, Ok(session)) => {
            let error = match session {
                None => r#"{"code":"session_cancelled","message":"The user left the verification without finishing."}"#,
                Some(_) => "null",
            };
            modal_result(error)
        }
        (Mode::Hosted, Ok(session)) => match return_url {
            Some(url) => Answer::text(303, "text/html; charset=utf-8", String::new()).header("Location", url),
            None => {
                let status = session.as_ref().and_then(|s| s["status"].as_str()).unwrap_or("requires_input");
                let said = if session.is_some() { "Submitted" } else { "You left without finishing" };
                html(
                    200,
                    "Done",
                    &format!("<h1>{said}</h1><p>The session is now <strong id=\"status\">{status}</strong>.</p>"),
                    None,
                )
            }
        },
    }
}

/// Stripe's expired link: a used or unknown URL (or client secret) leads nowhere.
fn expired(mode: Mode) -> Answer {
    match mode {
        Mode::Hosted => html(
            404,
            "This link has expired",
            "<h1 id=\"expired\">This link has expired</h1><p>Verification links can be used once. Ask the site that sent you for a new one.</p>",
            None,
        ),
        Mode::Modal => modal_result(
            r#"{"code":"client_secret_invalid","message":"This client secret has been used or does not exist."}"#,
        ),
    }
}

/// The modal's last page: tells the page that opened it how the flow ended.
fn modal_result(error_json: &str) -> Answer {
    let nonce = "stripe-fake-modal";
    let script = format!(
        "<script nonce=\"{nonce}\">parent.postMessage({{stripeFakeIdentity: {{error: {error_json}}}}}, \"*\");</script>"
    );
    html(200, "Done", &format!("<p>Done.</p>{script}"), Some(nonce))
}

fn html(status: u16, title: &str, body: &str, script_nonce: Option<&str>) -> Answer {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
         <style>{STYLE}</style></head><body><main>{body}</main></body></html>"
    );
    let scripts = match script_nonce {
        Some(nonce) => format!("script-src 'nonce-{nonce}'"),
        None => "script-src 'none'".to_string(),
    };
    Answer::text(status, "text/html; charset=utf-8", page)
        .header("Content-Security-Policy", format!("default-src 'none'; style-src 'unsafe-inline'; {scripts}"))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f9fc;color:#1a1f36}\
main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}\
.banner{background:#fff8e1;border-left:4px solid #f5a623;padding:.5rem .75rem}\
ul{list-style:none;padding:0}li{margin:.5rem 0}\
button{font:inherit;width:100%;text-align:left;padding:.6rem .8rem;border:1px solid #c1c9d2;border-radius:6px;background:#fff;cursor:pointer}\
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
      var overlay = document.createElement("div");
      overlay.setAttribute("role", "dialog");
      overlay.setAttribute("aria-modal", "true");
      overlay.setAttribute("aria-label", "Identity verification");
      overlay.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;align-items:center;justify-content:center;z-index:2147483647";
      var frame = document.createElement("iframe");
      frame.title = "Identity verification (test page)";
      frame.src = origin + "/_fake/modal/" + encodeURIComponent(String(clientSecret));
      frame.style.cssText = "width:min(40rem,95vw);height:min(40rem,90vh);border:0;border-radius:8px;background:#fff";
      function done(event) {
        if (event.origin !== origin || !event.data || !event.data.stripeFakeIdentity) return;
        window.removeEventListener("message", done);
        overlay.remove();
        var error = event.data.stripeFakeIdentity.error;
        resolve(error ? { error: error } : {});
      }
      window.addEventListener("message", done);
      overlay.appendChild(frame);
      document.body.appendChild(overlay);
      frame.focus();
    });
  };
  window.Stripe = Stripe;
})();
"#;
