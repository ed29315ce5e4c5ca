// Runs scenario.json through stripe-node and checks every answer against Stripe's OpenAPI spec.
//
//   node run.mjs --spec spec/stripe.json --scenario scenario.json --sdk DIR (--base URL | real mode)
//
// DIR holds node_modules/stripe. Without --base, STRIPE_SECRET_KEY=sk_test_… runs against Stripe's
// test mode and skips the fake_only steps. Prints one line per failure and `node: N checks, F failed`.
// Keys, client secrets and values are never printed: only step names, JSON paths, classes and codes.

import fs from 'node:fs';
import http from 'node:http';
import crypto from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';

const LANG = 'node';

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    out[a.slice(2)] = argv[++i];
  }
  return out;
}
const args = parseArgs(process.argv.slice(2));
for (const need of ['spec', 'scenario', 'sdk']) {
  if (!args[need]) {
    console.error(`usage: node run.mjs --spec SPEC --scenario SCENARIO --sdk SDK_DIR [--base URL] [--wire FILE]`);
    process.exit(2);
  }
}
const require = createRequire(path.resolve(args.sdk, 'node_modules') + path.sep);
const StripeModule = require('stripe');
const Stripe = StripeModule.Stripe || StripeModule.default || StripeModule;

const spec = JSON.parse(fs.readFileSync(args.spec, 'utf8'));
const scenario = JSON.parse(fs.readFileSync(args.scenario, 'utf8'));

const alnum = (n) => {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = crypto.randomBytes(n);
  return Array.from(bytes, (b) => chars[b % chars.length]).join('');
};

let real = false;
let base;
const keys = {};
if (args.base) {
  base = new URL(args.base);
  keys.A = `sk_test_sdk${alnum(24)}`;
  keys.B = `sk_test_sdk${alnum(24)}`;
} else {
  const key = process.env.STRIPE_SECRET_KEY || '';
  if (!key.startsWith('sk_test_')) {
    console.error('node: refusing to run: without --base, STRIPE_SECRET_KEY must be a test-mode secret key (sk_test_…)');
    process.exit(2);
  }
  real = true;
  base = new URL(process.env.STRIPE_API_BASE || 'https://api.stripe.com'); // STRIPE_API_BASE: to try real mode locally
  keys.A = key;
}

// ---------------------------------------------------------------- results
let checks = 0;
let failed = 0;
let failedNew = 0;
let skipped = [];
const failures = [];

function pass() {
  checks++;
}
function fail(step, where, what, newTag) {
  checks++;
  failed++;
  if (newTag) failedNew++;
  const tag = newTag ? `  [NEW: ${newTag}]` : '';
  const line = `FAIL ${LANG} | ${step} | ${where} | ${what}${tag}`;
  failures.push(line);
  console.log(line);
}

// ---------------------------------------------------------------- spec checker
function pointer(ref) {
  if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, part) => node[part], spec);
}
function deref(s) {
  let seen = 0;
  while (s && s.$ref) {
    s = pointer(s.$ref);
    if (++seen > 50) throw new Error('$ref loop');
  }
  return s || {};
}
const isNullable = (s) => !!(s && (s.nullable || deref(s).nullable));
function kindOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (Number.isInteger(v)) return 'integer';
  return typeof v; // string, number, boolean, object
}
function fits(v, d) {
  if (d.anyOf || d.oneOf) return true;
  const k = kindOf(v);
  const t = d.type || (d.properties || d.additionalProperties ? 'object' : undefined);
  if (t === undefined) return true;
  if (k === 'integer') return t === 'integer' || t === 'number';
  return t === k;
}
const child = (where, key) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${where}.${key}` : `${where}[${JSON.stringify(key)}]`);

// Appends [where, what] for each way `v` differs from schema `s`.
function check(v, s, where, out) {
  const d = deref(s);
  if (v === null) {
    if (!isNullable(s)) out.push([where, 'null, but the spec does not allow null here']);
    return;
  }
  const arms = d.anyOf || d.oneOf;
  if (arms) {
    const candidates = arms.filter((a) => fits(v, deref(a)));
    if (!candidates.length) {
      const types = arms.map((a) => deref(a).type || deref(a).title || '?').join(' | ');
      out.push([where, `a ${kindOf(v)} fits none of anyOf [${types}]`]);
      return;
    }
    let first;
    for (const arm of candidates) {
      const tmp = [];
      check(v, arm, where, tmp);
      if (!tmp.length) return;
      first = first || tmp;
    }
    out.push(...first);
    return;
  }
  const type = d.type || (d.properties || d.additionalProperties ? 'object' : undefined);
  if (type && !fits(v, d)) {
    out.push([where, `a ${kindOf(v)}, the spec says ${type}`]);
    return;
  }
  if (type === 'object') {
    const props = d.properties || {};
    const required = new Set(d.required || []);
    for (const [key, ps] of Object.entries(props)) {
      const w = child(where, key);
      if (!Object.prototype.hasOwnProperty.call(v, key)) {
        if (required.has(key)) out.push([w, 'required key is absent']);
        else if (isNullable(ps)) out.push([w, 'nullable key is absent (the spec has it present as null)']);
        continue;
      }
      if (v[key] === null && !isNullable(ps)) {
        out.push([w, required.has(key) ? 'required key is null' : 'optional non-nullable key is present as null (should be absent)']);
        continue;
      }
      check(v[key], ps, w, out);
    }
    for (const key of Object.keys(v)) {
      if (Object.prototype.hasOwnProperty.call(props, key)) continue;
      const ap = d.additionalProperties;
      if (ap === true || (ap && typeof ap === 'object' && !Object.keys(ap).length)) continue;
      if (ap && typeof ap === 'object') check(v[key], ap, child(where, key), out);
      else out.push([child(where, key), 'key the spec does not list']);
    }
    return;
  }
  if (type === 'array') {
    v.forEach((item, i) => check(item, d.items || {}, `${where}[${i}]`, out));
    return;
  }
  if (d.enum && !d.enum.includes(v)) out.push([where, `${JSON.stringify(v)} is not in the spec's enum [${d.enum.join(', ')}]`]);
  if (type === 'string' && d.maxLength !== undefined && v.length > d.maxLength) {
    out.push([where, `string of ${v.length} characters, over maxLength ${d.maxLength}`]);
  }
}

// The expect_new paths of the step being run: a schema finding at one of them has the same cause
// as that expectation, so it is tagged NEW too.
let currentNewPaths = new Set();

// Checks one document, collapsing the same finding on many list items into one line.
function checkDoc(stepName, v, schema, label, newTag) {
  const out = [];
  check(v, schema, label, out);
  if (!out.length) return pass();
  const grouped = new Map();
  for (const [where, what] of out) {
    const norm = where.replace(/^\$(\[attempt \d+\])?\.?/, '').replace(/\[(\d+)\]/g, '.0');
    const tag = newTag || (currentNewPaths.has(norm) ? 'rewrite' : '');
    const k = `${where.replace(/\[\d+\]/g, '[*]')}\u0000${what}\u0000${tag}`;
    grouped.set(k, (grouped.get(k) || 0) + 1);
  }
  for (const [k, n] of grouped) {
    const [where, what, tag] = k.split('\u0000');
    fail(stepName, where, n > 1 ? `${what} (x${n})` : what, tag || null);
  }
}

const operations = {};
for (const [call, op] of Object.entries(scenario.operations)) {
  const [method, template] = op.split(' ');
  const specOp = spec.paths[template][method.toLowerCase()];
  operations[call] = {
    method,
    template,
    response: specOp.responses['200'].content['application/json'].schema,
    error: (specOp.responses.default || {}).content?.['application/json']?.schema || { $ref: '#/components/schemas/error' },
  };
}
function operationFor(method, pathname) {
  const segs = pathname.split('/');
  for (const op of Object.values(operations)) {
    if (op.method !== method) continue;
    const t = op.template.split('/');
    if (t.length === segs.length && t.every((p, i) => p.startsWith('{') || p === segs[i])) return op;
  }
  return null;
}
const ERROR_TYPES = ['api_error', 'card_error', 'idempotency_error', 'invalid_request_error'];

// ---------------------------------------------------------------- recording HTTP client
const exchanges = [];
class RecordingHttpClient extends Stripe.HttpClient {
  constructor(inner) {
    super();
    this.inner = inner;
  }
  getClientName() {
    return this.inner.getClientName();
  }
  makeRequest(host, port, reqPath, method, headers, requestData, protocol, timeout) {
    const entry = { method, path: reqPath, requestHeaders: { ...headers }, requestBody: requestData };
    exchanges.push(entry);
    return this.inner.makeRequest(host, port, reqPath, method, headers, requestData, protocol, timeout).then(
      async (res) => {
        entry.status = res.getStatusCode();
        entry.headers = lowerKeys(res.getHeaders());
        // Read the whole body now, also for answers the SDK retries without reading them.
        const raw = res.getRawResponse();
        let text;
        try {
          text = await new Promise((resolve, reject) => {
            let body = '';
            raw.setEncoding('utf8');
            raw.on('data', (chunk) => (body += chunk));
            raw.once('end', () => resolve(body));
            raw.once('error', reject);
          });
        } catch (e) {
          entry.bodyError = String(e && e.message);
          res.toJSON = () => Promise.reject(Stripe.HttpClient.makeResponseBodyError(e));
          return res;
        }
        try {
          entry.json = JSON.parse(text);
        } catch (e) {
          entry.bodyError = `not JSON: ${e.message}`;
        }
        res.toJSON = () => {
          try {
            return Promise.resolve(res._parseResponseBody(text));
          } catch (e) {
            return Promise.reject(e);
          }
        };
        return res;
      },
      (e) => {
        entry.networkError = String((e && e.code) || e);
        throw e;
      },
    );
  }
}
const lowerKeys = (h) => Object.fromEntries(Object.entries(h || {}).map(([k, v]) => [k.toLowerCase(), v]));

function client(which) {
  const config = {
    httpClient: new RecordingHttpClient(Stripe.createNodeHttpClient()),
    maxNetworkRetries: 0,
    host: base.hostname,
    port: base.port || (base.protocol === 'https:' ? 443 : 80),
    protocol: base.protocol.replace(':', ''),
    telemetry: true,
  };
  if (which === 'none') return new Stripe(null, { ...config, authenticator: async () => {} });
  if (which === 'bad') return new Stripe(`xk_test_sdkbad${alnum(8)}`, config);
  if (!keys[which]) return null;
  return new Stripe(keys[which], config);
}
const clients = {};
const sdk = (which) => (which in clients ? clients[which] : (clients[which] = client(which)));

// ---------------------------------------------------------------- values
class Unresolved extends Error {}
const vars = { run: `${LANG}${alnum(10)}` };
function lookupVar(name) {
  if (!(name in vars)) throw new Unresolved(`$${name} is not set`);
  return vars[name];
}
function subst(v) {
  if (typeof v === 'string') {
    const whole = v.match(/^\$([A-Za-z_][A-Za-z0-9_]*)$/);
    if (whole) return lookupVar(whole[1]);
    return v.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, name) => String(lookupVar(name)));
  }
  if (Array.isArray(v)) return v.map(subst);
  if (v && typeof v === 'object') {
    if (v.$gen === 'string') {
      const prefix = v.prefix ? subst(v.prefix) : '';
      return prefix + (v.char || 'x').repeat(Math.max(0, v.length - prefix.length));
    }
    if (v.$gen === 'map') {
      const map = {};
      for (let i = 1; i <= v.count; i++) {
        let key = `${v.key_prefix ?? 'k'}${i}`;
        if (v.key_length) key = key.padEnd(v.key_length, 'k');
        map[key] = subst(v.value);
      }
      for (const [k, x] of Object.entries(v.extra || {})) map[k] = subst(x);
      return map;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, subst(x)]));
  }
  return v;
}
function at(obj, dotted) {
  let cur = obj;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) {
      return { present: false };
    }
    cur = cur[part];
  }
  return { present: true, value: cur };
}
function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}
const MATCHERS = ['absent', 'present', 'null', 'not_null', 'equals', 'not_equals', 'length', 'keys'];
const isMatcher = (m) => m && typeof m === 'object' && !Array.isArray(m) && Object.keys(m).length && Object.keys(m).every((k) => MATCHERS.includes(k));
// Describes a value without printing it (values may be personal data or secrets).
function describe(found) {
  if (!found.present) return 'absent';
  const v = found.value;
  if (v === null) return 'null';
  if (typeof v === 'string') return `a string (${v.length} chars)`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return `an object with keys [${Object.keys(v).join(', ')}]`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

// Shows a value only when it cannot be a secret or personal data: booleans, numbers, null, and
// enum-like or id-like strings outside the secret-bearing fields.
function show(v, where) {
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return JSON.stringify(v);
  if (typeof v === 'string' && /^[a-z0-9_.\-]{1,80}$/.test(v) && !/secret|url/.test(where) && !v.includes('_secret_')) {
    return JSON.stringify(v);
  }
  return describe({ present: true, value: v });
}

// Returns null when `found` meets `expected`, else what is wrong.
function mismatch(found, expected, where = '') {
  if (!isMatcher(expected)) expected = { equals: expected };
  if (expected.absent) return found.present ? `should be absent, is ${describe(found)}` : null;
  if (!found.present) return 'is absent';
  const v = found.value;
  if (expected.null && v !== null) return `should be null, is ${describe(found)}`;
  if (expected.not_null && v === null) return 'should not be null';
  if ('equals' in expected) {
    const want = subst(expected.equals);
    if (!deepEqual(v, want)) return `should equal ${show(want, where)}, is ${show(v, where)}`;
  }
  if ('not_equals' in expected && deepEqual(v, subst(expected.not_equals))) return 'should differ from the saved value, is the same';
  if ('length' in expected && (!v || v.length !== expected.length)) return `should have length ${expected.length}, is ${describe(found)}`;
  if ('keys' in expected && (!v || typeof v !== 'object' || Object.keys(v).length !== expected.keys)) {
    return `should have ${expected.keys} keys, is ${describe(found)}`;
  }
  return null;
}
function expectAll(stepName, doc, expectations, newTag, label = '$') {
  for (const [p, expected] of Object.entries(expectations || {})) {
    let problem;
    try {
      problem = mismatch(at(doc, p), expected, p);
    } catch (e) {
      if (e instanceof Unresolved) problem = `cannot check: ${e.message}`;
      else throw e;
    }
    if (problem) fail(stepName, `${label}.${p}`, problem, newTag);
    else pass();
  }
}

// ---------------------------------------------------------------- fake control calls
async function control(step, which) {
  const url = new URL(subst(step.path), base);
  for (const [k, v] of Object.entries(subst(step.query || {}))) url.searchParams.set(k, v);
  const headers = { Authorization: `Bearer ${keys[which]}` };
  const res = await fetch(url, { method: step.method || 'POST', headers });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), json };
}

// ---------------------------------------------------------------- webhooks
// Receivers by name (a step's `receiver`, "default" when unset). Each has its own signing secret:
// made here for the control route (`via: "fake"`), or taken from the SDK's create answer
// (`via: "api"`). `fail_first: N` answers 500 to its first N deliveries.
const receivers = {};
async function startReceiver(name, failFirst = 0) {
  if (receivers[name]) throw new Error(`receiver ${name} is already listening`);
  const r = { server: null, deliveries: [], secret: null, failFirst };
  r.server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const status = r.deliveries.length < r.failFirst ? 500 : 200;
      r.deliveries.push({ raw: Buffer.concat(chunks), headers: lowerKeys(req.headers), path: req.url, status });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(status === 200 ? '{"received":true}' : '{"error":"refused by the scenario"}');
    });
  });
  await new Promise((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  receivers[name] = r;
  return { receiver: r, url: `http://127.0.0.1:${r.server.address().port}/webhook` };
}
function stopReceivers() {
  for (const r of Object.values(receivers)) {
    if (!r.server) continue;
    r.server.closeAllConnections?.();
    r.server.close();
    r.server = null;
  }
}
const eventOf = (d) => {
  try {
    return JSON.parse(d.raw.toString('utf8')) || {};
  } catch {
    return {};
  }
};
async function expectWebhooks(step) {
  const newTag = step.new || null;
  const name = step.receiver || 'default';
  const r = receivers[name];
  if (!r) return fail(step.name, `receiver ${name}`, 'not listening (no webhooks.listen step for it ran)', newTag);
  if (!r.secret) return fail(step.name, `receiver ${name}`, 'has no signing secret (its endpoint was not created)', newTag);
  const objectId = subst(step.object);
  const wanted = step.types || [];
  const wantedRefused = step.rejected || [];
  const timeout = step.timeout_s || 10;
  const deadline = Date.now() + timeout * 1000;
  const about = () => r.deliveries.filter((d) => eventOf(d)?.data?.object?.id === objectId);
  const accepted = () => about().filter((d) => d.status < 300);
  const refused = () => about().filter((d) => d.status >= 300);
  const arrived = () =>
    wanted.every((t) => accepted().some((d) => eventOf(d).type === t)) &&
    wantedRefused.every((t) => refused().some((d) => eventOf(d).type === t));
  while (Date.now() < deadline && !arrived()) await new Promise((res) => setTimeout(res, 100));
  // Anything that should not come has had the time to come.
  if (step.settle_s) await new Promise((res) => setTimeout(res, step.settle_s * 1000));
  const got = about();
  const types = accepted().map((d) => eventOf(d).type);
  for (const t of wanted) {
    const n = types.filter((x) => x === t).length;
    if (n === 1) pass();
    else if (n === 0) fail(step.name, `event ${t}`, `not delivered within ${timeout} s (got [${types.join(', ')}])`, newTag);
    else fail(step.name, `event ${t}`, `delivered ${n} times, expected once`, newTag);
  }
  const order = types.filter((t) => wanted.includes(t));
  if (deepEqual(order, wanted.filter((t) => order.includes(t)))) pass();
  else fail(step.name, 'events', `out of order: [${order.join(', ')}]`, newTag);
  const extra = types.filter((t) => !wanted.includes(t));
  if (extra.length) fail(step.name, 'events', `unexpected event types [${extra.join(', ')}]`, newTag);
  else pass();
  const refusedTypes = refused().map((d) => eventOf(d).type);
  for (const t of wantedRefused) {
    if (refusedTypes.includes(t)) pass();
    else fail(step.name, `refused event ${t}`, `no delivery of it reached the receiver within ${timeout} s (refused: [${refusedTypes.join(', ')}])`, newTag);
  }
  const extraRefused = refusedTypes.filter((t) => !wantedRefused.includes(t));
  if (extraRefused.length) fail(step.name, 'events', `unexpected refused deliveries [${extraRefused.join(', ')}]`, newTag);
  else pass();
  // A delivery after a refused one of the same type is its retry: the same event.
  for (const t of wantedRefused.filter((x) => wanted.includes(x))) {
    const ids = new Set(refused().filter((d) => eventOf(d).type === t).map((d) => eventOf(d).id));
    const retried = accepted().filter((d) => eventOf(d).type === t);
    if (!ids.size || !retried.length) continue; // reported above
    if (retried.every((d) => ids.has(eventOf(d).id))) pass();
    else fail(step.name, `event ${t}`, 'the accepted delivery is another event than the refused one (a retry keeps the event id)', newTag);
  }
  const stripe = sdk('A');
  for (const d of got) {
    const raw = d.raw.toString('utf8');
    const label = `event ${eventOf(d).type}${d.status >= 300 ? ' (refused)' : ''}`;
    let event;
    try {
      event = stripe.webhooks.constructEvent(raw, d.headers['stripe-signature'], r.secret);
      pass();
    } catch (e) {
      fail(step.name, label, `signature does not verify with the SDK: ${e.constructor.name}`, newTag);
      continue;
    }
    const envelope = JSON.parse(raw);
    checkDoc(step.name, envelope, { $ref: '#/components/schemas/event' }, label, newTag);
    const obj = envelope?.data?.object;
    const objSchema = obj && spec.components.schemas[obj.object];
    if (objSchema) checkDoc(step.name, obj, objSchema, `${label} data.object`, newTag);
    else fail(step.name, `${label} data.object.object`, `no schema for ${JSON.stringify(obj && obj.object)}`, newTag);
    if (event.id === envelope.id) pass();
    else fail(step.name, label, 'constructEvent returned another event', newTag);
    const ct = d.headers['content-type'] || '';
    if (ct.startsWith('application/json')) pass();
    else fail(step.name, `${label} Content-Type`, `is ${JSON.stringify(ct)}`, newTag);
  }
  if (got.length) {
    const d = got[0];
    const tampered = d.raw.toString('utf8').replace(objectId, `${objectId}x`);
    try {
      stripe.webhooks.constructEvent(tampered, d.headers['stripe-signature'], r.secret);
      fail(step.name, 'tampered body', 'verified although the body was changed', newTag);
    } catch (e) {
      if (e instanceof Stripe.errors.StripeSignatureVerificationError) pass();
      else fail(step.name, 'tampered body', `failed with ${e.constructor.name}, not StripeSignatureVerificationError`, newTag);
    }
  }
}

// ---------------------------------------------------------------- wire log (names, never values)
const wire = [];
function wireNote(stepName, entries) {
  for (const e of entries) {
    const u = new URL(e.path, 'http://x');
    const names = (text) => [...new URLSearchParams(text || '').keys()];
    const h = e.requestHeaders || {};
    const shown = Object.keys(h)
      .map((k) => {
        const lk = k.toLowerCase();
        if (lk === 'content-length' || lk === 'content-type' || lk === 'stripe-version' || lk === 'accept') return `${k}: ${h[k]}`;
        if (lk === 'idempotency-key') return `${k}: ${String(h[k]).slice(0, 18)}…(${String(h[k]).length})`;
        if (lk === 'user-agent') return `${k}: ${h[k]}`;
        return k;
      })
      .join('; ');
    wire.push(
      `${stepName}\n  ${e.method} ${u.pathname}  query[${names(u.search.slice(1)).join(',')}]  body[${names(e.requestBody).join(',')}]\n  headers: ${shown}\n  -> ${e.status ?? e.networkError}`,
    );
  }
}

// ---------------------------------------------------------------- steps
const camelToSnake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function sdkOptions(options) {
  const o = {};
  if (options.idempotency_key !== undefined) o.idempotencyKey = options.idempotency_key;
  if (options.stripe_account !== undefined) o.stripeAccount = options.stripe_account;
  if (options.max_network_retries !== undefined) o.maxNetworkRetries = options.max_network_retries;
  return o;
}

// `a.b.method` is stripe.a.b.method(...); the scenario's `delete` is stripe-node's `del`.
const ID_METHODS = ['retrieve', 'update', 'cancel', 'redact', 'delete'];
async function callSdk(step, params, options) {
  const parts = step.call.split('.');
  const method = parts.pop();
  const stripe = sdk(options.key || 'A');
  if (!stripe) throw new Unresolved(`no key ${options.key}`);
  const resource = parts.reduce((o, p) => o && o[p], stripe);
  const sdkMethod = method === 'delete' ? 'del' : method;
  if (!resource || typeof resource[sdkMethod] !== 'function') throw new Error(`stripe-node has no ${step.call}`);
  const opts = sdkOptions(options);
  if (step.auto_paging) {
    const items = [];
    for await (const item of resource.list(params, opts)) items.push(item);
    return { items };
  }
  const hasId = ID_METHODS.includes(method);
  const result = hasId ? await resource[sdkMethod](subst(step.id), params, opts) : await resource[sdkMethod](params, opts);
  return { result };
}

function checkError(step, err, lastJson, newTag) {
  const exp = step.expect_error;
  const cls = Stripe.errors[`Stripe${exp.class}`];
  if (!cls) throw new Error(`stripe-node has no error class Stripe${exp.class}`);
  if (err instanceof cls) pass();
  else fail(step.name, 'error class', `${err.constructor.name} (type ${err.type}), expected Stripe${exp.class}`, newTag);
  if ('status' in exp) {
    if (err.statusCode === exp.status) pass();
    else fail(step.name, 'error status', `HTTP ${err.statusCode}, expected ${exp.status}`, newTag);
  }
  const rawError = (lastJson && lastJson.error) || {};
  if ('type' in exp) {
    if (rawError.type === exp.type) pass();
    else fail(step.name, 'error.type', `${JSON.stringify(rawError.type)}, expected ${JSON.stringify(exp.type)}`, newTag);
  }
  for (const field of ['code', 'param']) {
    if (!(field in exp)) continue;
    const got = err[field] ?? null;
    if (got === exp[field]) pass();
    else fail(step.name, `error.${field}`, `${JSON.stringify(got)}, expected ${JSON.stringify(exp[field])}`, newTag);
  }
}

// The checks every error answer gets: Stripe's error schema, a documented type, a message.
function checkErrorBody(stepName, json, schema, label, newTag) {
  if (!json || typeof json.error !== 'object') {
    fail(stepName, label, 'error answer without an `error` object', newTag);
    return;
  }
  checkDoc(stepName, json, schema, label, newTag);
  if (ERROR_TYPES.includes(json.error.type)) pass();
  else {
    const tag = newTag || (currentNewPaths.has('error.type') ? 'rewrite' : null);
    fail(stepName, `${label}.error.type`, `${JSON.stringify(json.error.type)} is not one of Stripe's documented types [${ERROR_TYPES.join(', ')}]`, tag);
  }
  if (typeof json.error.message === 'string' && json.error.message) pass();
  else fail(stepName, `${label}.error.message`, 'absent or empty', newTag);
}

function checkExchanges(step, entries, newTag) {
  entries.forEach((e, i) => {
    const label = entries.length > 1 ? `$[attempt ${i + 1}]` : '$';
    if (e.json === undefined) {
      if (e.status !== undefined) fail(step.name, label, `HTTP ${e.status} without a JSON body (${e.bodyError || ''})`, newTag);
      return;
    }
    const op = operationFor(e.method, new URL(e.path, 'http://x').pathname);
    if (!op) return fail(step.name, label, `no spec operation for ${e.method} ${e.path}`, newTag);
    if (e.status === 200) checkDoc(step.name, e.json, op.response, label, newTag);
    else checkErrorBody(step.name, e.json, op.error, label, newTag);
  });
}

function checkList(step, items, lastJson, newTag) {
  const exp = step.expect_list;
  if (!exp) return;
  const ids = items.map((x) => x && x.id);
  if ('count' in exp) {
    if (ids.length === exp.count) pass();
    else fail(step.name, 'list', `${ids.length} items, expected ${exp.count}`, newTag);
  }
  for (const id of subst(exp.contains || [])) {
    if (ids.includes(id)) pass();
    else fail(step.name, 'list', 'a saved id is missing from the list', newTag);
  }
  for (const id of subst(exp.not_contains || [])) {
    if (!ids.includes(id)) pass();
    else fail(step.name, 'list', 'holds an id it should not', newTag);
  }
  if (exp.ids_newest_first || exp.ids_oldest_first) {
    const oldestFirst = !exp.ids_newest_first;
    const created = subst(exp.ids_newest_first || exp.ids_oldest_first);
    const want = oldestFirst ? [...created] : [...created].reverse();
    if (deepEqual(ids, want)) pass();
    else {
      const firstDiff = want.findIndex((id, i) => ids[i] !== id);
      const order = oldestFirst ? 'oldest' : 'newest';
      fail(step.name, 'list', `not the created ids ${order} first (first difference at item ${firstDiff}; ${new Set(ids).size} distinct of ${ids.length})`, newTag);
    }
    const created_ = items.map((x) => x.created);
    if (created_.every((c, i) => i === 0 || (oldestFirst ? created_[i - 1] <= c : created_[i - 1] >= c))) pass();
    else fail(step.name, 'list', `\`created\` is not ${oldestFirst ? 'non-decreasing' : 'non-increasing'}`, newTag);
  }
}

async function runStep(step) {
  if (step.fake_only && real) {
    skipped.push(step.name);
    return;
  }
  const newTag = step.new || null;
  currentNewPaths = new Set(Object.keys(step.expect_new || {}));
  const times = step.repeat || 1;
  for (let i = 1; i <= times; i++) {
    vars.i = String(i);
    const stepName = times > 1 ? `${step.name} #${i}` : step.name;
    const s = { ...step, name: stepName };
    let params;
    let options;
    try {
      params = subst(step.params || {});
      options = subst(step.options || {});
      if (step.call === 'fake' || step.call.startsWith('webhooks.')) subst(step.path || '');
      if (step.id) subst(step.id);
    } catch (e) {
      if (e instanceof Unresolved) {
        skipped.push(`${stepName} (${e.message})`);
        return;
      }
      throw e;
    }

    // webhooks.listen starts a receiver and registers it: through the control route (`via`
    // "fake", the default; every event type, a secret made here), or through the SDK (`via`
    // "api": webhookEndpoints.create with `events` as enabled_events, checked as any SDK step,
    // the secret taken from the SDK's answer).
    let listening = null;
    if (step.call === 'webhooks.listen') {
      const { receiver, url } = await startReceiver(step.receiver || 'default', step.fail_first || 0);
      if ((step.via || 'fake') === 'fake') {
        receiver.secret = `whsec_${alnum(32)}`;
        const res = await control({ method: 'POST', path: '/_fake/webhook_endpoints', query: { url, secret: receiver.secret } }, options.key || 'A');
        if (res.status === 200) pass();
        else fail(stepName, 'register endpoint', `HTTP ${res.status}`, newTag);
        continue;
      }
      if (step.via !== 'api') throw new Error(`${stepName}: via must be "fake" or "api"`);
      listening = receiver;
      s.call = 'webhookEndpoints.create';
      params = { url, enabled_events: step.events || ['*'], ...params };
    }
    if (step.call === 'webhooks.expect') {
      await expectWebhooks(s);
      continue;
    }
    if (step.call === 'fake') {
      const res = await control(step, options.key || 'A');
      if (res.status === 200) pass();
      else fail(stepName, '$', `control call answered HTTP ${res.status} ${JSON.stringify(res.json?.error?.message ?? '')}`);
      if (res.status === 200 && step.schema) checkDoc(stepName, res.json, spec.components.schemas[step.schema], '$', newTag);
      if (res.status === 200) {
        expectAll(stepName, res.json, step.expect, newTag);
        expectAll(stepName, res.json, step.expect_new, newTag || 'rewrite');
        save(step, res.json);
      }
      continue;
    }

    const start = exchanges.length;
    let outcome;
    let error;
    try {
      outcome = await callSdk(s, params, options);
    } catch (e) {
      if (e instanceof Unresolved) {
        skipped.push(`${stepName} (${e.message})`);
        return;
      }
      error = e;
    }
    const entries = exchanges.slice(start);
    if (i === 1) wireNote(stepName, entries);
    const sent = entries.length && entries[entries.length - 1].requestHeaders['Stripe-Version'];
    // Stripe answers in the version asked for; the fake renders its own spec's version and says so.
    if (sent) vars.answered_api_version = real ? sent : spec.info.version;
    checkExchanges(s, entries, newTag);
    const last = entries[entries.length - 1] || {};
    if (step.expect_attempts !== undefined) {
      if (entries.length === step.expect_attempts) pass();
      else fail(stepName, 'attempts', `the SDK made ${entries.length} HTTP attempts, expected ${step.expect_attempts}`, newTag);
    }
    if (step.expect_headers) {
      for (const [name, expected] of Object.entries(step.expect_headers)) {
        const h = last.headers || {};
        const found = name.toLowerCase() in h ? { present: true, value: h[name.toLowerCase()] } : { present: false };
        let problem;
        try {
          problem = mismatch(found, expected, name);
        } catch (e) {
          if (!(e instanceof Unresolved)) throw e;
          problem = `cannot check: ${e.message}`;
        }
        if (problem) fail(stepName, `header ${name}`, problem, newTag);
        else pass();
      }
    }
    if (step.expect_error) {
      if (!error) {
        fail(stepName, '$', `succeeded, expected ${step.expect_error.class}`, newTag);
        continue;
      }
      checkError(s, error, last.json, newTag);
      expectAll(stepName, last.json, step.expect, newTag);
      expectAll(stepName, last.json, step.expect_new, newTag || 'rewrite');
      continue;
    }
    if (error) {
      fail(stepName, '$', `unexpected ${error.constructor.name}: status ${error.statusCode}, type ${error.rawType}, code ${error.code}, param ${error.param}`, newTag);
      continue;
    }
    const doc = last.json;
    expectAll(stepName, doc, step.expect, newTag);
    expectAll(stepName, doc, step.expect_new, newTag || 'rewrite');
    const items = outcome.items || (doc && Array.isArray(doc.data) ? doc.data : []);
    try {
      checkList(s, items, doc, newTag);
    } catch (e) {
      if (!(e instanceof Unresolved)) throw e;
      fail(stepName, 'list', `cannot check: ${e.message}`, newTag);
    }
    save(step, doc);
    if (listening) {
      // The secret deliveries are signed with, as the SDK's object hands it over.
      const secret = outcome.result && outcome.result.secret;
      if (typeof secret === 'string' && secret.startsWith('whsec_')) {
        listening.secret = secret;
        pass();
      } else fail(stepName, '$.secret', `the create answer's secret is not a whsec_ string (${describe(at(outcome.result, 'secret'))})`, newTag);
    }
  }
}

function save(step, doc) {
  for (const [name, p] of Object.entries(step.save || {})) {
    const found = at(doc, p);
    if (found.present && found.value !== null) vars[name] = found.value;
  }
  for (const [name, p] of Object.entries(step.save_all || {})) {
    const found = at(doc, p);
    if (!Array.isArray(vars[name])) vars[name] = [];
    if (found.present) vars[name].push(found.value);
  }
}

// ---------------------------------------------------------------- main
const started = Date.now();
let crashed = false;
try {
  for (const step of scenario.steps) await runStep(step);
} catch (e) {
  crashed = true;
  fail('(runner)', '-', `crashed: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' / ') : e}`);
} finally {
  stopReceivers();
}
if (args.wire) fs.writeFileSync(args.wire, `${wire.join('\n')}\n`);
if (skipped.length) console.log(`${LANG}: skipped ${skipped.length} steps: ${skipped.join('; ')}`);
console.log(`${LANG}: ${failedNew} of the failures are tagged NEW (behaviour the fake's rewrite adds); ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${LANG}: ${checks} checks, ${failed} failed`);
process.exit(failed || crashed ? 1 : 0);
