//! How the action gets srm-lint (`action/install.sh`): the release binary for a version tag,
//! verified by its SHA-256 before it is extracted, or a build from source for a branch, a commit
//! or a runner the release has no binary for. The release is a local directory read through
//! `file://` (no network); its archive holds a wrapper that runs this build's srm-lint.

use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

struct Install {
    code: i32,
    stdout: String,
    outputs: String,
}

impl Install {
    fn output(&self, key: &str) -> Option<&str> {
        self.outputs
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
    }
}

/// `install.sh MODE` with `RUNNER_TEMP` in `temp` and the variables in `env`.
fn install(mode: &str, temp: &Path, env: &[(&str, &str)]) -> Install {
    let outputs = temp.join(format!("outputs-{mode}.txt"));
    let _ = std::fs::remove_file(&outputs);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new("bash");
    cmd.arg(root.join("action/install.sh"))
        .arg(mode)
        .current_dir(temp)
        .env("GITHUB_ACTION_PATH", root)
        .env("RUNNER_TEMP", temp)
        .env("GITHUB_OUTPUT", &outputs)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env_remove("ACTION_REF")
        .env_remove("SRM_LINT_RELEASE_URL")
        .env_remove("CACHE_HIT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run action/install.sh");
    Install {
        code: out.status.code().unwrap_or(-1),
        stdout: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
    }
}

fn sha256(file: &Path) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            "import hashlib,sys;print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())",
        ])
        .arg(file)
        .output()
        .expect("python3");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A release directory as release.yml lays it out: `srm-lint-VERSION-TARGET.tar.gz` (or `.zip`)
/// holding `srm-lint-VERSION-TARGET/srm-lint[.exe]`, and its `.sha256` ("HASH  FILE").
fn fake_release(dir: &Path, target: &str, zip: bool) -> PathBuf {
    let name = format!("srm-lint-{VERSION}-{target}");
    let stage = dir.join("stage");
    std::fs::create_dir_all(stage.join(&name)).expect("mkdir");
    let exe = if zip { "srm-lint.exe" } else { "srm-lint" };
    let wrapper = stage.join(&name).join(exe);
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec '{}' \"$@\"\n",
            env!("CARGO_BIN_EXE_srm-lint")
        ),
    )
    .expect("write");
    let release = dir.join("release");
    std::fs::create_dir_all(&release).expect("mkdir");
    let archive = if zip {
        let archive = release.join(format!("{name}.zip"));
        let ok = Command::new("python3")
            .args([
                "-c",
                "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1],'w');z.write(sys.argv[2],sys.argv[3]);z.close()",
            ])
            .arg(&archive)
            .arg(&wrapper)
            .arg(format!("{name}/{exe}"))
            .status()
            .expect("python3");
        assert!(ok.success());
        archive
    } else {
        let archive = release.join(format!("{name}.tar.gz"));
        let ok = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(&stage)
            .arg(&name)
            .status()
            .expect("tar");
        assert!(ok.success());
        archive
    };
    let file = archive.file_name().expect("name").to_string_lossy();
    std::fs::write(
        release.join(format!("{file}.sha256")),
        format!("{}  {file}\n", sha256(&archive)),
    )
    .expect("write");
    archive
}

fn file_url(dir: &Path) -> String {
    format!("file://{}", dir.display())
}

/// The plan's outputs as the release step's environment.
fn planned(plan: &Install) -> Vec<(&'static str, String)> {
    [
        ("PLAN_VERSION", "version"),
        ("PLAN_TARGET", "target"),
        ("PLAN_ARCHIVE", "archive"),
    ]
    .iter()
    .map(|(env, key)| (*env, plan.output(key).unwrap_or_default().to_string()))
    .collect()
}

fn with<'a>(plan: &'a [(&'static str, String)], url: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut env: Vec<(&str, &str)> = plan.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.push(("SRM_LINT_RELEASE_URL", url));
    env
}

#[test]
fn a_version_tag_installs_the_verified_release_binary_and_reuses_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let temp = dir.path().join("runner-temp");
    std::fs::create_dir_all(&temp).expect("mkdir");
    let tag = format!("v{VERSION}");
    let plan = install("plan", &temp, &[("ACTION_REF", &tag)]);
    assert_eq!(plan.code, 0, "{}", plan.stdout);
    assert_eq!(plan.output("method"), Some("release"), "{}", plan.outputs);
    let archive = format!("srm-lint-{VERSION}-x86_64-unknown-linux-musl.tar.gz");
    assert_eq!(plan.output("archive"), Some(archive.as_str()));
    fake_release(dir.path(), "x86_64-unknown-linux-musl", false);
    let url = file_url(&dir.path().join("release"));
    let env = planned(&plan);
    let r = install("release", &temp, &with(&env, &url));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("SHA-256 of {archive} verified")),
        "{}",
        r.stdout
    );
    let bin = temp.join("srm-lint-release/bin/srm-lint");
    assert_eq!(r.output("bin"), Some(bin.to_string_lossy().as_ref()));
    // The installed binary runs: its version, and a scan with a finding (exit 1).
    let out = Command::new(&bin)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["testdata/exit-codes/findings", "--format", "compact"])
        .output()
        .expect("run the installed binary");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("SRM-S3-004"));
    // Restored by the cache: kept, nothing downloaded (the release is gone).
    std::fs::remove_dir_all(dir.path().join("release")).expect("rm");
    let again = install("release", &temp, &with(&env, &url));
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(
        again
            .stdout
            .contains(&format!("srm-lint {VERSION} restored from the cache")),
        "{}",
        again.stdout
    );
}

#[test]
fn a_tampered_or_missing_archive_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let temp = dir.path().join("runner-temp");
    std::fs::create_dir_all(&temp).expect("mkdir");
    let tag = format!("v{VERSION}");
    let plan = install("plan", &temp, &[("ACTION_REF", &tag)]);
    let archive = fake_release(dir.path(), "x86_64-unknown-linux-musl", false);
    let mut bytes = std::fs::read(&archive).expect("read");
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&archive, &bytes).expect("write");
    let url = file_url(&dir.path().join("release"));
    let env = planned(&plan);
    let r = install("release", &temp, &with(&env, &url));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let file = archive.file_name().expect("name").to_string_lossy();
    assert!(
        r.stdout.contains(&format!(
            "::error title=srm-lint install::SHA-256 mismatch for {file}: the release says "
        )),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("not installing it"), "{}", r.stdout);
    assert_eq!(r.output("bin"), None, "{}", r.outputs);
    assert!(!temp.join("srm-lint-release").exists());
    // No such asset (an HTTP 404, here a missing file): a clear error, not a silent fallback.
    std::fs::remove_file(&archive).expect("rm");
    let r = install("release", &temp, &with(&env, &url));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!(
            "::error title=srm-lint install::could not download {url}/{file}"
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn a_windows_runner_gets_the_zip_and_the_exe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let temp = dir.path().join("runner-temp");
    std::fs::create_dir_all(&temp).expect("mkdir");
    let tag = format!("v{VERSION}");
    let windows = [("ACTION_REF", tag.as_str()), ("RUNNER_OS", "Windows")];
    let plan = install("plan", &temp, &windows);
    let zip = format!("srm-lint-{VERSION}-x86_64-pc-windows-msvc.zip");
    assert_eq!(
        plan.output("archive"),
        Some(zip.as_str()),
        "{}",
        plan.stdout
    );
    fake_release(dir.path(), "x86_64-pc-windows-msvc", true);
    let url = file_url(&dir.path().join("release"));
    let env = planned(&plan);
    let mut env = with(&env, &url);
    env.push(("RUNNER_OS", "Windows"));
    let r = install("release", &temp, &env);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let bin = temp.join("srm-lint-release/bin/srm-lint.exe");
    assert_eq!(r.output("bin"), Some(bin.to_string_lossy().as_ref()));
}

#[test]
fn the_plan_picks_the_release_asset_or_says_it_builds_from_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tag = format!("v{VERSION}");
    let major = format!("v{}", VERSION.split('.').next().unwrap_or_default());
    let release = |reference: &str, os: &str, arch: &str, target: &str| {
        let p = install(
            "plan",
            dir.path(),
            &[
                ("ACTION_REF", reference),
                ("RUNNER_OS", os),
                ("RUNNER_ARCH", arch),
            ],
        );
        assert_eq!(
            p.output("method"),
            Some("release"),
            "{reference} {os} {arch}"
        );
        let archive = format!("srm-lint-{VERSION}-{target}.tar.gz");
        assert_eq!(p.output("archive"), Some(archive.as_str()));
    };
    release(&tag, "Linux", "ARM64", "aarch64-unknown-linux-musl");
    release(&tag, "macOS", "X64", "x86_64-apple-darwin");
    release(&tag, "macOS", "ARM64", "aarch64-apple-darwin");
    // A moving major tag points at a commit whose Cargo.toml names the release.
    release(&major, "Linux", "X64", "x86_64-unknown-linux-musl");
    let source = |reference: &str, os: &str, arch: &str, said: &str| {
        let p = install(
            "plan",
            dir.path(),
            &[
                ("ACTION_REF", reference),
                ("RUNNER_OS", os),
                ("RUNNER_ARCH", arch),
            ],
        );
        assert_eq!(p.code, 0, "{}", p.stdout);
        assert_eq!(
            p.output("method"),
            Some("source"),
            "{reference}: {}",
            p.stdout
        );
        assert_eq!(p.output("archive"), Some(""));
        assert!(p.stdout.contains(said), "{reference}: {}", p.stdout);
        assert!(
            p.stdout.contains("building srm-lint from source"),
            "{}",
            p.stdout
        );
        p
    };
    source(
        "main",
        "Linux",
        "X64",
        "the action ref main is not a version tag",
    );
    let sha = "0123456789abcdef0123456789abcdef01234567";
    source(
        sha,
        "Linux",
        "X64",
        "is not a version tag (a branch or a commit)",
    );
    source("", "Linux", "X64", "the action has no ref (a local action)");
    source(
        &tag,
        "Windows",
        "ARM64",
        &format!("release {VERSION} has no srm-lint binary for Windows ARM64"),
    );
    let other = source(
        "v999.0.0",
        "Linux",
        "X64",
        &format!("does not match the version in the action's Cargo.toml ({VERSION})"),
    );
    assert!(
        other
            .stdout
            .contains("::warning title=srm-lint install::the action ref v999.0.0"),
        "{}",
        other.stdout
    );
}

#[test]
fn the_source_build_runs_cargo_install_from_the_action() {
    let dir = tempfile::tempdir().expect("tempdir");
    let temp = dir.path().join("runner-temp");
    let stubs = dir.path().join("stubs");
    std::fs::create_dir_all(&temp).expect("mkdir");
    std::fs::create_dir_all(&stubs).expect("mkdir");
    // A cargo that records its arguments and installs a binary under --root.
    let cargo = stubs.join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\nwhile [ \"$1\" != --root ]; do shift; done\n\
             mkdir -p \"$2/bin\" && printf '#!/bin/sh\\n' > \"$2/bin/srm-lint\" && chmod +x \"$2/bin/srm-lint\"\n",
            dir.path().join("cargo-args").display()
        ),
    )
    .expect("write");
    let made = Command::new("chmod")
        .arg("+x")
        .arg(&cargo)
        .status()
        .expect("chmod");
    assert!(made.success());
    let path = format!(
        "{}:{}",
        stubs.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let r = install("source", &temp, &[("PATH", &path)]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("building from source"), "{}", r.stdout);
    let args = std::fs::read_to_string(dir.path().join("cargo-args")).expect("cargo ran");
    let root = env!("CARGO_MANIFEST_DIR");
    assert!(
        args.starts_with(&format!(
            "install --locked --force --features guard --path {root} --root {}",
            temp.join("srm-lint").display()
        )),
        "{args}"
    );
    let bin = temp.join("srm-lint/bin/srm-lint");
    assert_eq!(r.output("bin"), Some(bin.to_string_lossy().as_ref()));
    // A cache hit with the binary there: cargo is not run again.
    std::fs::remove_file(dir.path().join("cargo-args")).expect("rm");
    let r = install("source", &temp, &[("PATH", &path), ("CACHE_HIT", "true")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("srm-lint restored from the cache"));
    assert!(!dir.path().join("cargo-args").exists());
}

/// action.yml runs these steps, keys the binary's cache by version, OS and architecture, builds
/// only when the plan says so, and scans with whichever binary was installed.
#[test]
fn action_yml_installs_by_the_plan() {
    let yml = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml");
    for part in [
        "run: '\"$GITHUB_ACTION_PATH/action/install.sh\" plan'",
        "run: '\"$GITHUB_ACTION_PATH/action/install.sh\" release'",
        "run: '\"$GITHUB_ACTION_PATH/action/install.sh\" source'",
        "key: srm-lint-release-${{ steps.plan.outputs.version }}-${{ runner.os }}-${{ runner.arch }}",
        "SRM_LINT: ${{ steps.release.outputs.bin || steps.build.outputs.bin }}",
    ] {
        assert!(yml.contains(part), "no {part:?}");
    }
    assert_eq!(
        yml.matches("if: steps.plan.outputs.method == 'source'")
            .count(),
        3
    );
    assert!(!yml.contains("TODO(issue 22"));
}

/// The asset names the plan asks for are the ones release.yml builds: every target the plan knows
/// is in its matrix, archived as `srm-lint-VERSION-TARGET` with a `.sha256`.
#[test]
fn the_plan_asks_for_assets_release_yml_builds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let release =
        std::fs::read_to_string(root.join(".github/workflows/release.yml")).expect("release.yml");
    let script = std::fs::read_to_string(root.join("action/install.sh")).expect("install.sh");
    let targets: Vec<&str> = script
        .lines()
        .filter_map(|l| l.trim().split_once(") echo ")?.1.strip_suffix(" ;;"))
        .collect();
    assert_eq!(targets.len(), 5, "{targets:?}");
    for t in targets {
        assert!(release.contains(&format!("target: {t} }}")), "{t}");
    }
    for part in [
        "name=\"srm-lint-$VERSION-$TARGET\"",
        "archive=\"$name.zip\"",
        "archive=\"$name.tar.gz\"",
        "sha256sum \"$archive\" > \"$archive.sha256\"",
    ] {
        assert!(release.contains(part), "release.yml: no {part:?}");
    }
}
