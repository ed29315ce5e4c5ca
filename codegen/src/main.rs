//! `stripe-identity-codegen`: generate, check a committed snapshot, or report what a spec bump changes.

use std::path::PathBuf;
use std::process::ExitCode;

use stripe_identity_codegen::{Generator, OUTPUT_FILE};

const USAGE: &str = "\
usage:
  stripe-identity-codegen generate [--spec FILE] [--prefix P]... [--exclude OPERATION_ID]... --out DIR
      writes DIR/stripe_identity.rs, exactly what build.rs writes
  stripe-identity-codegen check [--spec FILE] [--prefix P]... [--exclude OPERATION_ID]... [--snapshot DIR]
      exits 1 with a unified diff when the committed snapshot is stale
  stripe-identity-codegen diff OLD NEW [--prefix P]... [--exclude OPERATION_ID]...
      prints a Markdown report of what changed between two specs

  stripe-identity-codegen --version

--exclude leaves out an operation the generator would refuse (multipart uploads, other hosts).
defaults: --spec spec/stripe.json, --prefix /v1/identity/, --snapshot generated-tests/snapshot";

struct Args {
    command: String,
    spec: PathBuf,
    /// Whether `--spec` was given (the stale-snapshot hint repeats it).
    spec_given: bool,
    prefixes: Vec<String>,
    excluded: Vec<String>,
    out: Option<PathBuf>,
    snapshot: PathBuf,
    positional: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut raw = std::env::args().skip(1);
    let command = raw.next().ok_or("missing command")?;
    let mut args = Args {
        command,
        spec: PathBuf::from("spec/stripe.json"),
        spec_given: false,
        prefixes: Vec::new(),
        excluded: Vec::new(),
        out: None,
        snapshot: PathBuf::from("generated-tests/snapshot"),
        positional: Vec::new(),
    };
    while let Some(arg) = raw.next() {
        let mut value = |name: &str| raw.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--spec" => {
                args.spec = value("--spec")?.into();
                args.spec_given = true;
            }
            "--prefix" => args.prefixes.push(value("--prefix")?),
            "--exclude" => args.excluded.push(value("--exclude")?),
            "--out" => args.out = Some(value("--out")?.into()),
            "--snapshot" => args.snapshot = value("--snapshot")?.into(),
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => args.positional.push(other.into()),
        }
    }
    Ok(args)
}

fn generator(spec: PathBuf, args: &Args) -> Generator {
    let generator = Generator::new(spec).exclude(args.excluded.iter().cloned());
    if args.prefixes.is_empty() {
        generator
    } else {
        generator.prefixes(args.prefixes.iter().cloned())
    }
}

fn run(args: Args) -> Result<ExitCode, String> {
    match args.command.as_str() {
        "generate" => {
            let out = args.out.clone().ok_or("generate needs --out DIR")?;
            std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
            let path = generator(args.spec.clone(), &args).generate_to(&out).map_err(|e| e.to_string())?;
            eprintln!("wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        "check" => {
            let output = generator(args.spec.clone(), &args).generate().map_err(|e| e.to_string())?;
            let path = args.snapshot.join(OUTPUT_FILE);
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            match stripe_identity_codegen::diff::unified(&committed, &output.code, &path.display().to_string()) {
                None => {
                    eprintln!("{} is up to date", path.display());
                    Ok(ExitCode::SUCCESS)
                }
                Some(diff) => {
                    println!("{diff}");
                    let spec = if args.spec_given { format!(" --spec {}", args.spec.display()) } else { String::new() };
                    let prefixes: String = args.prefixes.iter().map(|p| format!(" --prefix {p}")).collect();
                    let excluded: String = args.excluded.iter().map(|e| format!(" --exclude {e}")).collect();
                    eprintln!(
                        "{} is stale: run `cargo run -p stripe-identity-codegen -- generate{spec}{prefixes}{excluded} --out {}`",
                        path.display(),
                        args.snapshot.display()
                    );
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        "diff" => {
            let [old, new] = <[PathBuf; 2]>::try_from(args.positional.clone()).map_err(|_| "diff needs OLD and NEW")?;
            let old_api = generator(old.clone(), &args).generate().map_err(|e| e.to_string())?.api;
            let new_api = generator(new.clone(), &args).generate().map_err(|e| e.to_string())?.api;
            let title = format!("{} → {}", old.display(), new.display());
            print!("{}", stripe_identity_codegen::diff::report(&old_api, &new_api, &title));
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command {other}; see --help")),
    }
}

fn main() -> ExitCode {
    if std::env::args().nth(1).is_some_and(|a| a == "--version" || a == "-V") {
        println!("stripe-identity-codegen {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    run(args).unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })
}
