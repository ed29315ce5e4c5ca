//! Mutation testing: tens of thousands of broken variants of the vendored spec's identity
//! subset (keys dropped, types changed, references broken or redirected, constructs injected,
//! keys renamed). The generator must return an error or code for each, never panic.
//!
//! Two runs: 1,000 cases in the plain test command, and 20,000 more (cases 1,000 to 20,999) as
//! an ignored test (CI runs it with `--include-ignored`). Deterministic: `MUTATION_SEED` (default below) chooses the
//! cases of both; `MUTATION_FIRST` and `MUTATION_CASES` (default 1,000) those of the fast run; a
//! failure prints the seed and case to replay.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use serde_json::{json, Map, Value};
use stripe_identity_codegen::{Format, Generator, Spec};

const DEFAULT_SEED: u64 = 0x5712_1DE7;
/// The fast run's cases: seconds, in every `cargo test`.
const FAST_CASES: u64 = 1_000;
/// The full run's cases: minutes, so ignored locally.
const FULL_CASES: u64 = 20_000;

/// The identity paths and every schema the vendored spec holds besides: small, so cases are fast.
fn identity_subset() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/stripe.json");
    let full: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let paths: Map<String, Value> = full["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(p, _)| p.starts_with("/v1/identity/"))
        .map(|(p, v)| (p.clone(), v.clone()))
        .collect();
    let mut keep: Vec<String> = Vec::new();
    let mut pending = vec![Value::Object(paths.clone())];
    while let Some(node) = pending.pop() {
        let mut refs = Vec::new();
        collect_refs(&node, &mut refs);
        for name in refs {
            if name != "error" && !keep.contains(&name) {
                pending.push(full["components"]["schemas"][&name].clone());
                keep.push(name);
            }
        }
    }
    let schemas: Map<String, Value> =
        keep.iter().map(|n| (n.clone(), full["components"]["schemas"][n].clone())).collect();
    json!({ "openapi": "3.0.0", "info": { "version": "2022-11-15" }, "paths": paths, "components": { "schemas": schemas } })
}

fn collect_refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => out.extend(r.rsplit('/').next().map(str::to_string)),
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// JSON pointers of every node below the root.
fn pointers(node: &Value, at: String, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let child = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(child.clone());
                pointers(value, child, out);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                let child = format!("{at}/{i}");
                out.push(child.clone());
                pointers(value, child, out);
            }
        }
        _ => {}
    }
}

fn parent_and_key(pointer: &str) -> (&str, String) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    (parent, key.replace("~1", "/").replace("~0", "~"))
}

const KEYS: &[&str] = &[
    "anyOf",
    "oneOf",
    "allOf",
    "nullable",
    "enum",
    "type",
    "properties",
    "items",
    "additionalProperties",
    "$ref",
    "format",
    "required",
    "title",
    "x-expansionResources",
    "description",
    "parameters",
    "in",
    "name",
    "schema",
];
const NAMES: &[&str] = &[
    "",
    "type",
    "self",
    "Self",
    "1x",
    "a b",
    "é",
    "²",
    "💥",
    "ǅ",
    "{",
    "}",
    "Unrecognized",
    "object",
    "id",
    "r#x",
    "crate",
    "::",
];

fn random_value(rng: &mut fastrand::Rng, spec: &Value, all: &[String]) -> Value {
    match rng.usize(0..14) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!(1.5),
        4 => json!(""),
        5 => json!(NAMES[rng.usize(0..NAMES.len())]),
        6 => json!([]),
        7 => json!({}),
        8 => json!({ "$ref": "#/components/schemas/does_not_exist" }),
        9 => json!({ "type": ["string", "null"] }),
        10 => json!({ "enum": [1, "a", null, ""] }),
        11 => {
            json!({ "anyOf": [{ "type": "string" }, { "$ref": "#/components/schemas/identity.verification_session" }] })
        }
        // A subtree copied from elsewhere: recursion, constructs in odd places.
        _ => spec.pointer(&all[rng.usize(0..all.len())]).cloned().unwrap_or(Value::Null),
    }
}

fn mutate(rng: &mut fastrand::Rng, spec: &mut Value) {
    let mut all = Vec::new();
    pointers(spec, String::new(), &mut all);
    let target = all[rng.usize(0..all.len())].clone();
    let (parent, key) = parent_and_key(&target);
    let replacement = random_value(rng, spec, &all);
    let Some(parent_node) = spec.pointer_mut(parent) else { return };
    match (rng.usize(0..5), parent_node) {
        (0, Value::Object(map)) => {
            map.remove(&key);
        }
        (1, Value::Object(map)) => {
            let name = NAMES[rng.usize(0..NAMES.len())].to_string();
            if let Some(value) = map.remove(&key) {
                map.insert(name, value);
            }
        }
        (2, Value::Object(map)) => {
            map.insert(KEYS[rng.usize(0..KEYS.len())].to_string(), replacement);
        }
        (_, Value::Array(items)) if rng.bool() => {
            let index: usize = key.parse().unwrap_or(0);
            if index < items.len() {
                items.remove(index);
            }
        }
        (_, parent_node) => {
            if let Some(node) = parent_node.pointer_mut(&format!("/{}", key.replace('~', "~0").replace('/', "~1"))) {
                *node = replacement;
            }
        }
    }
}

/// What one worker thread saw.
#[derive(Default)]
struct Tally {
    generated: u64,
    refused: u64,
    /// (case, panic message, the mutated spec)
    panics: Vec<(u64, String, String)>,
}

/// What one case did.
enum Outcome {
    Generated,
    Refused,
    Panicked(String),
}

/// Case `case` of `seed`: its own random stream, so cases replay alone and run in any order.
fn run_case(base: &Value, generator: &Generator, seed: u64, case: u64) -> (Outcome, String) {
    let mut rng = fastrand::Rng::with_seed(seed ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut spec = base.clone();
    for _ in 0..rng.usize(1..4) {
        mutate(&mut rng, &mut spec);
    }
    let text = spec.to_string();
    QUIET.set(true);
    let outcome =
        catch_unwind(AssertUnwindSafe(|| Spec::parse(&text, Format::Json).and_then(|s| generator.generate_from(&s))));
    QUIET.set(false);
    let outcome = match outcome {
        Ok(Ok(_)) => Outcome::Generated,
        Ok(Err(error)) if !error.message.is_empty() => Outcome::Refused,
        Ok(Err(error)) => Outcome::Panicked(format!("an error without a message: {error:?}")),
        Err(panic) => Outcome::Panicked(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or(panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        ),
    };
    (outcome, text)
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

thread_local! {
    /// Set while a worker runs the generator on a case: its panics are what the test counts, not
    /// news (it catches them).
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Silences the panics of cases only (where [`QUIET`] is set), installed once for the whole test
/// binary. The hook is process-wide and the other tests of the binary run beside these: every
/// other panic still goes to the hook it had (a failing test still shows its message), and
/// nothing swaps the hook back and forth (two runs at once would race to restore it).
fn quiet_panics_of_cases() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.try_with(Cell::get).unwrap_or(false) {
                previous(info);
            }
        }));
    });
}

#[test]
fn mutated_specs_give_an_error_or_code_never_a_panic() {
    let seed = env_number("MUTATION_SEED", DEFAULT_SEED);
    run_mutations(seed, env_number("MUTATION_FIRST", 0), env_number("MUTATION_CASES", FAST_CASES));
}

#[test]
#[ignore = "minutes: 20,000 mutated specs; CI runs it"]
fn another_20000_mutated_specs_give_an_error_or_code_never_a_panic() {
    // The cases after the fast run's, so no case runs twice.
    run_mutations(env_number("MUTATION_SEED", DEFAULT_SEED), FAST_CASES, FULL_CASES);
}

/// Runs cases `first .. first + cases` of `seed` on every core and fails on the first panic.
fn run_mutations(seed: u64, first: u64, cases: u64) {
    let base = identity_subset();
    let generator = Generator::new("mutated.json").api_version("2022-11-15");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;

    quiet_panics_of_cases();
    let results: Vec<Tally> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                let (base, generator) = (&base, &generator);
                scope.spawn(move || {
                    let mut tally = Tally::default();
                    for case in (first + worker..first + cases).step_by(threads as usize) {
                        match run_case(base, generator, seed, case) {
                            (Outcome::Generated, _) => tally.generated += 1,
                            (Outcome::Refused, _) => tally.refused += 1,
                            (Outcome::Panicked(message), text) => tally.panics.push((case, message, text)),
                        }
                    }
                    tally
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });

    let generated: u64 = results.iter().map(|t| t.generated).sum();
    let refused: u64 = results.iter().map(|t| t.refused).sum();
    let panics: Vec<&(u64, String, String)> = results.iter().flat_map(|t| &t.panics).collect();
    eprintln!(
        "{cases} mutated specs (seed {seed}): {generated} generated, {refused} refused with an error, {} panicked",
        panics.len()
    );
    if let Some((case, message, text)) = panics.first() {
        let file = std::env::temp_dir().join(format!("mutation-{seed}-{case}.json"));
        std::fs::write(&file, text).unwrap();
        panic!(
            "{} case(s) panicked; first: case {case}: {message}\nspec: {}\nreplay: MUTATION_SEED={seed} MUTATION_FIRST={case} MUTATION_CASES=1 cargo test -p stripe-identity-codegen --test integration mutations::mutated_specs",
            panics.len(),
            file.display()
        );
    }
    assert_eq!(generated + refused, cases);
    assert!(generated > cases / 10 && refused > cases / 10, "the mutations exercise both outcomes");
}
