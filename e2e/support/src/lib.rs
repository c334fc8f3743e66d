//! The test harness's lowest layer, shared by cart-api's HTTP tests and the browser journeys:
//! a database of the test's own (SQLite, or PostgreSQL with `TEST_POSTGRES_URL`) and a free port.
//! Apart from the journeys' harness (`e2e`), so the API tests build no WebDriver client.

pub mod database;

pub use database::{TestDatabase, POSTGRES_ENV};

/// A port nobody listens on now, for a process that must be told its port before it starts
/// (a restart on the same address, ChromeDriver).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// The cart-api binary `bin` as a process on `port` (0: any) and `database`, with `env` on top:
/// the process, its base URL read from the address line it prints first, and the lines it prints
/// after that (its log), drained on a thread so the server never writes into a full pipe.
pub fn start_server(
    bin: &str,
    database: &str,
    port: u16,
    env: &[(&str, &str)],
) -> (std::process::Child, String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let mut child = Command::new(bin)
        .env("ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", database)
        .env("DIST_DIR", "does-not-exist")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cart-api starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the address line");
    let base = line.trim().rsplit(' ').next().expect("an address").to_string();
    let (lines, log) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    (child, base, log)
}
