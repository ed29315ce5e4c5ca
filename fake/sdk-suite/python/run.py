"""Runs scenario.json through stripe-python and checks every answer against Stripe's OpenAPI spec.

    python3 run.py --spec spec/stripe.json --scenario scenario.json --sdk DIR (--base URL | real mode)

DIR holds the `stripe` package (pip install --target DIR stripe==16.1.0). Without --base,
STRIPE_SECRET_KEY=sk_test_... runs against Stripe's test mode and skips the fake_only steps.
Prints one line per failure and `python: N checks, F failed`. Keys, client secrets and values are
never printed: only step names, JSON paths, classes and codes.
"""

import argparse
import copy
import http.server
import json
import os
import re
import secrets
import string
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

LANG = "python"

parser = argparse.ArgumentParser()
parser.add_argument("--spec", required=True)
parser.add_argument("--scenario", required=True)
parser.add_argument("--sdk", required=True)
parser.add_argument("--base")
parser.add_argument("--wire")
args = parser.parse_args()

sys.path.insert(0, os.path.abspath(args.sdk))
import stripe  # noqa: E402
import requests  # noqa: E402  (stripe's own dependency, from the same folder)

with open(args.spec) as f:
    spec = json.load(f)
with open(args.scenario) as f:
    scenario = json.load(f)


def alnum(n):
    chars = string.ascii_letters + string.digits
    return "".join(secrets.choice(chars) for _ in range(n))


real = False
keys = {}
if args.base:
    base = args.base.rstrip("/")
    keys["A"] = "sk_test_sdk" + alnum(24)
    keys["B"] = "sk_test_sdk" + alnum(24)
else:
    key = os.environ.get("STRIPE_SECRET_KEY", "")
    if not key.startswith("sk_test_"):
        print(
            "python: refusing to run: without --base, STRIPE_SECRET_KEY must be a test-mode secret key (sk_test_...)",
            file=sys.stderr,
        )
        sys.exit(2)
    real = True
    base = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")  # to try real mode locally
    keys["A"] = key

# ---------------------------------------------------------------- results
checks = 0
failed = 0
failed_new = 0
skipped = []


def ok():
    global checks
    checks += 1


def fail(step, where, what, new_tag=None):
    global checks, failed, failed_new
    checks += 1
    failed += 1
    if new_tag:
        failed_new += 1
    tag = "  [NEW: %s]" % new_tag if new_tag else ""
    print("FAIL %s | %s | %s | %s%s" % (LANG, step, where, what, tag), flush=True)


# ---------------------------------------------------------------- spec checker
def pointer(ref):
    if not ref.startswith("#/"):
        raise ValueError("external $ref " + ref)
    node = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def deref(s):
    seen = 0
    while isinstance(s, dict) and "$ref" in s:
        s = pointer(s["$ref"])
        seen += 1
        if seen > 50:
            raise ValueError("$ref loop")
    return s or {}


def is_nullable(s):
    return bool(s and (s.get("nullable") or deref(s).get("nullable")))


def kind_of(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def schema_type(d):
    t = d.get("type")
    if t is None and ("properties" in d or "additionalProperties" in d):
        t = "object"
    return t


def fits(v, d):
    if "anyOf" in d or "oneOf" in d:
        return True
    t = schema_type(d)
    if t is None:
        return True
    k = kind_of(v)
    if k == "integer":
        return t in ("integer", "number")
    return t == k


def child(where, key):
    if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
        return "%s.%s" % (where, key)
    return "%s[%s]" % (where, json.dumps(key))


def check(v, s, where, out):
    """Appends (where, what) for each way `v` differs from schema `s`."""
    d = deref(s)
    if v is None:
        if not is_nullable(s):
            out.append((where, "null, but the spec does not allow null here"))
        return
    arms = d.get("anyOf") or d.get("oneOf")
    if arms:
        candidates = [a for a in arms if fits(v, deref(a))]
        if not candidates:
            types = " | ".join(deref(a).get("type") or deref(a).get("title") or "?" for a in arms)
            out.append((where, "a %s fits none of anyOf [%s]" % (kind_of(v), types)))
            return
        first = None
        for arm in candidates:
            tmp = []
            check(v, arm, where, tmp)
            if not tmp:
                return
            first = first or tmp
        out.extend(first)
        return
    t = schema_type(d)
    if t and not fits(v, d):
        out.append((where, "a %s, the spec says %s" % (kind_of(v), t)))
        return
    if t == "object":
        props = d.get("properties") or {}
        required = set(d.get("required") or [])
        for key, ps in props.items():
            w = child(where, key)
            if key not in v:
                if key in required:
                    out.append((w, "required key is absent"))
                elif is_nullable(ps):
                    out.append((w, "nullable key is absent (the spec has it present as null)"))
                continue
            if v[key] is None and not is_nullable(ps):
                out.append(
                    (
                        w,
                        "required key is null"
                        if key in required
                        else "optional non-nullable key is present as null (should be absent)",
                    )
                )
                continue
            check(v[key], ps, w, out)
        ap = d.get("additionalProperties")
        for key in v:
            if key in props:
                continue
            if ap is True or (isinstance(ap, dict) and not ap):
                continue
            if isinstance(ap, dict):
                check(v[key], ap, child(where, key), out)
            else:
                out.append((child(where, key), "key the spec does not list"))
        return
    if t == "array":
        for i, item in enumerate(v):
            check(item, d.get("items") or {}, "%s[%d]" % (where, i), out)
        return
    if "enum" in d and v not in d["enum"]:
        out.append((where, "%s is not in the spec's enum [%s]" % (json.dumps(v), ", ".join(map(str, d["enum"])))))
    if t == "string" and "maxLength" in d and len(v) > d["maxLength"]:
        out.append((where, "string of %d characters, over maxLength %d" % (len(v), d["maxLength"])))


# The expect_new paths of the step being run: a schema finding at one of them has the same cause
# as that expectation, so it is tagged NEW too.
current_new_paths = set()


def check_doc(step_name, v, schema, label, new_tag=None):
    """Checks one document, collapsing the same finding on many list items into one line."""
    out = []
    check(v, schema, label, out)
    if not out:
        return ok()
    grouped = {}
    for where, what in out:
        norm = re.sub(r"\[(\d+)\]", ".0", re.sub(r"^\$(\[attempt \d+\])?\.?", "", where))
        tag = new_tag or ("rewrite" if norm in current_new_paths else "")
        k = (re.sub(r"\[\d+\]", "[*]", where), what, tag)
        grouped[k] = grouped.get(k, 0) + 1
    for (where, what, tag), n in grouped.items():
        fail(step_name, where, "%s (x%d)" % (what, n) if n > 1 else what, tag or None)


operations = {}
for call, op in scenario["operations"].items():
    method, template = op.split(" ")
    spec_op = spec["paths"][template][method.lower()]
    default = spec_op["responses"].get("default", {}).get("content", {}).get("application/json", {})
    operations[call] = {
        "method": method,
        "template": template,
        "response": spec_op["responses"]["200"]["content"]["application/json"]["schema"],
        "error": default.get("schema") or {"$ref": "#/components/schemas/error"},
    }


def operation_for(method, path):
    segs = path.split("/")
    for op in operations.values():
        if op["method"] != method:
            continue
        t = op["template"].split("/")
        if len(t) == len(segs) and all(p.startswith("{") or p == s for p, s in zip(t, segs)):
            return op
    return None


ERROR_TYPES = ["api_error", "card_error", "idempotency_error", "invalid_request_error"]

# ---------------------------------------------------------------- recording HTTP client
exchanges = []


class RecordingClient(stripe.RequestsClient):
    """stripe-python's requests client, keeping every attempt (retries included) as it went."""

    def request(self, method, url, headers, post_data=None, **kwargs):
        entry = {
            "method": method.upper(),
            "url": url,
            "request_headers": dict(headers or {}),
            "request_body": post_data,
        }
        exchanges.append(entry)
        try:
            content, status, rheaders = super().request(method, url, headers, post_data, **kwargs)
        except Exception as e:
            entry["network_error"] = type(e).__name__
            raise
        entry["status"] = status
        entry["headers"] = {k.lower(): v for k, v in dict(rheaders).items()}
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        try:
            entry["json"] = json.loads(text)
        except ValueError as e:
            entry["body_error"] = "not JSON: %s" % e
        return content, status, rheaders


def make_client(which):
    if which == "none":
        key = ""  # stripe-python sends `Authorization: Bearer ` (no key)
    elif which == "bad":
        key = "xk_test_sdkbad" + alnum(8)
    elif which in keys:
        key = keys[which]
    else:
        return None
    session = requests.Session()
    if not real:
        session.trust_env = False  # 127.0.0.1 never through a proxy
    return stripe.StripeClient(
        key,
        base_addresses={"api": base},
        max_network_retries=0,
        http_client=RecordingClient(session=session),
    )


clients = {}


def sdk(which):
    if which not in clients:
        clients[which] = make_client(which)
    return clients[which]


# ---------------------------------------------------------------- values
class Unresolved(Exception):
    pass


variables = {"run": LANG + alnum(10)}
VAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def lookup(name):
    if name not in variables:
        raise Unresolved("$%s is not set" % name)
    return variables[name]


def subst(v):
    if isinstance(v, str):
        whole = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", v)
        if whole:
            return lookup(whole.group(1))
        return VAR.sub(lambda m: str(lookup(m.group(1))), v)
    if isinstance(v, list):
        return [subst(x) for x in v]
    if isinstance(v, dict):
        if v.get("$gen") == "string":
            prefix = subst(v["prefix"]) if v.get("prefix") else ""
            return prefix + (v.get("char") or "x") * max(0, v["length"] - len(prefix))
        if v.get("$gen") == "map":
            out = {}
            for i in range(1, v["count"] + 1):
                key = "%s%d" % (v.get("key_prefix", "k"), i)
                if v.get("key_length"):
                    key = key.ljust(v["key_length"], "k")
                out[key] = subst(v["value"])
            for k, x in (v.get("extra") or {}).items():
                out[k] = subst(x)
            return out
        return {k: subst(x) for k, x in v.items()}
    return v


MISSING = object()


def at(doc, dotted):
    cur = doc
    for part in dotted.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return MISSING
    return cur


MATCHERS = {"absent", "present", "null", "not_null", "equals", "not_equals", "length", "keys"}


def is_matcher(m):
    return isinstance(m, dict) and m and set(m) <= MATCHERS


def describe(v):
    if v is MISSING:
        return "absent"
    if v is None:
        return "null"
    if isinstance(v, str):
        return "a string (%d chars)" % len(v)
    if isinstance(v, list):
        return "an array of %d" % len(v)
    if isinstance(v, dict):
        return "an object with keys [%s]" % ", ".join(v)
    return "%s %s" % (kind_of(v), json.dumps(v))


def show(v, where):
    """A value only when it cannot be a secret or personal data."""
    if v is None or isinstance(v, (bool, int, float)):
        return json.dumps(v)
    if (
        isinstance(v, str)
        and re.fullmatch(r"[a-z0-9_.\-]{1,80}", v)
        and not re.search("secret|url", where)
        and "_secret_" not in v
    ):
        return json.dumps(v)
    return describe(v)


def mismatch(v, expected, where=""):
    """None when `v` meets `expected`, else what is wrong."""
    if not is_matcher(expected):
        expected = {"equals": expected}
    if expected.get("absent"):
        return None if v is MISSING else "should be absent, is %s" % describe(v)
    if v is MISSING:
        return "is absent"
    if expected.get("null") and v is not None:
        return "should be null, is %s" % describe(v)
    if expected.get("not_null") and v is None:
        return "should not be null"
    if "equals" in expected:
        want = subst(expected["equals"])
        if not same(v, want):
            return "should equal %s, is %s" % (show(want, where), show(v, where))
    if "not_equals" in expected and same(v, subst(expected["not_equals"])):
        return "should differ from the saved value, is the same"
    if "length" in expected and (not hasattr(v, "__len__") or len(v) != expected["length"]):
        return "should have length %d, is %s" % (expected["length"], describe(v))
    if "keys" in expected and (not isinstance(v, dict) or len(v) != expected["keys"]):
        return "should have %d keys, is %s" % (expected["keys"], describe(v))
    return None


def same(a, b):
    # JSON equality: True is not 1.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def expect_all(step_name, doc, expectations, new_tag=None, label="$"):
    for p, expected in (expectations or {}).items():
        try:
            problem = mismatch(at(doc, p), expected, p)
        except Unresolved as e:
            problem = "cannot check: %s" % e
        if problem:
            fail(step_name, "%s.%s" % (label, p), problem, new_tag)
        else:
            ok()


# ---------------------------------------------------------------- fake control calls
def control(step, which):
    query = urllib.parse.urlencode(subst(step.get("query") or {}))
    url = base + subst(step["path"]) + ("?" + query if query else "")
    req = urllib.request.Request(url, method=step.get("method", "POST"), data=b"" if step.get("method", "POST") == "POST" else None)
    req.add_header("Authorization", "Bearer " + keys[which])
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=30) as res:
            status, body = res.status, res.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    return status, doc


# ---------------------------------------------------------------- webhooks
# Receivers by name (a step's `receiver`, "default" when unset). Each has its own signing secret:
# made here for the control route (`via: "fake"`), or taken from the SDK's create answer
# (`via: "api"`). `fail_first: N` answers 500 to its first N deliveries.
receivers = {}


def make_handler(r):
    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with r["lock"]:
                status = 500 if len(r["deliveries"]) < r["fail_first"] else 200
                r["deliveries"].append({"raw": raw, "headers": {k.lower(): v for k, v in self.headers.items()}, "status": status})
            body = b'{"received":true}' if status == 200 else b'{"error":"refused by the scenario"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    return Receiver


def start_receiver(name, fail_first=0):
    if name in receivers:
        raise RuntimeError("receiver %s is already listening" % name)
    r = {"server": None, "deliveries": [], "secret": None, "fail_first": fail_first, "lock": threading.Lock()}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(r))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    r["server"] = server
    receivers[name] = r
    return r, "http://127.0.0.1:%d/webhook" % server.server_address[1]


def stop_receivers():
    for r in receivers.values():
        if r["server"]:
            r["server"].shutdown()
            r["server"].server_close()
            r["server"] = None


def event_of(d):
    try:
        return json.loads(d["raw"].decode("utf-8"))
    except ValueError:
        return {}


def expect_webhooks(step):
    new_tag = step.get("new")
    name = step.get("receiver", "default")
    r = receivers.get(name)
    if r is None:
        return fail(step["name"], "receiver " + name, "not listening (no webhooks.listen step for it ran)", new_tag)
    if not r["secret"]:
        return fail(step["name"], "receiver " + name, "has no signing secret (its endpoint was not created)", new_tag)
    object_id = subst(step["object"])
    wanted = step.get("types") or []
    wanted_refused = step.get("rejected") or []
    timeout = step.get("timeout_s", 10)
    deadline = time.time() + timeout

    def about():
        with r["lock"]:
            ds = list(r["deliveries"])
        return [d for d in ds if ((event_of(d).get("data") or {}).get("object") or {}).get("id") == object_id]

    def accepted():
        return [d for d in about() if d["status"] < 300]

    def refused():
        return [d for d in about() if d["status"] >= 300]

    def arrived():
        return all(any(event_of(d).get("type") == t for d in accepted()) for t in wanted) and all(
            any(event_of(d).get("type") == t for d in refused()) for t in wanted_refused
        )

    while time.time() < deadline and not arrived():
        time.sleep(0.1)
    if step.get("settle_s"):
        time.sleep(step["settle_s"])  # anything that should not come has had the time to come
    got = about()
    types = [event_of(d).get("type") for d in accepted()]
    for t in wanted:
        n = types.count(t)
        if n == 1:
            ok()
        elif n == 0:
            fail(step["name"], "event " + t, "not delivered within %s s (got [%s])" % (timeout, ", ".join(types)), new_tag)
        else:
            fail(step["name"], "event " + t, "delivered %d times, expected once" % n, new_tag)
    order = [t for t in types if t in wanted]
    if order == [t for t in wanted if t in order]:
        ok()
    else:
        fail(step["name"], "events", "out of order: [%s]" % ", ".join(order), new_tag)
    extra = [t for t in types if t not in wanted]
    if extra:
        fail(step["name"], "events", "unexpected event types [%s]" % ", ".join(extra), new_tag)
    else:
        ok()
    refused_types = [event_of(d).get("type") for d in refused()]
    for t in wanted_refused:
        if t in refused_types:
            ok()
        else:
            fail(
                step["name"],
                "refused event " + t,
                "no delivery of it reached the receiver within %s s (refused: [%s])" % (timeout, ", ".join(refused_types)),
                new_tag,
            )
    extra_refused = [t for t in refused_types if t not in wanted_refused]
    if extra_refused:
        fail(step["name"], "events", "unexpected refused deliveries [%s]" % ", ".join(extra_refused), new_tag)
    else:
        ok()
    # A delivery after a refused one of the same type is its retry: the same event.
    for t in [x for x in wanted_refused if x in wanted]:
        ids = {event_of(d).get("id") for d in refused() if event_of(d).get("type") == t}
        retried = [d for d in accepted() if event_of(d).get("type") == t]
        if not ids or not retried:
            continue  # reported above
        if all(event_of(d).get("id") in ids for d in retried):
            ok()
        else:
            fail(step["name"], "event " + t, "the accepted delivery is another event than the refused one (a retry keeps the event id)", new_tag)
    for d in got:
        raw = d["raw"].decode("utf-8")
        envelope = json.loads(raw)
        label = "event " + str(envelope.get("type")) + (" (refused)" if d["status"] >= 300 else "")
        try:
            event = stripe.Webhook.construct_event(raw, d["headers"].get("stripe-signature"), r["secret"])
            ok()
        except Exception as e:
            fail(step["name"], label, "signature does not verify with the SDK: %s" % type(e).__name__, new_tag)
            continue
        check_doc(step["name"], envelope, {"$ref": "#/components/schemas/event"}, label, new_tag)
        obj = (envelope.get("data") or {}).get("object")
        schema = spec["components"]["schemas"].get(obj.get("object")) if isinstance(obj, dict) else None
        if schema:
            check_doc(step["name"], obj, schema, label + " data.object", new_tag)
        else:
            fail(step["name"], label + " data.object.object", "no schema for %s" % json.dumps(obj and obj.get("object")), new_tag)
        if event.id == envelope.get("id"):
            ok()
        else:
            fail(step["name"], label, "construct_event returned another event", new_tag)
        ct = d["headers"].get("content-type", "")
        if ct.startswith("application/json"):
            ok()
        else:
            fail(step["name"], label + " Content-Type", "is %s" % json.dumps(ct), new_tag)
    if got:
        d = got[0]
        tampered = d["raw"].decode("utf-8").replace(object_id, object_id + "x", 1)
        try:
            stripe.Webhook.construct_event(tampered, d["headers"].get("stripe-signature"), r["secret"])
            fail(step["name"], "tampered body", "verified although the body was changed", new_tag)
        except stripe.SignatureVerificationError:
            ok()
        except Exception as e:
            fail(step["name"], "tampered body", "failed with %s, not SignatureVerificationError" % type(e).__name__, new_tag)


# ---------------------------------------------------------------- wire log (names, never values)
wire = []


def wire_note(step_name, entries):
    for e in entries:
        u = urllib.parse.urlsplit(e["url"])
        names = lambda text: [k for k, _ in urllib.parse.parse_qsl(text or "", keep_blank_values=True)]  # noqa: E731
        shown = []
        for k, v in e["request_headers"].items():
            lk = k.lower()
            if lk in ("content-length", "content-type", "stripe-version", "accept", "user-agent"):
                shown.append("%s: %s" % (k, v))
            elif lk == "idempotency-key":
                shown.append("%s: %s...(%d)" % (k, str(v)[:18], len(str(v))))
            else:
                shown.append(k)
        body = e["request_body"]
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        wire.append(
            "%s\n  %s %s  query[%s]  body[%s]  body_sent=%s\n  headers: %s\n  -> %s"
            % (
                step_name,
                e["method"],
                u.path,
                ",".join(names(u.query)),
                ",".join(names(body)),
                "None" if e["request_body"] is None else "%d bytes" % len(e["request_body"]),
                "; ".join(shown),
                e.get("status", e.get("network_error")),
            )
        )


# ---------------------------------------------------------------- steps
def snake(name):
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)


def request_options(options):
    o = {}
    for k in ("idempotency_key", "stripe_account", "max_network_retries"):
        if k in options:
            o[k] = options[k]
    return o


ID_METHODS = ("retrieve", "update", "cancel", "redact", "delete")


def call_sdk(step, params, options):
    """`a.bC.method` is client.v1.a.b_c.method(...), StripeClient's service for the resource."""
    *parts, method = step["call"].split(".")
    client = sdk(options.get("key", "A"))
    if client is None:
        raise Unresolved("no key %s" % options.get("key"))
    resource = client.v1
    for part in parts:
        resource = getattr(resource, snake(part))
    opts = request_options(options)
    if step.get("auto_paging"):
        page = resource.list(params, opts)
        return {"items": [item for item in page.auto_paging_iter()]}
    if method in ID_METHODS:
        return {"result": getattr(resource, method)(subst(step["id"]), params, opts)}
    return {"result": getattr(resource, method)(params, opts)}


def check_error(step, err, last_json, new_tag):
    exp = step["expect_error"]
    cls = getattr(stripe, exp["class"], None)
    if cls is None:
        raise RuntimeError("stripe-python has no error class %s" % exp["class"])
    if isinstance(err, cls):
        ok()
    else:
        fail(step["name"], "error class", "%s, expected %s" % (type(err).__name__, exp["class"]), new_tag)
    if "status" in exp:
        if getattr(err, "http_status", None) == exp["status"]:
            ok()
        else:
            fail(step["name"], "error status", "HTTP %s, expected %s" % (getattr(err, "http_status", None), exp["status"]), new_tag)
    raw_error = (last_json or {}).get("error") or {}
    if "type" in exp:
        if raw_error.get("type") == exp["type"]:
            ok()
        else:
            fail(step["name"], "error.type", "%s, expected %s" % (json.dumps(raw_error.get("type")), json.dumps(exp["type"])), new_tag)
    error_object = getattr(err, "error", None)
    for field in ("code", "param"):
        if field not in exp:
            continue
        got = getattr(err, field, None)
        if got is None and error_object is not None:
            got = getattr(error_object, field, None)
        if got == exp[field]:
            ok()
        else:
            fail(step["name"], "error." + field, "%s, expected %s" % (json.dumps(got), json.dumps(exp[field])), new_tag)


def check_error_body(step_name, doc, schema, label, new_tag):
    if not isinstance(doc, dict) or not isinstance(doc.get("error"), dict):
        fail(step_name, label, "error answer without an `error` object", new_tag)
        return
    check_doc(step_name, doc, schema, label, new_tag)
    if doc["error"].get("type") in ERROR_TYPES:
        ok()
    else:
        fail(
            step_name,
            label + ".error.type",
            "%s is not one of Stripe's documented types [%s]" % (json.dumps(doc["error"].get("type")), ", ".join(ERROR_TYPES)),
            new_tag or ("rewrite" if "error.type" in current_new_paths else None),
        )
    if isinstance(doc["error"].get("message"), str) and doc["error"]["message"]:
        ok()
    else:
        fail(step_name, label + ".error.message", "absent or empty", new_tag)


def check_exchanges(step, entries, new_tag):
    for i, e in enumerate(entries):
        label = "$[attempt %d]" % (i + 1) if len(entries) > 1 else "$"
        if "json" not in e:
            if "status" in e:
                fail(step["name"], label, "HTTP %s without a JSON body (%s)" % (e["status"], e.get("body_error", "")), new_tag)
            continue
        op = operation_for(e["method"], urllib.parse.urlsplit(e["url"]).path)
        if op is None:
            fail(step["name"], label, "no spec operation for %s %s" % (e["method"], urllib.parse.urlsplit(e["url"]).path), new_tag)
            continue
        if e["status"] == 200:
            check_doc(step["name"], e["json"], op["response"], label, new_tag)
        else:
            check_error_body(step["name"], e["json"], op["error"], label, new_tag)


def check_list(step, items, new_tag):
    exp = step.get("expect_list")
    if not exp:
        return
    ids = [x.get("id") if isinstance(x, dict) else None for x in items]
    if "count" in exp:
        if len(ids) == exp["count"]:
            ok()
        else:
            fail(step["name"], "list", "%d items, expected %d" % (len(ids), exp["count"]), new_tag)
    for i in subst(exp.get("contains") or []):
        if i in ids:
            ok()
        else:
            fail(step["name"], "list", "a saved id is missing from the list", new_tag)
    for i in subst(exp.get("not_contains") or []):
        if i not in ids:
            ok()
        else:
            fail(step["name"], "list", "holds an id it should not", new_tag)
    if exp.get("ids_newest_first") or exp.get("ids_oldest_first"):
        oldest_first = not exp.get("ids_newest_first")
        created_order = list(subst(exp.get("ids_newest_first") or exp.get("ids_oldest_first")))
        want = created_order if oldest_first else list(reversed(created_order))
        if ids == want:
            ok()
        else:
            first = next((n for n, (a, b) in enumerate(zip(want, ids + [None] * len(want))) if a != b), None)
            fail(
                step["name"],
                "list",
                "not the created ids %s first (first difference at item %s; %d distinct of %d)"
                % ("oldest" if oldest_first else "newest", first, len(set(ids)), len(ids)),
                new_tag,
            )
        created = [x.get("created") for x in items]
        if all(i == 0 or (created[i - 1] <= c if oldest_first else created[i - 1] >= c) for i, c in enumerate(created)):
            ok()
        else:
            fail(step["name"], "list", "`created` is not %s" % ("non-decreasing" if oldest_first else "non-increasing"), new_tag)


def save(step, doc):
    for name, p in (step.get("save") or {}).items():
        v = at(doc, p)
        if v is not MISSING and v is not None:
            variables[name] = v
    for name, p in (step.get("save_all") or {}).items():
        v = at(doc, p)
        if not isinstance(variables.get(name), list):
            variables[name] = []
        if v is not MISSING:
            variables[name].append(v)


def raw_items(result):
    """The raw JSON of each item an auto-pagination yielded (the SDK's objects, as dicts)."""
    return [json.loads(json.dumps(item.to_dict(), default=str)) for item in result]


def run_step(step):
    if step.get("fake_only") and real:
        skipped.append(step["name"])
        return
    global current_new_paths
    new_tag = step.get("new")
    current_new_paths = set(step.get("expect_new") or {})
    times = step.get("repeat", 1)
    for i in range(1, times + 1):
        variables["i"] = str(i)
        name = "%s #%d" % (step["name"], i) if times > 1 else step["name"]
        s = dict(step, name=name)
        try:
            params = subst(step.get("params") or {})
            options = subst(step.get("options") or {})
            if "path" in step:
                subst(step["path"])
            if "id" in step:
                subst(step["id"])
        except Unresolved as e:
            skipped.append("%s (%s)" % (name, e))
            return

        # webhooks.listen starts a receiver and registers it: through the control route (`via`
        # "fake", the default; every event type, a secret made here), or through the SDK (`via`
        # "api": webhookEndpoints.create with `events` as enabled_events, checked as any SDK step,
        # the secret taken from the SDK's answer).
        listening = None
        if step["call"] == "webhooks.listen":
            receiver, url = start_receiver(step.get("receiver", "default"), step.get("fail_first", 0))
            via = step.get("via", "fake")
            if via == "fake":
                receiver["secret"] = "whsec_" + alnum(32)
                status, _ = control(
                    {"method": "POST", "path": "/_fake/webhook_endpoints", "query": {"url": url, "secret": receiver["secret"]}},
                    options.get("key", "A"),
                )
                if status == 200:
                    ok()
                else:
                    fail(name, "register endpoint", "HTTP %s" % status, new_tag)
                continue
            if via != "api":
                raise RuntimeError('%s: via must be "fake" or "api"' % name)
            listening = receiver
            s["call"] = "webhookEndpoints.create"
            params = dict({"url": url, "enabled_events": step.get("events") or ["*"]}, **params)
        if step["call"] == "webhooks.expect":
            expect_webhooks(s)
            continue
        if step["call"] == "fake":
            status, doc = control(step, options.get("key", "A"))
            if status == 200:
                ok()
                if step.get("schema"):
                    check_doc(name, doc, spec["components"]["schemas"][step["schema"]], "$", new_tag)
                expect_all(name, doc, step.get("expect"), new_tag)
                expect_all(name, doc, step.get("expect_new"), new_tag or "rewrite")
                save(step, doc)
            else:
                message = ((doc or {}).get("error") or {}).get("message", "")
                fail(name, "$", "control call answered HTTP %s %s" % (status, json.dumps(message)))
            continue

        start = len(exchanges)
        outcome, error = None, None
        try:
            outcome = call_sdk(s, params, options)
        except Unresolved as e:
            skipped.append("%s (%s)" % (name, e))
            return
        except stripe.StripeError as e:
            error = e
        entries = exchanges[start:]
        if i == 1:
            wire_note(name, entries)
        if entries and entries[-1]["request_headers"].get("Stripe-Version"):
            # Stripe answers in the version asked for; the fake renders its own spec's version.
            sent = entries[-1]["request_headers"]["Stripe-Version"]
            variables["answered_api_version"] = sent if real else spec["info"]["version"]
        check_exchanges(s, entries, new_tag)
        last = entries[-1] if entries else {}
        if "expect_attempts" in step:
            if len(entries) == step["expect_attempts"]:
                ok()
            else:
                fail(name, "attempts", "the SDK made %d HTTP attempts, expected %d" % (len(entries), step["expect_attempts"]), new_tag)
        for header, expected in (step.get("expect_headers") or {}).items():
            h = last.get("headers") or {}
            try:
                problem = mismatch(h.get(header.lower(), MISSING), expected, header)
            except Unresolved as e:
                problem = "cannot check: %s" % e
            if problem:
                fail(name, "header " + header, problem, new_tag)
            else:
                ok()
        if step.get("expect_error"):
            if error is None:
                fail(name, "$", "succeeded, expected %s" % step["expect_error"]["class"], new_tag)
                continue
            check_error(s, error, last.get("json"), new_tag)
            expect_all(name, last.get("json"), step.get("expect"), new_tag)
            expect_all(name, last.get("json"), step.get("expect_new"), new_tag or "rewrite")
            continue
        if error is not None:
            fail(
                name,
                "$",
                "unexpected %s: status %s, code %s, param %s"
                % (type(error).__name__, getattr(error, "http_status", None), getattr(error, "code", None), getattr(error, "param", None)),
                new_tag,
            )
            continue
        doc = last.get("json")
        result = outcome.get("result")
        if result is not None:
            # What the SDK hands the caller is what came over the wire.
            response = getattr(result, "last_response", None)
            if response is not None and same(response.data, doc):
                ok()
            else:
                fail(name, "$", "the SDK object's last_response is not the raw answer the client received")
        expect_all(name, doc, step.get("expect"), new_tag)
        expect_all(name, doc, step.get("expect_new"), new_tag or "rewrite")
        if "items" in outcome:
            items = raw_items(outcome["items"])
        else:
            items = (doc or {}).get("data") if isinstance((doc or {}).get("data"), list) else []
        try:
            check_list(s, items, new_tag)
        except Unresolved as e:
            fail(name, "list", "cannot check: %s" % e, new_tag)
        save(step, doc)
        if listening is not None:
            # The secret deliveries are signed with, as the SDK's object hands it over.
            secret = getattr(result, "secret", None)
            if isinstance(secret, str) and secret.startswith("whsec_"):
                listening["secret"] = secret
                ok()
            else:
                fail(name, "$.secret", "the create answer's secret is not a whsec_ string (%s)" % describe(MISSING if secret is None else secret), new_tag)


def main():
    started = time.time()
    crashed = False
    try:
        for step in scenario["steps"]:
            run_step(step)
    except Exception as e:  # a bug of the runner, or an SDK error the scenario did not expect
        crashed = True
        fail("(runner)", "-", "crashed: %s: %s" % (type(e).__name__, str(e)[:200]))
    finally:
        stop_receivers()
    if args.wire:
        with open(args.wire, "w") as f:
            f.write("\n".join(wire) + "\n")
    if skipped:
        print("%s: skipped %d steps: %s" % (LANG, len(skipped), "; ".join(skipped)))
    print("%s: %d of the failures are tagged NEW (behaviour the fake's rewrite adds); %.1f s" % (LANG, failed_new, time.time() - started))
    print("%s: %d checks, %d failed" % (LANG, checks, failed))
    sys.exit(1 if failed or crashed else 0)


main()
