//! Installs what the build and the tests need when it is missing, at the exact versions the
//! project is pinned to: trunk, wasm-bindgen-cli (the version in Cargo.lock), wasm-opt
//! (npm `binaryen`), the wasm32 target, and for the tests rustup's rustfmt and clippy (the gates),
//! Debian's Chromium and ChromeDriver and, with `--postgres`, Debian's PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};

use crate::{run, step};

pub const TRUNK_VERSION: &str = "0.21.14";
/// Debian's binaryen is too old for what current rustc emits; npm ships a recent one.
pub const BINARYEN_VERSION: &str = "132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// npm `esbuild`, which minifies the JS glue wasm-bindgen writes (trunk's own minifier cannot
/// read that glue).
pub const ESBUILD_VERSION: &str = "0.25.12";

/// Where the build tools live, to be put first on `PATH` for trunk.
pub struct Tools {
    pub bin_dirs: Vec<PathBuf>,
}

impl Tools {
    /// `PATH` with the tool directories first.
    pub fn path_env(&self) -> std::ffi::OsString {
        let current = std::env::var_os("PATH").unwrap_or_default();
        let dirs = self.bin_dirs.iter().cloned().chain(std::env::split_paths(&current));
        std::env::join_paths(dirs).unwrap_or(current)
    }

    /// Configures `cargo test --target wasm32-unknown-unknown` for headless Chromium.
    ///
    /// wasm-bindgen-test-runner gives ChromeDriver 5 s to bind its port, then gives up; on a
    /// cold CI machine the first start took longer and failed a green suite. The budgets here
    /// are ceilings, not delays: a warm start still takes well under a second.
    pub fn browser_tests<'a>(&self, cargo_test: &'a mut Command) -> &'a mut Command {
        cargo_test
            .env("PATH", self.path_env())
            .env("CHROMEDRIVER", chromedriver())
            .env("WASM_BINDGEN_TEST_DRIVER_TIMEOUT", "90")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
    }

    /// Configures a release build of wasm bundles (cargo, or trunk, which runs cargo): the standard
    /// library is rebuilt for size, and a panic is an immediate trap (`panic = "immediate-abort"`),
    /// which removes the panic machinery and its messages from every bundle (about 10 KB gzip
    /// each, measured with `cargo xtask size`). A panicking remote still only traps its own
    /// instance: the shell shows that slot's fallback.
    ///
    /// Both are unstable options of the stable toolchain, enabled through `RUSTC_BOOTSTRAP` for
    /// these builds only, and only for the wasm target: the server and the tools are built as
    /// usual.
    pub fn release_wasm<'a>(&self, build: &'a mut Command) -> &'a mut Command {
        build
            .env("PATH", self.path_env())
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", "-Zunstable-options -Cpanic=immediate-abort")
    }

    /// The JS module at `path`, minified (whitespace, comments, local names): a third of the
    /// glue's bytes.
    pub fn minify_js(&self, path: &Path) -> Result<Vec<u8>> {
        let out = self
            .command("esbuild")
            .args(["--minify", "--format=esm", "--log-level=warning"])
            .arg(path)
            .output()
            .context("esbuild")?;
        if !out.status.success() {
            bail!("esbuild {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        }
        Ok(out.stdout)
    }

    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("PATH", self.path_env());
        command
    }
}

/// Runs `program args` and returns its stdout when it succeeds.
fn output(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn cargo_bin_dir() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

pub fn ensure_build_tools(root: &Path) -> Result<Tools> {
    ensure_wasm_target()?;
    ensure_rust_src()?;
    let cargo_bin = cargo_bin_dir();
    ensure_cargo_tool(&cargo_bin, "trunk", "trunk", TRUNK_VERSION, true)?;
    let bindgen = wasm_bindgen_version(root)?;
    // Without --locked: a dependency of its lock file is missing from the registry here.
    ensure_cargo_tool(&cargo_bin, "wasm-bindgen-cli", "wasm-bindgen", &bindgen, false)?;
    let node_bin = ensure_wasm_opt(root)?;
    Ok(Tools { bin_dirs: vec![node_bin, cargo_bin] })
}

pub fn ensure_wasm_target() -> Result<()> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    step(&format!("Installing the Rust target {WASM_TARGET}"));
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// twiggy, for `cargo xtask size`.
pub fn ensure_twiggy() -> Result<()> {
    ensure_cargo_tool(&cargo_bin_dir(), "twiggy", "twiggy", TWIGGY_VERSION, true)
}

pub const TWIGGY_VERSION: &str = "0.8.0";

/// The standard library's source, which `release_wasm` builds from, and the crates it depends
/// on: trunk runs cargo `--offline`, so they must be in the registry cache before it does.
fn ensure_rust_src() -> Result<()> {
    ensure_component("rust-src")?;
    let sysroot = output("rustc", &["--print", "sysroot"]).context("`rustc --print sysroot` failed")?;
    let library = Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/Cargo.toml");
    // The library's manifest uses unstable cargo features; fetching is quick once cached.
    run(crate::cargo().arg("fetch").arg("--quiet").arg("--manifest-path").arg(&library).env("RUSTC_BOOTSTRAP", "1"))
}

/// A rustup component of the toolchain (`rust-src`, `clippy`, `rustfmt`), added when missing.
pub fn ensure_component(name: &str) -> Result<()> {
    let installed = output("rustup", &["component", "list", "--installed"]).unwrap_or_default();
    // `rust-src`, `clippy-x86_64-unknown-linux-gnu`
    let prefix = format!("{name}-");
    if !installed.lines().map(str::trim).any(|l| l == name || l.starts_with(&prefix)) {
        step(&format!("Installing the Rust component {name}"));
        run(Command::new("rustup").args(["component", "add", name]))?;
    }
    Ok(())
}

fn ensure_cargo_tool(bin_dir: &Path, krate: &str, binary: &str, version: &str, locked: bool) -> Result<()> {
    let found = output(bin_dir.join(binary), &["--version"]).unwrap_or_default();
    // `trunk 0.21.14`, `wasm-bindgen 0.2.130`
    if found.split_whitespace().nth(1) == Some(version) {
        return Ok(());
    }
    step(&format!("Installing {krate} {version} (once; this takes a few minutes)"));
    let mut install = crate::cargo();
    install.args(["install", krate, "--version", version, "--force"]);
    // The tools' own speed hardly matters next to the first run's wait for them: no LTO, many
    // codegen units and light optimisation compile them in about half the time.
    install
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false");
    if locked {
        install.arg("--locked");
    }
    crate::progress::run(&mut install)
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("Cargo.lock")?;
    lock_version(&lock, "wasm-bindgen").context("wasm-bindgen is not in Cargo.lock")
}

fn lock_version(lock: &str, package: &str) -> Option<String> {
    let wanted = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}

/// Installs `binaryen` (wasm-opt) and `esbuild` from npm into `target/tools` and returns their
/// bin directory.
fn ensure_wasm_opt(root: &Path) -> Result<PathBuf> {
    let prefix = root.join("target/tools");
    let bin = prefix.join("node_modules/.bin");
    let wasm_opt = output(bin.join("wasm-opt"), &["--version"]).unwrap_or_default();
    let esbuild = output(bin.join("esbuild"), &["--version"]).unwrap_or_default();
    let mut missing = Vec::new();
    if !wasm_opt.contains(&format!("version {BINARYEN_VERSION}")) {
        missing.push(format!("binaryen@{BINARYEN_VERSION}"));
    }
    if esbuild.trim() != ESBUILD_VERSION {
        missing.push(format!("esbuild@{ESBUILD_VERSION}"));
    }
    if missing.is_empty() {
        return Ok(bin);
    }
    step(&format!("Installing {} (npm)", missing.join(" and ")));
    std::fs::create_dir_all(&prefix)?;
    run(Command::new("npm").args(["install", "--no-audit", "--no-fund", "--prefix"]).arg(&prefix).args(&missing))
        .context("wasm-opt and esbuild come from npm: install Node.js and npm first")?;
    Ok(bin)
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| CHROMEDRIVER.into())
}

/// Debian's Chromium and ChromeDriver for the browser journeys.
pub fn ensure_browser() -> Result<()> {
    let chromium = std::env::var("CHROME_BIN").unwrap_or_else(|_| CHROMIUM.into());
    let driver = chromedriver();
    if Path::new(&chromium).exists() && Path::new(&driver).exists() {
        return Ok(());
    }
    step("Installing Chromium and ChromeDriver (Debian packages)");
    apt_install(&["chromium", "chromium-driver"])
}

/// Debian's `wrk`, the bench's HTTP load generator: its path, installed with apt when missing.
pub fn ensure_wrk() -> Result<PathBuf> {
    let wrk = PathBuf::from("/usr/bin/wrk");
    if !wrk.exists() {
        step("Installing wrk (Debian package)");
        apt_install(&["wrk"])?;
    }
    Ok(wrk)
}

/// Debian's PostgreSQL server programs (`initdb`, `postgres`, `pg_isready`): their directory,
/// installed with apt when missing.
pub fn ensure_postgres() -> Result<PathBuf> {
    if let Some(bin) = postgres_bin() {
        return Ok(bin);
    }
    step("Installing PostgreSQL (Debian package)");
    // The package's own scripts try to start the system's cluster, which fails where there is
    // no init system; what matters here is only that the programs are on disk.
    let installed = apt_install(&["postgresql"]);
    postgres_bin().ok_or_else(|| match installed {
        Err(e) => e.context("cannot install PostgreSQL"),
        Ok(()) => anyhow!("apt installed postgresql, but there is no /usr/lib/postgresql/<version>/bin/postgres"),
    })
}

/// The newest `/usr/lib/postgresql/<version>/bin` that holds a server.
fn postgres_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| Some((entry.file_name().to_str()?.parse().ok()?, entry.path().join("bin"))))
        .filter(|(_, bin)| bin.join("postgres").exists() && bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

pub fn running_as_root() -> bool {
    output("id", &["-u"]).is_some_and(|id| id.trim() == "0")
}

/// `apt-get install` of Debian packages, through sudo unless this is root.
fn apt_install(packages: &[&str]) -> Result<()> {
    let root = running_as_root();
    let apt = |args: &[&str]| {
        let mut command = if root { Command::new("apt-get") } else { Command::new("sudo") };
        if !root {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run(&mut apt(&["update", "-qq"]))?;
    run(apt(&["install", "-y", "-qq"]).args(packages))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_a_version_from_the_lock_file() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.1\"\n";
        assert_eq!(super::lock_version(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(super::lock_version(lock, "wasm-bindgen-futures").as_deref(), Some("0.4.1"));
        assert_eq!(super::lock_version(lock, "leptos"), None);
    }
}
