#!/usr/bin/env bash
# What every user pays to build this crate: three one-call programs (scripts/build-cost/: a bare
# client, the design's floor, this crate) built from clean one after another, RUNS times (3), and
# the medians. Per program: clean debug build (CPU = user + system of all processes, wall, peak
# memory, crates compiled, binary size), clean release build, clean `cargo check` (what an editor
# runs), and a rebuild after touching main.rs (whether the build script reran and what was
# recompiled). Then the ratios to the floor and the bare client. Needs GNU time at /usr/bin/time
# (Debian's `time` package) and python3.
#
#   scripts/build-cost.sh               15 to 25 minutes on 2 cores
#   RUNS=1 STEPS=debug,check scripts/build-cost.sh    a quick look
#
# The builds go to target/build-cost (build-cost/ under $CARGO_TARGET_DIR when it is set), with
# copies of the programs.
# Where the time goes, after a run (the programs' copies stay):
#   cargo build --timings --manifest-path target/build-cost/programs/crate/Cargo.toml \
#       --target-dir target/build-cost/timings
set -euo pipefail
command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
work="$target_dir/build-cost"
rm -rf "$work"
mkdir -p "$work"

# The programs are built from copies under the work directory. Users depend on this crate from
# the registry or git, which Cargo builds without incremental compilation (it is on for path
# dependencies only: about 2 s more CPU for our crates in a clean debug build), so the crate
# program's copy depends on it as git: a one-commit repository under the work directory that
# holds the working tree as it is (tracked and untracked files, not ignored ones), so changes not
# yet committed are measured, and a shallow clone or the user's git hooks do not matter. Each
# tree measured adds a checkout of about 20 MB to Cargo's git cache ($CARGO_HOME/git).
programs="$work/programs"
mkdir -p "$programs"
for program in bare floor crate; do
    mkdir -p "$programs/$program"
    cp -r "$root/scripts/build-cost/$program/Cargo.toml" "$root/scripts/build-cost/$program/src" "$programs/$program/"
    if [ -f "$root/scripts/build-cost/$program/build.rs" ]; then
        cp "$root/scripts/build-cost/$program/build.rs" "$programs/$program/"
    fi
done
source_copy="$work/stripe-identity"
python3 - "$root" "$source_copy" "$programs/crate/Cargo.toml" <<'PY'
import json, os, pathlib, shutil, subprocess, sys

root, copy, manifest = sys.argv[1:4]
listed = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                        check=True, capture_output=True).stdout
for name in sorted(set(map(os.fsdecode, listed.split(b"\0"))) - {""}):
    source = os.path.join(root, name)
    # Deleted and not yet committed, or a directory (a nested repository, or a file replaced by one).
    if not os.path.lexists(source) or (os.path.isdir(source) and not os.path.islink(source)):
        continue
    target = os.path.join(copy, name)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(source, target, follow_symlinks=False)
text = open(manifest).read()
path_dependency = 'path = "../../.."'
if path_dependency not in text:
    sys.exit(f"{manifest}: the dependency on stripe-identity is not `{path_dependency}`")
url = pathlib.Path(copy).resolve().as_uri()
open(manifest, "w").write(text.replace(path_dependency, f'git = {json.dumps(url)}, branch = "measured"'))
PY
git -C "$source_copy" init -q -b measured
# Forced: a tracked file that an ignore pattern matches is part of the tree all the same.
git -C "$source_copy" add -A -f
git -C "$source_copy" -c user.name=build-cost -c user.email=build-cost@localhost -c commit.gpgsign=false \
    -c core.hooksPath=/dev/null commit -q --no-verify -m "the tree measured"
changes=$(git -C "$root" status --porcelain)
echo "measuring $(git -C "$root" rev-parse --short HEAD)${changes:+ with changes not committed}" >&2

# The programs build with the workspace's versions of everything; download before timing.
for program in bare floor crate; do
    cp "$root/Cargo.lock" "$programs/$program/Cargo.lock"
    cargo fetch -q --manifest-path "$programs/$program/Cargo.toml"
done

exec python3 - "$programs" "$work" "${RUNS:-3}" "${STEPS:-debug,release,check,edit}" <<'PY'
import os, statistics, subprocess, sys, time

programs_dir, work, runs, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
PROGRAMS = [("bare", "bare-client"), ("floor", "design-floor"), ("crate", "with-stripe-identity")]


def cargo(name, command, target, release=False):
    """One timed cargo run: (cpu s, wall s, peak MiB, stderr lines)."""
    manifest = os.path.join(programs_dir, name, "Cargo.toml")
    args = ["/usr/bin/time", "-f", "RUSAGE %U %S %M", "cargo", command, "-v", "--manifest-path", manifest]
    if release:
        args.append("--release")
    started = time.monotonic()
    run = subprocess.run(args, env=dict(os.environ, CARGO_TARGET_DIR=target), capture_output=True, text=True)
    wall = time.monotonic() - started
    if run.returncode != 0:
        sys.exit(f"cargo {command} of {name} failed:\n{run.stderr[-3000:]}")
    lines = run.stderr.splitlines()
    usage = [line for line in lines if line.startswith("RUSAGE ")][-1].split()
    return float(usage[1]) + float(usage[2]), wall, int(usage[3]) / 1024, lines


def compiled(lines):
    return [line.split()[1] for line in lines if line.strip().startswith("Compiling ")]


results = {}  # (program, figure) -> [values, one per run]
notes = {}
def record(name, figure, value):
    results.setdefault((name, figure), []).append(value)

for run in range(1, runs + 1):
    for name, binary in PROGRAMS:
        target = os.path.join(work, f"target-{name}")
        if "debug" in steps or "edit" in steps:
            subprocess.run(["rm", "-rf", target], check=True)
            cpu, wall, peak, lines = cargo(name, "build", target)
            record(name, "debug cpu", cpu)
            record(name, "debug wall", wall)
            record(name, "peak MiB", peak)
            record(name, "crates", len(compiled(lines)))
            record(name, "debug binary MB", os.path.getsize(os.path.join(target, "debug", binary)) / 1e6)
            print(f"run {run} {name:>5} debug    CPU {cpu:6.1f} s  wall {wall:6.1f} s  peak {peak:5.0f} MiB  "
                  f"crates {len(compiled(lines))}", flush=True)
        if "edit" in steps:
            os.utime(os.path.join(programs_dir, name, "src", "main.rs"))
            cpu, wall, _, lines = cargo(name, "build", target)
            reran = [line for line in lines if "build-script-build" in line and "Running" in line]
            record(name, "edit cpu", cpu)
            record(name, "edit wall", wall)
            notes[name] = f"recompiled: {', '.join(compiled(lines)) or 'nothing'}; build scripts rerun: {len(reran)}"
            print(f"run {run} {name:>5} edit     CPU {cpu:6.1f} s  wall {wall:6.1f} s  {notes[name]}", flush=True)
        if "release" in steps:
            subprocess.run(["rm", "-rf", target], check=True)
            cpu, wall, _, _ = cargo(name, "build", target, release=True)
            record(name, "release cpu", cpu)
            record(name, "release wall", wall)
            record(name, "release binary MB", os.path.getsize(os.path.join(target, "release", binary)) / 1e6)
            print(f"run {run} {name:>5} release  CPU {cpu:6.1f} s  wall {wall:6.1f} s", flush=True)
        if "check" in steps:
            subprocess.run(["rm", "-rf", target], check=True)
            cpu, wall, _, _ = cargo(name, "check", target)
            record(name, "check cpu", cpu)
            record(name, "check wall", wall)
            print(f"run {run} {name:>5} check    CPU {cpu:6.1f} s  wall {wall:6.1f} s", flush=True)
        subprocess.run(["rm", "-rf", target], check=True)

figures = [f for f in ["debug cpu", "debug wall", "release cpu", "release wall", "check cpu", "check wall",
                       "edit cpu", "edit wall", "debug binary MB", "release binary MB", "peak MiB", "crates"]
           if ("bare", f) in results]
median = {key: statistics.median(values) for key, values in results.items()}
print(f"\nmedians of {runs} run(s)")
print(f"{'':<18}{'bare':>9}{'floor':>9}{'crate':>9}   crate/floor  floor/bare  crate/bare  crate-floor")
for figure in figures:
    bare, floor, crate = (median[(name, figure)] for name, _ in PROGRAMS)
    print(f"{figure:<18}{bare:9.1f}{floor:9.1f}{crate:9.1f}   {crate/floor:10.2f}x {floor/bare:10.2f}x"
          f" {crate/bare:10.2f}x {crate-floor:+11.1f}")
for name, note in notes.items():
    print(f"edit main.rs, {name}: {note}")
PY
