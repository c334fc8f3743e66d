//! `cargo xtask test`: every check and test of the store, as named stages, cheapest first.
//!
//! ```text
//! cargo xtask test [--postgres]         every stage, in order
//! cargo xtask test --list               the stages' names, in order
//! cargo xtask test --only <stage>...    the named stages alone (`--only` may be given more than once)
//! ```
//!
//! Each stage says when it starts and when it ends, with its time; the run closes with a table of
//! the stages. The first stage that fails stops the run (the ones after it are listed as not run).
//! Output is streamed to the terminal as it comes, so a failing stage's logs are just above its
//! `<==` line.
//!
//! Long because it is the one table of the test command: every stage's name, order, title and
//! body side by side, so that adding or moving a stage is one edit in one place.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use test_support::POSTGRES_ENV;

use crate::cli::Test;
use crate::{
    boundaries, cargo, frontend, loadtest, postgres, references, schemathesis, selfcheck, tools, workspace_root,
};

/// A stage of `cargo xtask test`. `STAGES` holds them in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Fmt,
    Clippy,
    Boundaries,
    Build,
    Unit,
    ApiPostgres,
    ApiContract,
    WasmUnit,
    Rebuild,
    Scaffold,
    DevHost,
    Loadtest,
    LoadtestPostgres,
    Journeys,
    JourneysPostgres,
}

pub const STAGES: [Stage; 15] = [
    Stage::Fmt,
    Stage::Clippy,
    Stage::Boundaries,
    Stage::Build,
    Stage::Unit,
    Stage::ApiPostgres,
    Stage::ApiContract,
    Stage::WasmUnit,
    Stage::Rebuild,
    Stage::Scaffold,
    Stage::DevHost,
    Stage::Loadtest,
    Stage::LoadtestPostgres,
    Stage::Journeys,
    Stage::JourneysPostgres,
];

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Fmt => "fmt",
            Stage::Clippy => "clippy",
            Stage::Boundaries => "boundaries",
            Stage::Build => "build",
            Stage::Unit => "unit",
            Stage::ApiPostgres => "api-postgres",
            Stage::ApiContract => "api-contract",
            Stage::WasmUnit => "wasm-unit",
            Stage::Rebuild => "rebuild",
            Stage::Scaffold => "scaffold",
            Stage::DevHost => "dev-host",
            Stage::Loadtest => "loadtest",
            Stage::LoadtestPostgres => "loadtest-postgres",
            Stage::Journeys => "journeys",
            Stage::JourneysPostgres => "journeys-postgres",
        }
    }

    pub fn about(self) -> &'static str {
        match self {
            Stage::Fmt => "Formatting (`cargo fmt --all --check`, rustfmt.toml)",
            Stage::Clippy => "Lints, warnings denied: clippy on the native crates, then on the wasm crates for wasm32",
            Stage::Boundaries => "Checking the boundaries between crates and that every path the docs name exists",
            Stage::Build => "The release build: front end into dist/, server into target/release/cart-api",
            Stage::Unit => "Unit, contract and API tests; the composer; the server halves' renders",
            Stage::ApiPostgres => "cart-api's tests again, on PostgreSQL (with --postgres or TEST_POSTGRES_URL)",
            Stage::ApiContract => {
                "schemathesis fuzzes the running cart-api from its OpenAPI document (docs/openapi.json)"
            }
            Stage::WasmUnit => "Contract helpers and the remotes' unit tests in headless Chromium (wasm-bindgen-test)",
            Stage::Rebuild => "Remotes deploy independently: rebuild one, compare every file of dist/",
            Stage::Scaffold => "The remote scaffolder, in a copy of the workspace",
            Stage::DevHost => "The standalone host of `cargo xtask dev <remote>`",
            Stage::Loadtest => "A short load test: no errors, no lost writes (the full one is `cargo xtask loadtest`)",
            Stage::LoadtestPostgres => {
                "The short load test on PostgreSQL, through two cart-api processes (with --postgres)"
            }
            Stage::Journeys => "Browser journeys (headless Chromium)",
            Stage::JourneysPostgres => {
                "The browser journeys again, with the store on PostgreSQL (with --postgres or TEST_POSTGRES_URL)"
            }
        }
    }

    /// Stages that run against the release build (`dist/` and the server binary): `--only` brings
    /// `build` along with them, so they never test a stale build.
    pub fn needs_build(self) -> bool {
        matches!(
            self,
            Stage::ApiContract
                | Stage::Rebuild
                | Stage::Scaffold
                | Stage::DevHost
                | Stage::Loadtest
                | Stage::LoadtestPostgres
                | Stage::Journeys
                | Stage::JourneysPostgres
        )
    }

    pub fn from_name(name: &str) -> Option<Stage> {
        STAGES.into_iter().find(|stage| stage.name() == name)
    }
}

/// The stages to run, in their usual order: all of them, or those of `--only` (each at most once)
/// and `build` when one of them needs it.
pub fn select(only: &[String]) -> Result<Vec<Stage>> {
    if only.is_empty() {
        return Ok(STAGES.to_vec());
    }
    let mut wanted = Vec::new();
    for name in only {
        let stage = Stage::from_name(name).with_context(|| {
            let names: Vec<_> = STAGES.iter().map(|s| s.name()).collect();
            format!("no stage named `{name}`; the stages are: {}", names.join(", "))
        })?;
        wanted.push(stage);
    }
    if wanted.iter().any(|s| s.needs_build()) {
        wanted.push(Stage::Build);
    }
    Ok(STAGES.into_iter().filter(|s| wanted.contains(s)).collect())
}

/// `--list`: one stage a line, its name then what it does.
pub fn list() -> String {
    let width = STAGES.iter().map(|s| s.name().len()).max().unwrap_or(0);
    STAGES.iter().map(|s| format!("{:<width$}  {}\n", s.name(), s.about())).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

/// One line of the closing table.
#[derive(Debug)]
pub struct Row {
    pub stage: Stage,
    pub status: Status,
    /// `None` for a stage that did not run.
    pub time: Option<Duration>,
    /// Test counts, or why the stage was skipped.
    pub detail: String,
}

/// `4.2 s`, `3 min 07 s`.
pub fn duration(time: Duration) -> String {
    let seconds = time.as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let whole = time.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

/// The closing table: stage, result, time and detail, in columns.
pub fn table(rows: &[Row]) -> String {
    let lines: Vec<[String; 4]> = rows
        .iter()
        .map(|row| {
            [
                row.stage.name().to_string(),
                row.status.word().to_string(),
                row.time.map(duration).unwrap_or_default(),
                row.detail.clone(),
            ]
        })
        .collect();
    let header = ["stage", "result", "time", ""].map(String::from);
    let mut widths = [0; 3];
    for line in std::iter::once(&header).chain(&lines) {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.len());
        }
    }
    let [w0, w1, w2] = widths;
    std::iter::once(&header)
        .chain(&lines)
        .map(|[stage, result, time, detail]| {
            format!("{stage:<w0$}  {result:<w1$}  {time:>w2$}  {detail}").trim_end().to_string() + "\n"
        })
        .collect()
}

/// `cargo xtask test`.
pub fn test(args: Test) -> Result<()> {
    if args.list {
        print!("{}", list());
        return Ok(());
    }
    let stages = select(&args.only)?;
    let mut run = Run::new(args.postgres);
    let mut rows = Vec::new();
    let mut failure: Option<(Stage, usize, String)> = None;
    for (i, &stage) in stages.iter().enumerate() {
        if let Some((failed, _, _)) = &failure {
            let detail = format!("not run: `{}` failed", failed.name());
            rows.push(Row { stage, status: Status::Skipped, time: None, detail });
            continue;
        }
        let needed = if args.only.iter().any(|n| n == stage.name()) || args.only.is_empty() {
            String::new()
        } else {
            " (needed by the stages after it)".to_string()
        };
        println!("\n==> stage {}/{} `{}`{needed}: {}", i + 1, stages.len(), stage.name(), stage.about());
        let (passed, failed) = (run.tally.passed, run.tally.failed);
        let started = Instant::now();
        let result = run.stage(stage);
        let time = started.elapsed();
        let tests = match (run.tally.passed - passed, run.tally.failed - failed) {
            (0, 0) => String::new(),
            (passed, failed) => format!("{passed} tests passed, {failed} failed"),
        };
        let row = match result {
            Ok(Outcome::Ran) => {
                println!("<== stage `{}` passed in {}", stage.name(), duration(time));
                Row { stage, status: Status::Passed, time: Some(time), detail: tests }
            }
            Ok(Outcome::Skipped(reason)) => {
                println!("<== stage `{}` skipped: {reason}", stage.name());
                Row { stage, status: Status::Skipped, time: None, detail: reason }
            }
            Err(message) => {
                let message = format!("{message:#}");
                println!("<== stage `{}` FAILED after {}: {message}", stage.name(), duration(time));
                failure = Some((stage, i + 1, message));
                Row { stage, status: Status::Failed, time: Some(time), detail: tests }
            }
        };
        rows.push(row);
    }
    // Stops the throwaway PostgreSQL server, if one was started.
    drop(run.throwaway.take());
    println!("\n{}", table(&rows));
    match failure {
        Some((stage, number, message)) => Err(anyhow!(
            "stage `{name}` failed: {message}\nIts output was streamed to the terminal (there are no log files): \
             it is above, from the line \"==> stage {number}/{total} `{name}`\". \
             Run it alone with `cargo xtask test --only {name}`.",
            name = stage.name(),
            total = stages.len(),
        )),
        None => {
            let what = if args.only.is_empty() { "All tests passed." } else { "The selected stages passed." };
            println!("{what}");
            // Stages such as fmt and clippy run no tests: no line of zeros for them alone.
            if run.tally.passed + run.tally.failed > 0 {
                println!("{} passed, {} failed", run.tally.passed, run.tally.failed);
            }
            Ok(())
        }
    }
}

enum Outcome {
    Ran,
    Skipped(String),
}

/// What the stages share: the server the build made, the PostgreSQL server, the test counts.
struct Run {
    root: PathBuf,
    with_postgres: bool,
    server: Option<PathBuf>,
    /// `TEST_POSTGRES_URL` as given: that server is used as it is.
    given: Option<String>,
    /// With `--postgres` and no `TEST_POSTGRES_URL`: started by the first stage that needs it.
    throwaway: Option<postgres::Postgres>,
    tally: Tally,
}

impl Run {
    fn new(with_postgres: bool) -> Run {
        Run {
            root: workspace_root(),
            with_postgres,
            server: None,
            given: std::env::var(POSTGRES_ENV).ok(),
            throwaway: None,
            tally: Tally::default(),
        }
    }

    fn server(&self) -> Result<PathBuf> {
        self.server.clone().context("the release build has not run")
    }

    /// A server named in the environment is used as it is; `--postgres` starts a throwaway one.
    fn postgres(&mut self) -> Result<Option<String>> {
        if let Some(url) = &self.given {
            return Ok(Some(url.clone()));
        }
        if !self.with_postgres {
            return Ok(None);
        }
        if self.throwaway.is_none() {
            self.throwaway = Some(postgres::Postgres::start()?);
        }
        Ok(self.throwaway.as_ref().map(|p| p.url.clone()))
    }

    fn stage(&mut self, stage: Stage) -> Result<Outcome> {
        let root = self.root.clone();
        let no_postgres = || Outcome::Skipped(format!("no PostgreSQL: pass --postgres or set {POSTGRES_ENV}"));
        match stage {
            Stage::Fmt => {
                tools::ensure_component("rustfmt")?;
                crate::run(cargo().args(["fmt", "--all", "--check"]))?;
            }
            Stage::Clippy => clippy(&root)?,
            Stage::Boundaries => {
                boundaries::check(&root)?;
                references::check(&root)?;
            }
            Stage::Build => self.server = Some(crate::build()?),
            Stage::Unit => {
                let mut unit = cargo();
                unit.args(["test", "-p", "contracts", "-p", "cart-api", "-p", "xtask", "-p", "composer"])
                    .env_remove(POSTGRES_ENV);
                self.tally.run(&mut unit)?;
                // The server halves' renders, natively: the same views the browser mounts.
                let mut halves = cargo();
                halves.args(["test", "--lib"]);
                for (package, _) in crate::SERVER_HALVES {
                    halves.args(["-p", package, "--features", &format!("{package}/server")]);
                }
                self.tally.run(&mut halves)?;
            }
            Stage::ApiPostgres => {
                let Some(url) = self.postgres()? else { return Ok(no_postgres()) };
                self.tally.run(cargo().args(["test", "-p", "cart-api"]).env(POSTGRES_ENV, url))?;
            }
            Stage::ApiContract => schemathesis::check(&root, &self.server()?)?,
            Stage::WasmUnit => {
                tools::ensure_browser()?;
                let tools = tools::ensure_build_tools(&root)?;
                let mut contracts = cargo();
                contracts.args([
                    "test",
                    "-p",
                    "contracts",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--no-default-features",
                ]);
                self.tally.run(tools.browser_tests(&mut contracts))?;
                let mut remote_tests = cargo();
                remote_tests.args(["test", "--target", "wasm32-unknown-unknown", "--lib"]);
                for remote in frontend::remotes(&root)? {
                    remote_tests.args(["-p", &remote.name]);
                }
                self.tally.run(tools.browser_tests(&mut remote_tests))?;
            }
            Stage::Rebuild => {
                // It works on the dist/ the build just made.
                self.server()?;
                frontend::check_independent_rebuild(&root, &tools::ensure_build_tools(&root)?)?;
            }
            Stage::Scaffold => {
                tools::ensure_browser()?;
                selfcheck::check_scaffold(&root, &tools::ensure_build_tools(&root)?, &self.server()?)?;
            }
            Stage::DevHost => {
                tools::ensure_browser()?;
                selfcheck::check_dev_host(&root, &self.server()?)?;
            }
            Stage::Loadtest => {
                let options = loadtest::Options { shoppers: 8, seconds: 5, ..Default::default() };
                loadtest::loadtest(&self.server()?, options)?;
            }
            Stage::LoadtestPostgres => {
                if !self.with_postgres {
                    return Ok(Outcome::Skipped("only with --postgres".into()));
                }
                let options =
                    loadtest::Options { shoppers: 8, seconds: 5, replicas: 2, postgres: true, ..Default::default() };
                loadtest::loadtest(&self.server()?, options)?;
            }
            Stage::Journeys => {
                tools::ensure_browser()?;
                let mut journeys = self.journeys()?;
                self.tally.run(&mut journeys)?;
            }
            Stage::JourneysPostgres => {
                let Some(url) = self.postgres()? else { return Ok(no_postgres()) };
                tools::ensure_browser()?;
                let mut journeys = self.journeys()?;
                self.tally.run(journeys.env(POSTGRES_ENV, url))?;
            }
        }
        Ok(Outcome::Ran)
    }

    fn journeys(&self) -> Result<Command> {
        let mut command = cargo();
        command
            .args(["test", "-p", "e2e", "--tests", "--", "--test-threads=2"])
            .env("CART_API_BIN", self.server()?)
            .env("DIST_DIR", self.root.join("dist"))
            .env_remove(POSTGRES_ENV);
        Ok(command)
    }
}

/// clippy with warnings denied: the native crates for the host (every member but the wasm ones),
/// then the wasm crates and `contracts` for wasm32, with `contracts`' default features off as in
/// the wasm builds (its browser helpers exist only there). The wasm crates are the shell and the
/// bundles `frontend::remotes` finds, so a new remote is linted without a list to update.
fn clippy(root: &std::path::Path) -> Result<()> {
    tools::ensure_component("clippy")?;
    tools::ensure_wasm_target()?;
    let wasm_crates: Vec<String> =
        std::iter::once("shell".to_string()).chain(frontend::remotes(root)?.into_iter().map(|r| r.name)).collect();
    let mut native = cargo();
    native.args(["clippy", "--workspace", "--all-targets"]);
    for name in &wasm_crates {
        native.args(["--exclude", name]);
    }
    crate::run(native.args(["--", "-D", "warnings"]))?;
    // The server halves are wasm crates built natively too: their server side is linted here.
    let mut halves = cargo();
    halves.args(["clippy", "--lib", "--bins"]);
    for (package, _) in crate::SERVER_HALVES {
        halves.args(["-p", package, "--features", &format!("{package}/server")]);
    }
    crate::run(halves.args(["--", "-D", "warnings"]))?;
    let mut wasm = cargo();
    wasm.args(["clippy", "--target", "wasm32-unknown-unknown", "--all-targets"]);
    wasm.args(["--no-default-features", "-p", "contracts"]);
    for name in &wasm_crates {
        wasm.args(["-p", name]);
    }
    crate::run(wasm.args(["--", "-D", "warnings"]))
}

/// Adds up cargo's `test result:` lines across the test runs, for one closing line.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
}

impl Tally {
    /// Runs a `cargo test`, echoing its output, and counts its results.
    fn run(&mut self, command: &mut Command) -> Result<()> {
        use std::io::{BufRead, BufReader};
        let description = format!("{command:?}");
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {description}"))?;
        if let Some(stdout) = child.stdout.take() {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                println!("{line}");
                if let Some((passed, failed)) = test_result(&line) {
                    self.passed += passed;
                    self.failed += failed;
                }
            }
        }
        let status = child.wait()?;
        if status.success() {
            Ok(())
        } else {
            println!("{} passed, {} failed", self.passed, self.failed.max(1));
            Err(anyhow!("{description} failed ({status})"))
        }
    }
}

/// The passed and failed counts of a `test result:` line of cargo test.
fn test_result(line: &str) -> Option<(u64, u64)> {
    let result = line.trim().strip_prefix("test result: ")?;
    let count = |word: &str| {
        result
            .split(';')
            .find_map(|part| part.trim().strip_suffix(word)?.trim().rsplit(' ').next()?.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Some((count("passed"), count("failed")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_run_cheapest_first_and_every_name_is_unique() {
        let names: Vec<_> = STAGES.iter().map(|s| s.name()).collect();
        assert_eq!(&names[..4], ["fmt", "clippy", "boundaries", "build"]);
        for (i, name) in names.iter().enumerate() {
            assert!(!names[..i].contains(name), "{name} twice");
            assert_eq!(Stage::from_name(name), Some(STAGES[i]));
        }
        assert_eq!(list().lines().count(), STAGES.len());
        assert!(list().lines().all(|l| l.contains("  ")));
    }

    #[test]
    fn only_selects_stages_in_their_order_with_the_build_they_need() {
        let only = |line: &str| {
            select(&line.split_whitespace().map(String::from).collect::<Vec<_>>())
                .map(|s| s.iter().map(|s| s.name()).collect::<Vec<_>>().join(" "))
        };
        assert_eq!(select(&[]).unwrap(), STAGES.to_vec());
        assert_eq!(only("fmt").unwrap(), "fmt");
        assert_eq!(only("clippy fmt clippy").unwrap(), "fmt clippy");
        assert_eq!(only("unit wasm-unit").unwrap(), "unit wasm-unit");
        assert_eq!(only("journeys fmt").unwrap(), "fmt build journeys");
        assert_eq!(only("build loadtest").unwrap(), "build loadtest");
        let unknown = only("fmt lint").unwrap_err().to_string();
        assert!(unknown.contains("`lint`") && unknown.contains("fmt, clippy, boundaries"), "{unknown}");
    }

    #[test]
    fn durations_read_in_seconds_then_minutes() {
        assert_eq!(duration(Duration::from_millis(420)), "0.4 s");
        assert_eq!(duration(Duration::from_millis(59_940)), "59.9 s");
        assert_eq!(duration(Duration::from_secs(60)), "1 min 00 s");
        assert_eq!(duration(Duration::from_secs(187)), "3 min 07 s");
    }

    #[test]
    fn the_table_lines_up() {
        let rows = [
            Row {
                stage: Stage::Fmt,
                status: Status::Passed,
                time: Some(Duration::from_millis(1200)),
                detail: "".into(),
            },
            Row {
                stage: Stage::Unit,
                status: Status::Failed,
                time: Some(Duration::from_secs(187)),
                detail: "12 tests passed, 1 failed".into(),
            },
            Row { stage: Stage::ApiPostgres, status: Status::Skipped, time: None, detail: "no PostgreSQL".into() },
        ];
        assert_eq!(
            table(&rows),
            "stage         result         time\n\
             fmt           passed        1.2 s\n\
             unit          failed   3 min 07 s  12 tests passed, 1 failed\n\
             api-postgres  skipped              no PostgreSQL\n"
        );
    }

    #[test]
    fn test_result_lines_are_counted() {
        let line = "test result: ok. 12 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.5s";
        assert_eq!(test_result(line), Some((12, 1)));
        assert_eq!(test_result("   test result: FAILED. 0 passed; 3 failed; 0 ignored"), Some((0, 3)));
        assert_eq!(test_result("running 12 tests"), None);
    }
}
