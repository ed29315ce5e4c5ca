#!/usr/bin/env python3
"""Check a copy of Stripe's OpenAPI spec against stripe-node's TypeScript types, for Identity.

Usage: scripts/check-spec-sdk.py [SPEC.json [SDK_PACKAGE_DIR]]

SPEC defaults to spec/stripe.json in the repo root. Without SDK_PACKAGE_DIR the script runs
`npm pack stripe@23.1.0` into a temp dir and reads the .d.ts files from there. Compares both
resources and the params of every /v1/identity operation field by field; exits 1 on any mismatch.
"""
import json, os, re, subprocess, sys, tarfile, tempfile

SDK = "stripe@23.1.0"
TS_FILES = ["esm/resources/Identity/VerificationSessions.d.ts", "esm/resources/Identity/VerificationReports.d.ts"]
SHARED_FILE = "esm/shared.d.ts"
RESOURCES = {"identity.verification_session": "VerificationSession",
             "identity.verification_report": "VerificationReport"}
OPERATIONS = [  # (TS params interface, method, path)
    ("VerificationSessionListParams", "get", "/v1/identity/verification_sessions"),
    ("VerificationSessionCreateParams", "post", "/v1/identity/verification_sessions"),
    ("VerificationSessionRetrieveParams", "get", "/v1/identity/verification_sessions/{session}"),
    ("VerificationSessionUpdateParams", "post", "/v1/identity/verification_sessions/{session}"),
    ("VerificationSessionCancelParams", "post", "/v1/identity/verification_sessions/{session}/cancel"),
    ("VerificationSessionRedactParams", "post", "/v1/identity/verification_sessions/{session}/redact"),
    ("VerificationReportListParams", "get", "/v1/identity/verification_reports"),
    ("VerificationReportRetrieveParams", "get", "/v1/identity/verification_reports/{report}"),
]
SHARED_REFS = {"address": "Address"}                    # spec component -> TS type from shared.js
SHARED_TITLES = {"range_query_specs": "RangeQueryParam"}  # inline spec object title -> TS type
PRIMITIVES = {"string": "string", "boolean": "boolean", "integer": "number", "number": "number"}


def ts_statements(text):
    """Yield (text, terminator) for each `;`, `{` or `}` of a .d.ts file, comments and imports removed."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = "\n".join(l for l in text.splitlines()
                     if not re.match(r"\s*(//|import\b|export\s*\{|export\s+import\b)", l))
    buf, quote = [], None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in ";{}":
            yield " ".join("".join(buf).split()), ch
            buf = []
            continue
        buf.append(ch)


def parse_ts(path, table, problems):
    """Add the interfaces and type aliases of one .d.ts file to `table`, keyed by qualified name."""
    with open(path) as f:
        text = f.read()
    table.setdefault("#shared", set()).update(
        n.strip() for m in re.finditer(r"import\s*\{([^}]*)\}\s*from\s*'[./]*shared\.js'", text)
        for n in m.group(1).split(","))
    stack = []  # frames: (kind, qualified name); kind in namespace / interface / skip
    for stmt, end in ts_statements(text):
        kind, qual = stack[-1] if stack else ("namespace", "")
        scope = qual if kind == "namespace" else qual.rpartition(".")[0]
        if end == "}":
            if stmt and kind != "skip":
                problems.append(f"{os.path.basename(path)}: unparsed `{stmt}` in {qual}")
            stack.pop()
            continue
        if end == "{":
            m = re.fullmatch(r"(?:export )?(?:declare )?(namespace|interface) ([\w.]+)(?: extends ([\w., ]+))?", stmt)
            if kind == "skip" or not m:
                if kind != "skip" and not re.match(r"(export )?(declare )?(abstract )?class ", stmt):
                    problems.append(f"{os.path.basename(path)}: unparsed block `{stmt} {{` in {qual or '<top>'}")
                stack.append(("skip", qual))
                continue
            name = ".".join(filter(None, [scope, m.group(2)]))
            if m.group(1) == "interface":
                table[name] = {"kind": "interface", "scope": scope, "fields": {},
                               "extends": [e.strip() for e in (m.group(3) or "").split(",") if e.strip()]}
            stack.append((m.group(1), name))
            continue
        if not stmt or kind == "skip":
            continue
        if kind == "interface":
            m = re.fullmatch(r"(?:readonly )?(\w+)(\?)? ?: ?(.+)", stmt)
            if m:
                table[qual]["fields"][m.group(1)] = (bool(m.group(2)), m.group(3))
                continue
        else:
            m = re.fullmatch(r"(?:export )?(?:declare )?type (\w+)(?:<[^>]*>)? ?= ?(.+)", stmt)
            if m:
                table[".".join(filter(None, [scope, m.group(1)]))] = {"kind": "alias", "scope": scope, "body": m.group(2)}
                continue
        problems.append(f"{os.path.basename(path)}: unparsed `{stmt}` in {qual or '<top>'}")


def split_union(type_str):
    """Split a TS type on top-level `|`, respecting <>, () and quotes."""
    parts, depth, buf, quote = [], 0, "", None
    for ch in type_str:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(buf.strip()); buf = ""; continue
        buf += ch
    return [p for p in parts + [buf.strip()] if p]  # a leading `|` leaves an empty first part


def ts_shape(type_str, scope, table):
    """Normalise a TS type to {null, empty, alts}; alts are tuples like ('enum', values)."""
    shape, enum = {"null": False, "empty": False, "alts": []}, set()
    for part in split_union(type_str):
        generic = re.fullmatch(r"(Array|Emptyable)<(.+)>", part)
        if part == "null":
            shape["null"] = True
        elif part == "OtherString":  # open enum marker: string & Record<never, never>
            continue
        elif re.fullmatch(r"'[^']*'", part):
            enum.add(part[1:-1])
        elif part in ("string", "number", "boolean"):
            shape["alts"].append((part,))
        elif generic and generic.group(1) == "Array":
            shape["alts"].append(("array", ts_shape(generic.group(2), scope, table)))
        elif generic:  # Emptyable<T> = null | '' | T, the spec's anyOf [T, enum [""]]
            inner = ts_shape(generic.group(2), scope, table)
            shape.update(empty=True, null=shape["null"] or inner["null"])
            shape["alts"] += inner["alts"]
        elif re.fullmatch(r"[\w.]+", part):
            alts, null = ts_named(part, scope, table, enum)
            shape["alts"] += alts
            shape["null"] |= null
        else:
            shape["alts"].append(("unknown", part))
    if enum:
        shape["alts"].append(("enum", frozenset(enum)))
    return shape


def ts_named(name, scope, table, enum):
    """Resolve a TS type name from `scope` outwards to (alts, nullable); an alias is expanded, its
    literals going to `enum`."""
    parts = scope.split(".") if scope else []
    for i in range(len(parts), -1, -1):
        decl = table.get(".".join(parts[:i] + [name]))
        if decl and decl["kind"] == "alias":
            inner = ts_shape(decl["body"], decl["scope"], table)
            enum.update(*(a[1] for a in inner["alts"] if a[0] == "enum"))
            return [a for a in inner["alts"] if a[0] != "enum"], inner["null"]
        if decl:
            qual = ".".join(parts[:i] + [name])
            return [("resource", qual) if qual in RESOURCES.values() else ("object", qual)], False
    if name in table["#shared"]:
        return [("shared", name)], False
    return [("unknown", name)], False

def deref(spec, node):
    """Follow a $ref to #/components/schemas; return (schema, component name or None)."""
    ref = node.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        return spec["components"]["schemas"][name], name
    return node, None


def spec_shape(spec, node, in_params):
    """Normalise a spec schema to the same {null, empty, alts} form as ts_shape."""
    node, ref = deref(spec, node)
    shape = {"null": bool(node.get("nullable")), "empty": False, "alts": []}
    if "anyOf" in node:
        for sub in node["anyOf"]:
            if sub.get("enum") == [""]:
                shape["empty"] = True
                continue
            inner = spec_shape(spec, sub, in_params)
            shape["null"] |= inner["null"]; shape["empty"] |= inner["empty"]; shape["alts"] += inner["alts"]
        return shape
    kind = node.get("type")
    if ref in SHARED_REFS:
        alt = ("shared", SHARED_REFS[ref])
    elif ref in RESOURCES:
        alt = ("resource", RESOURCES[ref])
    elif "enum" in node:
        alt = ("enum", frozenset(str(v) for v in node["enum"]))
    elif kind in PRIMITIVES:
        alt = (PRIMITIVES[kind],)
    elif kind == "array":
        alt = ("array", spec_shape(spec, node.get("items", {}), in_params))
    elif kind == "object" and node.get("title") in SHARED_TITLES:
        alt = ("shared", SHARED_TITLES[node["title"]])
    elif kind == "object" and "additionalProperties" in node and not node.get("properties"):
        alt = ("shared", "MetadataParam" if in_params else "Metadata")
    elif kind == "object":
        alt = ("object", node, ref or node.get("title", "inline"))
    else:
        alt = ("unknown", json.dumps(node)[:60])
    shape["alts"].append(alt)
    return shape


def operation_schema(spec, method, path):
    """The params of an operation as one object schema: query parameters for GET, form body for POST."""
    op = spec["paths"][path][method]
    if method == "get":
        query = [p for p in op.get("parameters", []) if p["in"] == "query"]
        return {"properties": {p["name"]: p["schema"] for p in query},
                "required": [p["name"] for p in query if p.get("required")]}
    form = op.get("requestBody", {}).get("content", {}).get("application/x-www-form-urlencoded", {})
    return form.get("schema", {"properties": {}})

class Checker:
    def __init__(self, spec, table, shared):
        self.spec, self.table, self.shared = spec, table, shared
        self.types = self.fields = 0
        self.mismatches, self.unchecked, self.reached = [], [], set()
        self.nullable_presence = [0, 0]  # nullable fields never `required` in spec: [total, TS-optional]

    def mismatch(self, path, what):
        self.mismatches.append(f"{path}: {what}")
        print(f"    MISMATCH {path}: {what}")

    def both_exist(self, label, in_spec, ts_qual):
        """Report a root (resource or operation) missing on either side; True if both have it."""
        for side in [s for s, present in (("spec", in_spec), ("TS", ts_qual in self.table)) if not present]:
            self.mismatch(label, f"missing in {side}")
        self.reached.add(ts_qual)
        return in_spec and ts_qual in self.table

    def ts_fields(self, qual):
        """Fields of a TS interface including those of `extends` parents (e.g. PaginationParams)."""
        decl = self.table[qual]
        fields = {}
        for parent in decl["extends"]:
            src = self.shared if parent in self.shared else self.table
            if parent not in src:
                self.unchecked.append(f"{qual} extends {parent}: parent not found")
                continue
            fields.update({k: (o, t, "") for k, (o, t) in src[parent]["fields"].items()})
        fields.update({k: (o, t, decl["scope"]) for k, (o, t) in decl["fields"].items()})
        return fields

    def compare_object(self, path, schema, spec_name, ts_qual, in_params):
        """Compare one spec object schema with one TS interface, then descend into nested objects."""
        self.reached.add(ts_qual)
        self.types += 1
        props, required = schema.get("properties", {}), set(schema.get("required", []))
        ts = self.ts_fields(ts_qual)
        n = len(set(props) | set(ts))
        print(f"{path}: {n} field{'' if n == 1 else 's'} (spec {spec_name}, TS {ts_qual})")
        for name in sorted(set(props) - set(ts)):
            self.mismatch(f"{path}.{name}", "in spec, not in TS")
        for name in sorted(set(ts) - set(props)):
            self.mismatch(f"{path}.{name}", f"in TS ({ts[name][1]}), not in spec")
        nested = []
        for name in sorted(set(props) & set(ts)):
            self.fields += 1
            optional, type_str, scope = ts[name]
            s, t = spec_shape(self.spec, props[name], in_params), ts_shape(type_str, scope, self.table)
            self.check_presence(f"{path}.{name}", name in required, s["null"], optional)
            nested += self.compare_shapes(f"{path}.{name}", s, t, in_params)
        for args in nested:
            self.compare_object(*args)

    def check_presence(self, path, spec_required, spec_nullable, ts_optional):
        """Required in spec <=> no `?` in TS. Stripe's spec never lists a nullable field in `required`,
        so for those whether TS writes `x: T | null` or `x?: T | null` is not derivable: only counted."""
        if spec_nullable and not spec_required:
            self.nullable_presence[0] += 1
            self.nullable_presence[1] += ts_optional
        elif spec_required == ts_optional:
            self.mismatch(path, f"{'required' if spec_required else 'optional'} in spec, "
                                f"{'optional' if ts_optional else 'required'} in TS")

    def compare_shapes(self, path, s, t, in_params):
        """Compare nullability, emptyability and alternatives; return nested objects to compare."""
        if s["null"] != t["null"]:
            self.mismatch(path, f"nullable in {'spec' if s['null'] else 'TS'} only")
        if s["empty"] != t["empty"]:
            self.mismatch(path, f"emptyable (\"\") in {'spec' if s['empty'] else 'TS (Emptyable<>)'} only")
        self.unchecked += [f"{path}: cannot map `{a[1]}`" for a in s["alts"] + t["alts"] if a[0] == "unknown"]
        key = lambda a: a[1] if a[0] in ("shared", "resource") else a[0]  # e.g. 'string', 'Address'
        sk, tk = {key(a): a for a in s["alts"]}, {key(a): a for a in t["alts"]}
        if set(sk) != set(tk):
            self.mismatch(path, f"type: spec {' | '.join(sorted(sk))}, TS {' | '.join(sorted(tk))}")
        nested = []
        for k in set(sk) & set(tk):
            if k == "enum" and sk[k][1] != tk[k][1]:
                only = [f"{side} only {sorted(a - b)}" for side, a, b in
                        (("spec", sk[k][1], tk[k][1]), ("TS", tk[k][1], sk[k][1])) if a - b]
                self.mismatch(path, "enum values: " + ", ".join(only))
            elif k == "array":
                nested += self.compare_shapes(path + "[]", sk[k][1], tk[k][1], in_params)
            elif k == "object":
                nested.append((path, sk[k][1], sk[k][2], tk[k][1], in_params))
        return nested


def load_sdk(sdk_dir, tmp):
    """Return the SDK package dir: the one given, or `npm pack` + untar into tmp."""
    if sdk_dir:
        return sdk_dir
    out = subprocess.run(["npm", "pack", SDK, "--pack-destination", tmp, "--silent"],
                         check=True, capture_output=True, text=True).stdout.split()[-1]
    with tarfile.open(os.path.join(tmp, out)) as tar:
        names = ["package/" + f for f in TS_FILES + [SHARED_FILE, "package.json"]]
        wanted = [m for m in tar.getmembers() if m.name in names]
        tar.extractall(tmp, members=wanted, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return os.path.join(tmp, "package")


def read_json(path):
    with open(path) as f:
        return json.load(f)


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec_path = argv[1] if len(argv) > 1 else os.path.join(root, "spec", "stripe.json")
    spec, table, shared, problems = read_json(spec_path), {}, {}, []
    with tempfile.TemporaryDirectory() as tmp:
        sdk = load_sdk(argv[2] if len(argv) > 2 else None, tmp)
        for rel in TS_FILES:
            parse_ts(os.path.join(sdk, rel), table, problems)
        parse_ts(os.path.join(sdk, SHARED_FILE), shared, [])
        version = read_json(os.path.join(sdk, "package.json"))["version"]
    print(f"spec {spec_path} (API {spec['info']['version']}) vs stripe-node {version} types\n")
    c = Checker(spec, table, shared)
    c.unchecked += problems
    for comp, ts_name in RESOURCES.items():
        if c.both_exist(ts_name, comp in spec["components"]["schemas"], ts_name):
            c.compare_object(ts_name, spec["components"]["schemas"][comp], comp, ts_name, False)
    for ts_name, method, path in OPERATIONS:
        print(f"-- {method.upper()} {path}")
        if c.both_exist(ts_name, method in spec["paths"].get(path, {}), "Identity." + ts_name):
            c.compare_object(ts_name, operation_schema(spec, method, path), "params", "Identity." + ts_name, True)
    covered = {(m, p) for _, m, p in OPERATIONS}
    for path, ops in spec["paths"].items():
        for method in ops:
            if path.startswith("/v1/identity/") and method != "parameters" and (method, path) not in covered:
                c.mismatch(f"{method.upper()} {path}", "spec operation with no TS params interface compared")
    for qual, decl in table.items():
        if qual != "#shared" and decl["kind"] == "interface" and qual not in c.reached:
            c.unchecked.append(f"TS interface {qual} never reached from the spec")
    total, optional = c.nullable_presence
    print(f"\nnote: presence of {total} nullable fields not derivable (the spec never lists a nullable "
          f"field in `required`): TS has {optional} as `x?: T | null`, {total - optional} as `x: T | null`")
    for u in c.unchecked:
        print(f"unchecked: {u}")
    print(f"checked {c.types} types, {c.fields} fields: {len(c.mismatches)} mismatches"
          + (f", {len(c.unchecked)} unchecked" if c.unchecked else ""))
    return 1 if c.mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
