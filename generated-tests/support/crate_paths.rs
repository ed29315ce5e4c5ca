//! The first segment of every `crate::` path a Rust file's code names (`crate::x::y` → `x`,
//! `crate::{a, b}` → `a`, `b`; comments and docs left out): what the import-layer tests of the
//! runtime (`generated-tests/layers.rs`) and of the generator (`codegen/tests/stages.rs`) read.

pub fn crate_paths(text: &str) -> Vec<String> {
    let code: Vec<&str> = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect();
    let code = code.join("\n");
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group[..group.find('}').unwrap_or(0)].split(',').collect(),
            None => vec![rest],
        };
        for name in names {
            let name: String = name.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}
