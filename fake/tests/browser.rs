//! The hosted verification page and the Stripe.js stand-in in a real browser: headless
//! Chromium driven over WebDriver (chromedriver), every server on 127.0.0.1. Its own command,
//! as it needs a browser (the `browser` feature keeps it out of the plain test command):
//! `cargo test -p stripe-identity-fake --features browser --test integration browser:: -- --test-threads=1`
//! (Debian: `apt-get install chromium chromium-driver`).

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use stripe_identity_fake::FakeStripe;

use crate::common;

const SESSIONS: &str = "/v1/identity/verification_sessions";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver and one browser session; both end when dropped.
struct Browser {
    driver: Child,
    base: String,
    http: reqwest::Client,
}

/// chromedriver runs in a process group of its own, so the browsers it started end with it,
/// however the test ends.
impl Drop for Browser {
    fn drop(&mut self) {
        if let Ok(group) = i32::try_from(self.driver.id()) {
            // SAFETY: kill only sends a signal to the group this test created.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
        let _ = self.driver.wait();
    }
}

impl Browser {
    async fn start() -> Browser {
        for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                std::path::Path::new(path).exists(),
                "the browser tests need {path}: install Debian's `{package}` (apt-get install chromium chromium-driver)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(CHROMEDRIVER)
            .args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()])
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let driver_url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if http.get(format!("{driver_url}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            // Every request the browser makes, frames and redirects included.
            "goog:loggingPrefs": { "performance": "ALL" },
            "goog:chromeOptions": { "binary": CHROMIUM, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                // Nothing but 127.0.0.1 resolves: a request elsewhere fails, and shows up below.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            ] }
        } } });
        let created = send(http.post(format!("{driver_url}/session")), &capabilities).await;
        let id = created["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no browser session: {created}"));
        Browser { driver, base: format!("{driver_url}/session/{id}"), http }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let request = self.http.request(method, format!("{}{path}", self.base));
        send(request, &body).await["value"].clone()
    }

    async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", json!({ "url": url })).await;
    }

    async fn script(&self, script: &str) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", json!({ "script": script, "args": [] })).await
    }

    async fn element(&self, css: &str) -> String {
        let found =
            self.call(reqwest::Method::POST, "/element", json!({ "using": "css selector", "value": css })).await;
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no {css}: {found}"))
            .to_string()
    }

    async fn click(&self, css: &str) {
        let element = self.element(css).await;
        self.call(reqwest::Method::POST, &format!("/element/{element}/click"), json!({})).await;
    }

    async fn tab(&self) {
        let tab = "\u{E004}";
        let actions = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
            { "type": "keyDown", "value": tab }, { "type": "keyUp", "value": tab }
        ] }] });
        self.call(reqwest::Method::POST, "/actions", actions).await;
    }

    async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", Value::Null).await.as_str().unwrap_or_default().to_string()
    }

    /// Waits for `script` to return something other than null.
    async fn wait_for(&self, script: &str) -> Value {
        for _ in 0..100 {
            let value = self.script(script).await;
            if !value.is_null() {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for {script}");
    }

    async fn enter(&self) {
        let enter = "\u{E007}";
        let actions = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
            { "type": "keyDown", "value": enter }, { "type": "keyUp", "value": enter }
        ] }] });
        self.call(reqwest::Method::POST, "/actions", actions).await;
    }

    /// Every URL the browser requested since the last call (from its network log).
    async fn requested(&self) -> Vec<String> {
        let entries = self.call(reqwest::Method::POST, "/se/log", json!({ "type": "performance" })).await;
        let mut urls = Vec::new();
        for entry in entries.as_array().cloned().unwrap_or_default() {
            let message: Value = serde_json::from_str(entry["message"].as_str().unwrap_or("{}")).unwrap_or_default();
            if message["message"]["method"] == "Network.requestWillBeSent" {
                urls.push(message["message"]["params"]["request"]["url"].as_str().unwrap_or_default().to_string());
            }
        }
        urls
    }

    /// Asserts that every request since the last call went to 127.0.0.1 (and that there were some).
    async fn assert_local_only(&self) {
        let urls = self.requested().await;
        assert!(!urls.is_empty(), "the network log saw the page's requests");
        for url in urls {
            assert!(url.starts_with("http://127.0.0.1:") || url.starts_with("data:"), "the browser requested {url}");
        }
    }
}

/// Sends a WebDriver command and reads its JSON answer.
async fn send(request: reqwest::RequestBuilder, body: &Value) -> Value {
    let request = match body {
        Value::Null => request,
        body => request.header("Content-Type", "application/json").body(body.to_string()),
    };
    serde_json::from_slice(&request.send().await.unwrap().bytes().await.unwrap()).unwrap()
}

/// A site of the test's own on 127.0.0.1: `/done` (the return_url) and `/app` (a page that
/// loads the fake's Stripe.js and verifies the client secret in its query).
struct Site {
    url: String,
    hits: Arc<Mutex<Vec<String>>>,
    _server: common::Local,
}

async fn site(fake_url: String) -> Site {
    let hits = Arc::new(Mutex::new(Vec::new()));
    let seen = hits.clone();
    let server = common::serve(move |target, _, _| {
        seen.lock().unwrap().push(target.to_string());
        let page = if target.starts_with("/app") {
            let secret = target.split("secret=").nth(1).unwrap_or_default();
            format!("<!doctype html><html><head><title>App</title><script src=\"{fake_url}/_fake/stripe.js\"></script></head>\
             <body><button id=\"start\">Verify me</button><script>\
             document.getElementById('start').onclick = function () {{\
               Stripe('pk_test_fake').verifyIdentity(decodeURIComponent('{secret}')).then(function (r) {{ window.result = r; }});\
             }};</script></body></html>")
        } else {
            "<!doctype html><title>Done</title><h1>Back at the app</h1>".to_string()
        };
        (200, "text/html", page.into_bytes())
    })
    .await;
    Site { url: server.url.clone(), hits, _server: server }
}

async fn create(fake: &FakeStripe, body: &str) -> Value {
    let created = common::raw(fake, "POST", SESSIONS, body).await;
    assert_eq!(created.status, 200, "{}", created.json);
    created.json
}

#[tokio::test]
async fn the_hosted_page_verifies_and_returns_to_the_app_with_a_signed_webhook() {
    let fake = FakeStripe::start().await.unwrap();
    let app = site(fake.url().to_string()).await;
    let mut receiver = crate::receiver::start("whsec_browser").await.unwrap();
    fake.webhook_endpoint(&receiver.url, "whsec_browser");
    let session = create(
        &fake,
        &format!("type=document&options[document][require_matching_selfie]=true&return_url={}/done", app.url),
    )
    .await;
    let browser = Browser::start().await;
    browser.go(session["url"].as_str().unwrap()).await;
    assert_eq!(browser.script("return document.getElementById('checks').textContent").await, "document, selfie");
    assert_eq!(browser.script("return document.getElementById('type').textContent").await, "document");
    let banner = browser.script("return document.getElementById('banner').textContent").await;
    assert!(banner.as_str().unwrap().starts_with("Test mode"), "it says it is a test page: {banner}");
    browser.click("#outcome-verify").await;
    browser.wait_for("return location.pathname === '/done' ? true : null").await;
    assert!(browser.url().await.starts_with(&app.url), "back on the app's return_url");
    fake.flush_webhooks().await;
    let events = receiver.arrived();
    let verified: Vec<_> =
        events.iter().filter(|e| e.type_.to_string() == "identity.verification_session.verified").collect();
    assert_eq!(verified.len(), 1, "the signed verified event arrived (and verified with webhook::construct_event)");
    // The spent URL is Stripe's expired link now.
    browser.go(session["url"].as_str().unwrap()).await;
    assert_eq!(
        browser
            .script("return document.getElementById('expired') && document.getElementById('expired').textContent")
            .await,
        "This link has expired"
    );
    assert!(app.hits.lock().unwrap().iter().any(|h| h == "/done"));
    browser.assert_local_only().await;
}

#[tokio::test]
async fn a_failure_chosen_on_the_page_sends_the_session_back_with_that_code() {
    let fake = FakeStripe::start().await.unwrap();
    let session = create(&fake, "type=document").await;
    let browser = Browser::start().await;
    browser.go(session["url"].as_str().unwrap()).await;
    browser.click("#outcome-fail-document_expired").await;
    let status = browser
        .wait_for("return document.getElementById('status') && document.getElementById('status').textContent")
        .await;
    assert_eq!(status, "requires_input", "no return_url: the page shows the result");
    let id = session["id"].as_str().unwrap();
    let fetched = common::raw(&fake, "GET", &format!("{SESSIONS}/{id}"), "").await.json;
    assert_eq!(
        (fetched["status"].as_str(), fetched["last_error"]["code"].as_str()),
        (Some("requires_input"), Some("document_expired"))
    );
    assert_ne!(fetched["url"], session["url"], "a fresh URL for the next attempt");
    browser.go(session["url"].as_str().unwrap()).await;
    assert!(
        !browser.script("return document.getElementById('expired')").await.is_null(),
        "the failed attempt's URL is spent"
    );
    // Leaving changes nothing and, with a return_url, goes back to the app.
    let app = site(fake.url().to_string()).await;
    let staying = create(&fake, &format!("type=document&return_url={}/done", app.url)).await;
    browser.go(staying["url"].as_str().unwrap()).await;
    browser.click("#outcome-leave").await;
    browser.wait_for("return location.pathname === '/done' ? true : null").await;
    let id = staying["id"].as_str().unwrap();
    let still = common::raw(&fake, "GET", &format!("{SESSIONS}/{id}"), "").await.json;
    assert_eq!((still["status"].as_str(), &still["url"]), (Some("requires_input"), &staying["url"]), "nothing changed");
    browser.assert_local_only().await;
}

#[tokio::test]
async fn every_control_is_labelled_reached_in_order_by_keyboard_and_nothing_leaves_127_0_0_1() {
    let fake = FakeStripe::start().await.unwrap();
    let session = create(&fake, "type=id_number").await;
    let browser = Browser::start().await;
    browser.go(session["url"].as_str().unwrap()).await;
    let unlabelled = browser
        .script("return [...document.querySelectorAll('button, input, select, textarea, a')].filter(c => !(c.textContent.trim() || c.getAttribute('aria-label') || (c.labels && c.labels.length))).length")
        .await;
    assert_eq!(unlabelled, 0, "every control has a label");
    let order = browser.script("return [...document.querySelectorAll('button')].map(b => b.id)").await;
    let order: Vec<String> = order.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(order.first().map(String::as_str), Some("outcome-verify"));
    assert_eq!(order.last().map(String::as_str), Some("outcome-leave"));
    assert!(order.iter().any(|id| id == "outcome-fail-id_number_mismatch"), "an id_number code: {order:?}");
    assert!(order.iter().any(|id| id == "outcome-fail-consent_declined"), "a code with no check prefix: {order:?}");
    assert!(
        !order.iter().any(|id| id.starts_with("outcome-fail-document_") || id.starts_with("outcome-fail-selfie_")),
        "only codes of checks it runs: {order:?}"
    );
    let mut focused = Vec::new();
    for _ in 0..order.len() {
        browser.tab().await;
        focused.push(browser.script("return document.activeElement.id").await.as_str().unwrap_or_default().to_string());
    }
    assert_eq!(focused, order, "Tab moves through the choices in the order shown");
    // Back to the first choice by keyboard, and Enter submits it.
    browser.go(session["url"].as_str().unwrap()).await;
    browser.tab().await;
    browser.enter().await;
    browser.wait_for("return document.getElementById('status') ? true : null").await;
    let id = session["id"].as_str().unwrap();
    assert_eq!(common::raw(&fake, "GET", &format!("{SESSIONS}/{id}"), "").await.json["status"], "verified");
    browser.assert_local_only().await;
}

#[tokio::test]
async fn stripe_js_verify_identity_opens_the_modal_and_resolves() {
    let fake = FakeStripe::start().await.unwrap();
    let app = site(fake.url().to_string()).await;
    let browser = Browser::start().await;
    for (choice, expected) in [("#outcome-verify", Value::Null), ("#outcome-leave", json!("session_cancelled"))] {
        let session = create(&fake, "type=document").await;
        let secret = session["client_secret"].as_str().unwrap();
        browser
            .go(&format!(
                "{}/app?secret={}",
                app.url,
                percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
            ))
            .await;
        browser.click("#start").await;
        browser.wait_for("return document.querySelector('iframe') ? true : null").await;
        let frame = browser.element("iframe").await;
        browser
            .call(reqwest::Method::POST, "/frame", json!({ "id": { "element-6066-11e4-a52e-4f735466cecf": frame } }))
            .await;
        browser.wait_for("return document.querySelector('button') ? true : null").await;
        browser.click(choice).await;
        browser.call(reqwest::Method::POST, "/frame", json!({ "id": null })).await;
        let result = browser.wait_for("return window.result === undefined ? null : window.result").await;
        assert_eq!(result["error"]["code"], expected, "{choice}: {result}");
        if expected.is_null() {
            assert_eq!(result, json!({}), "a finished flow resolves with an empty result");
            let id = session["id"].as_str().unwrap();
            assert_eq!(common::raw(&fake, "GET", &format!("{SESSIONS}/{id}"), "").await.json["status"], "verified");
        } else {
            assert!(result["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        browser.assert_local_only().await;
        if expected.is_null() {
            // The secret is spent: a second verifyIdentity with it resolves with an error.
            browser
                .go(&format!(
                    "{}/app?secret={}",
                    app.url,
                    percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
                ))
                .await;
            browser.click("#start").await;
            let again = browser.wait_for("return window.result === undefined ? null : window.result").await;
            assert_eq!(again["error"]["code"], "client_secret_invalid", "{again}");
        }
    }
}
