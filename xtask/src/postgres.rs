//! A throwaway PostgreSQL server for `cargo xtask test --postgres` and
//! `cargo xtask loadtest --postgres`: Debian's server programs (installed when missing) running a
//! fresh cluster in a temporary directory on a free loopback port, removed when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};

use crate::{run, tools};

pub struct Postgres {
    /// `postgres://postgres@127.0.0.1:<port>/postgres`: the server, with its default database.
    pub url: String,
    server: Child,
    dir: PathBuf,
    bin: PathBuf,
    /// PostgreSQL refuses to run as root: then its programs run as the `postgres` user.
    run_as: Option<&'static str>,
}

impl Postgres {
    pub fn start() -> Result<Self> {
        let bin = tools::ensure_postgres()?;
        // Under /tmp, not target/: when this runs as root the server runs as `postgres`, which
        // must be able to reach its directory.
        let port = crate::free_port()?;
        // Named by process and port: one xtask run may start more than one.
        let dir = std::env::temp_dir().join(format!("cart-api-postgres-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).with_context(|| format!("{}", dir.display()))?;
        let run_as = tools::running_as_root().then_some("postgres");
        if let Some(user) = run_as {
            run(Command::new("chown").args(["-R", user]).arg(&dir))?;
        }
        let as_user = |program: &str| program_as(&bin, run_as, program);
        let data = dir.join("data");
        run(as_user("initdb")
            .args(["--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C", "--no-sync", "-D"])
            .arg(&data)
            .stdout(Stdio::null()))?;

        crate::step(&format!("PostgreSQL ({}) on 127.0.0.1:{port}", bin.display()));
        let server = as_user("postgres")
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300"])
            // The socket goes next to the data, not into /var/run/postgresql, which may not exist.
            .args(["-c", &format!("unix_socket_directories={}", dir.display())])
            // A test cluster: losing it in a power cut costs nothing, so skip the fsyncs.
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("server.log"))?)
            .spawn()
            .context("cannot start postgres")?;
        let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        let postgres = Self { url, server, dir, bin, run_as };
        postgres.wait_ready(port)?;
        Ok(postgres)
    }

    fn wait_ready(&self, port: u16) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        Err(anyhow!("PostgreSQL did not start within 30 s:\n{log}"))
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A fast shutdown ends the server's backends too, which killing the server would leave
        // running.
        let _ = program_as(&self.bin, self.run_as, "pg_ctl")
            .args(["stop", "-m", "fast", "-D"])
            .arg(self.dir.join("data"))
            .stdout(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.server.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if !matches!(self.server.try_wait(), Ok(Some(_))) {
            // The child is `runuser` when running as root; the server's own pid is in its pid
            // file. SIGQUIT is PostgreSQL's immediate shutdown, which also ends its backends.
            let pid = std::fs::read_to_string(self.dir.join("data/postmaster.pid")).ok();
            if let Some(pid) = pid.as_deref().and_then(|p| p.lines().next()) {
                let _ = Command::new("kill").args(["-QUIT", pid.trim()]).status();
            }
            let _ = self.server.kill();
        }
        let _ = self.server.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `bin/program`, run as `user` when one is given.
fn program_as(bin: &Path, user: Option<&str>, program: &str) -> Command {
    match user {
        Some(user) => {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--"]).arg(bin.join(program));
            command
        }
        None => Command::new(bin.join(program)),
    }
}
