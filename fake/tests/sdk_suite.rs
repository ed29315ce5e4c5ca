//! The official SDKs against the standalone fake: `sdk-suite/run.sh` drives stripe-node 23.1.0
//! and stripe-python 16.1.0 through one scenario (`sdk-suite/scenario.json`) and checks every
//! answer's keys against the spec and every error against the SDKs' classes.

use std::process::Command;

#[test]
#[ignore = "installs stripe-node and stripe-python from npm and PyPI on first run; CI runs it"]
fn the_official_sdks_see_what_stripe_sends() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (tool, what) in [("node", "Node.js"), ("npm", "npm"), ("python3", "Python 3 with pip")] {
        let found = Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success());
        assert!(found, "the SDK suite needs {what} (`{tool}` was not found); install it or skip this test");
    }
    let output = Command::new("bash")
        .arg(here.join("sdk-suite/run.sh"))
        .arg(env!("CARGO_BIN_EXE_stripe-identity-fake"))
        // The fake, whatever key the environment holds.
        .env_remove("STRIPE_SECRET_KEY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the SDK suite failed (its failures are listed above)");
    for runner in ["node", "python"] {
        let summary = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{runner}: ")) && l.contains(" checks, "))
            .unwrap_or_default();
        assert!(summary.ends_with(" 0 failed"), "{runner} ran and passed: {summary:?}");
    }
}
