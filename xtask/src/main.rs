//! Build automation for the store, in Rust rather than shell scripts.
//!
//! ```text
//! cargo xtask build    release build: front end into dist/, server into target/release/cart-api
//! cargo xtask build --remote <name> [--canary <percent>] [--base-url <origin>]   one remote alone
//! cargo xtask demo     build, then serve the store on http://127.0.0.1:8080
//! cargo xtask dev [<remote>]   live reload: the whole store, or one remote alone on its own page
//! cargo xtask test [--postgres]   every check and test, cheapest first: fmt, clippy, boundaries,
//!                      the build, unit, contract and API tests, the browser journeys; with
//!                      --postgres the API tests, a load test and the journeys also run on PostgreSQL
//! cargo xtask test --list | --only <stage>...   the stages' names; the named stages alone
//! cargo xtask bench    sizes, page loads, clicks, API load and Lighthouse against floors and budgets
//! cargo xtask bench --api [--postgres] [--server PATH]   the API load rows alone (wrk)
//! cargo xtask bench --peer URL [--peer URL ...]   the whole bench, then this store's pages and
//!                      the peers' URLs side by side (Lighthouse and a cold load each)
//! cargo xtask size     where each bundle's bytes go (twiggy, by crate and by function)
//! cargo xtask loadtest [--shoppers 64] [--seconds 30] [--replicas 1] [--postgres]
//!                      virtual shoppers; zero errors, zero lost writes
//! cargo xtask screenshots   the README's pictures of the running store, into docs/screenshots/
//! cargo xtask new-remote <name>   a new remote crate from the template (page, event, test)
//! cargo xtask check-boundaries   the dependency rules between shell, remotes and cart-api
//! cargo xtask contracts          write new event schemas, regenerate docs/events.md and docs/openapi.json
//! ```
//!
//! The command line is declared once, in [`cli`]: `cargo xtask help` and `cargo xtask <command>
//! --help` come from it. Every command first installs the tools it needs when they are missing (see `tools`). Long
//! builds show one progress line each (elapsed, cargo's count of units, the time left);
//! `cargo xtask -v <command>` shows the compilers' own output instead.

mod bench;
mod boundaries;
mod cli;
mod cycles;
mod dev;
mod frontend;
mod loadtest;
mod postgres;
mod progress;
mod references;
mod scaffold;
mod schemathesis;
mod screenshots;
mod selfcheck;
mod size;
mod stages;
mod stats;
mod tools;
mod wrk;

use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode};

use anyhow::{anyhow, Context, Result};
use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.verbose {
        // Read by `progress` in this process and the ones it starts.
        std::env::set_var("XTASK_VERBOSE", "1");
    }
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(command: Command) -> Result<()> {
    let root = workspace_root();
    match command {
        Command::Build(cli::Build { remote: Some(remote), canary, base_url }) => {
            let rollout = canary.map_or(frontend::Rollout::Everyone, frontend::Rollout::Canary);
            let tools = tools::ensure_build_tools(&root)?;
            frontend::build_remote_at(&root, &tools, &remote, rollout, base_url.as_deref())
        }
        Command::Build(_) => build().map(|_| ()),
        Command::Demo => demo(),
        // The API rows alone, without building the front end.
        Command::Bench(cli::Bench { api: true, postgres, server: Some(other), .. }) => bench::api(&other, postgres),
        Command::Bench(cli::Bench { api: true, postgres, .. }) => bench::api(&server()?, postgres),
        Command::Bench(cli::Bench { peers, .. }) => bench::bench(&root, build()?, &peers),
        Command::Size => size::size(&root),
        Command::Test(args) => stages::test(args),
        Command::Dev { remote } => {
            tools::ensure_build_tools(&root).and_then(|tools| dev::dev(&root, &tools, remote.as_deref()))
        }
        Command::CheckScaffold => tools::ensure_build_tools(&root)
            .and_then(|tools| selfcheck::check_scaffold(&root, &tools, &target_dir(&root).join("release/cart-api"))),
        Command::NewRemote { name } => scaffold::new_remote(&root, &name),
        Command::Screenshots => build().and_then(|server| screenshots::screenshots(&root, server)),
        Command::Loadtest(args) => {
            let options = loadtest::Options::from(args);
            let server = match &options.server {
                Some(other) => other.clone(),
                None => server()?,
            };
            loadtest::loadtest(&server, options)
        }
        Command::CheckBoundaries => boundaries::check(&root).and_then(|()| references::check(&root)),
        Command::Contracts => run(cargo()
            .args(["test", "-p", "contracts", "--test", "governance"])
            .env("UPDATE_CONTRACTS", "1"))
        .and_then(|()| run(cargo().args(["test", "-p", "cart-api", "--lib", "openapi"]).env("UPDATE_CONTRACTS", "1"))),
    }
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

pub fn step(message: &str) {
    println!("\n==> {message}");
}

/// The workspace at `root` as cargo sees it (its own packages only): which crates there are,
/// where, and what they depend on.
pub fn metadata(root: &Path) -> Result<cargo_metadata::Metadata> {
    cargo_metadata::MetadataCommand::new()
        .current_dir(root)
        .no_deps()
        .exec()
        .with_context(|| format!("cargo metadata in {}", root.display()))
}

/// Runs a command with inherited output, failing with its description.
pub fn run(command: &mut Process) -> Result<()> {
    let description = format!("{command:?}");
    let status = command.status().with_context(|| format!("cannot start {description}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(anyhow!("{description} failed ({status})"))
    }
}

pub fn cargo() -> Process {
    cargo_in(&workspace_root())
}

/// Cargo in the workspace at `root` (the scaffolder's check works in a copy of this one).
pub fn cargo_in(root: &Path) -> Process {
    let mut command = Process::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root);
    command
}

/// A TCP port on loopback that nothing listens on right now.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR`, else `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

/// `build --remote <name> [--canary <percent>]`
/// The release servers (no front end): cart-api, and the shell's composer and the remotes'
/// server halves next to it (`target/release/`), where the journeys and the demo find them.
fn server() -> Result<PathBuf> {
    step("Building cart-api, the composer and the server halves (release)");
    let mut build = cargo();
    build.args(["build", "--release", "-p", "cart-api", "-p", "composer"]);
    for (package, binary) in SERVER_HALVES {
        build.args(["-p", package, "--bin", binary, "--features", &format!("{package}/server")]);
    }
    progress::run(build.args(["--bin", "cart-api", "--bin", "composer"]))?;
    Ok(target_dir(&workspace_root()).join("release/cart-api"))
}

/// The remotes with a server half: (package, binary).
pub use e2e::server_rendering::SERVER_HALVES;

/// The release build. Returns the path of the server binary.
pub fn build_release() -> Result<PathBuf> {
    build()
}

fn build() -> Result<PathBuf> {
    let root = workspace_root();
    let tools = tools::ensure_build_tools(&root)?;
    frontend::build(&root, &tools)?;
    let server = server()?;
    println!("\nBuilt: front end in {}, server at {}", root.join("dist").display(), server.display());
    Ok(server)
}

fn demo() -> Result<()> {
    let server = build()?;
    let root = workspace_root();
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let rendering = start_server_rendering(&server, &root.join("dist"), &format!("http://{addr}"))?;
    step(&format!("Starting the store on http://{addr} (Ctrl-C stops it)"));
    let result = run(Process::new(&server)
        .current_dir(&root)
        .env("ADDR", &addr)
        .env("DIST_DIR", root.join("dist"))
        .env("COMPOSER_URL", &rendering.composer_url));
    drop(rendering);
    result
}

/// The composer and the remotes' server halves of the demo, stopped when dropped.
struct ServerRendering {
    composer_url: String,
    children: Vec<std::process::Child>,
}

impl Drop for ServerRendering {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts the composer and each server half on fixed ports next to the store's (`COMPOSER_ADDR`,
/// default 127.0.0.1:8090; server halves from 8091) and writes the server halves' addresses into
/// the manifest of `dist`: the deployment of a server half, by hand.
fn start_server_rendering(cart_api: &Path, dist: &Path, api: &str) -> Result<ServerRendering> {
    let composer_addr = std::env::var("COMPOSER_ADDR").unwrap_or_else(|_| "127.0.0.1:8090".into());
    let spawn = |binary: &str, addr: &str| {
        Process::new(cart_api.with_file_name(binary))
            .env("ADDR", addr)
            .env("CART_API_URL", api)
            .spawn()
            .with_context(|| format!("cannot start {binary}"))
    };
    let mut rendering = ServerRendering { composer_url: format!("http://{composer_addr}"), children: Vec::new() };
    rendering.children.push(spawn("composer", &composer_addr)?);
    let manifest_path = dist.join("remotes.json");
    let mut manifest: contracts::manifest::RemoteManifest =
        serde_json::from_slice(&std::fs::read(&manifest_path).with_context(|| format!("{}", manifest_path.display()))?)
            .with_context(|| format!("{}", manifest_path.display()))?;
    for (i, (package, binary)) in SERVER_HALVES.iter().enumerate() {
        let addr = format!("127.0.0.1:{}", 8091 + i);
        rendering.children.push(spawn(binary, &addr)?);
        if let Some(entry) = manifest.remotes.iter_mut().find(|e| e.name == *package) {
            entry.release.server = Some(format!("http://{addr}"));
        }
    }
    frontend::write_manifest(dist, &manifest)?;
    Ok(rendering)
}
