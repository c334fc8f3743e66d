//! The command line of `cargo xtask`, declared once: `cargo xtask help` and each command's
//! `--help` are generated from it, and a mistyped option is refused with what was meant.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", about = "Build automation for the store, in Rust.")]
pub struct Cli {
    /// The compilers' own output (every `Compiling …`) instead of one progress line per build.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Release build: the front end into dist/, the servers into target/release/; with --remote,
    /// that remote alone, as its team's pipeline would.
    Build(Build),
    /// Build, then serve the store on http://127.0.0.1:8080.
    Demo,
    /// Live reload: the whole store, or one remote alone on its own page.
    Dev {
        /// A remote to develop alone (`product-details`, …).
        remote: Option<String>,
    },
    /// Every check and test, cheapest first (`--list` names the stages).
    Test(Test),
    /// Sizes, page loads, clicks, API load and Lighthouse against floors and budgets.
    Bench(Bench),
    /// Where each bundle's bytes go (twiggy, by crate and by function).
    Size,
    /// Virtual shoppers against the real server: zero errors, zero lost writes.
    Loadtest(Loadtest),
    /// The README's pictures of the running store, into docs/screenshots/.
    Screenshots,
    /// A new remote crate from the template (a page, an event, a test).
    NewRemote {
        /// The remote's name: lowercase letters and dashes (`wishlist`).
        name: String,
    },
    /// The dependency rules between shell, remotes and cart-api, and the docs' references.
    CheckBoundaries,
    /// The scaffolder's self-check alone (a stage of `cargo xtask test`).
    #[command(hide = true)]
    CheckScaffold,
    /// Write new event schemas; regenerate docs/events.md and docs/openapi.json.
    Contracts,
}

#[derive(Debug, Args)]
pub struct Build {
    /// Build this remote alone into dist/ and update its manifest entry.
    #[arg(long)]
    pub remote: Option<String>,
    /// Release it as a canary for this share of sessions; the live release stays for the rest.
    #[arg(long, requires = "remote", value_parser = clap::value_parser!(u8).range(1..=99))]
    pub canary: Option<u8>,
    /// The origin its files are served from (a CDN), e.g. https://cdn.example.com.
    #[arg(long, requires = "remote", value_parser = origin)]
    pub base_url: Option<String>,
}

#[derive(Debug, Default, PartialEq, Eq, Args)]
pub struct Test {
    /// Also run the API tests, a load test and the journeys on PostgreSQL (a throwaway server).
    #[arg(long)]
    pub postgres: bool,
    /// The stages' names, in order, and what each does.
    #[arg(long)]
    pub list: bool,
    /// Run these stages alone (and `build` when one needs it); may be given more than once.
    #[arg(long, value_name = "STAGE")]
    pub only: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Bench {
    /// The API load rows alone (wrk), without building the front end.
    #[arg(long)]
    pub api: bool,
    /// With --api: on PostgreSQL.
    #[arg(long, requires = "api")]
    pub postgres: bool,
    /// With --api: this server binary instead of the one just built (an older build, for "before").
    #[arg(long, requires = "api")]
    pub server: Option<PathBuf>,
    /// After the bench, this page of another store side by side with ours (Lighthouse and a cold
    /// load each); may be given more than once.
    #[arg(long = "peer", value_name = "URL", value_parser = origin, conflicts_with = "api")]
    pub peers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Loadtest {
    /// Virtual shoppers at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..))]
    pub shoppers: u64,
    /// How long they shop.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub seconds: u64,
    /// cart-api processes sharing the database.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=8))]
    pub replicas: u64,
    /// On PostgreSQL (a throwaway server) instead of SQLite.
    #[arg(long)]
    pub postgres: bool,
    /// The API alone, without pages composed from the server halves.
    #[arg(long)]
    pub no_server_rendering: bool,
    /// The p99 latency (ms) the run must stay under, shed requests included.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub p99_bound_ms: Option<u64>,
    /// This server binary instead of the one just built (an older build, for "before").
    #[arg(long)]
    pub server: Option<PathBuf>,
}

/// An `http://` or `https://` URL.
fn origin(value: &str) -> Result<String, String> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Ok(value.to_string())
    } else {
        Err(format!("{value:?} is not an http:// or https:// URL"))
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn parse(line: &str) -> Result<Command, clap::Error> {
        Cli::try_parse_from(std::iter::once("xtask").chain(line.split_whitespace())).map(|cli| cli.command)
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn reads_the_test_stages() {
        assert!(matches!(parse("test"), Ok(Command::Test(t)) if t == Test::default()));
        let Ok(Command::Test(test)) = parse("test --only fmt --postgres --only clippy") else { panic!() };
        assert_eq!(test, Test { postgres: true, list: false, only: vec!["fmt".into(), "clippy".into()] });
        for bad in ["test --only", "test --fast", "test fmt"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_a_remote_build_and_refuses_its_options_alone() {
        let Ok(Command::Build(build)) = parse("build --remote cart --canary 10 --base-url https://cdn.example") else {
            panic!()
        };
        assert_eq!((build.remote.as_deref(), build.canary), (Some("cart"), Some(10)));
        for bad in ["build --canary 10", "build --remote cart --canary 100", "build --remote cart --base-url cdn"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_the_bench_and_the_load_test() {
        let Ok(Command::Bench(bench)) = parse("bench --peer https://a.example/ --peer http://b.example/") else {
            panic!()
        };
        assert_eq!(bench.peers.len(), 2);
        assert!(parse("bench --postgres").is_err(), "--postgres belongs to --api");
        assert!(parse("bench --api --peer https://a.example/").is_err());
        let Ok(Command::Loadtest(load)) = parse("loadtest --shoppers 8 --seconds 5 --p99-bound-ms 300") else {
            panic!()
        };
        assert_eq!((load.shoppers, load.seconds, load.replicas, load.p99_bound_ms), (8, 5, 1, Some(300)));
        for bad in ["loadtest --shoppers", "loadtest --fast", "loadtest --replicas 9", "loadtest --shoppers 0"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
