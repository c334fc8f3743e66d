//! ChromeDriver: started on a free port (another is tried when the port was taken meanwhile),
//! and its session ended by hand when no async runtime is left to do it.

use std::io::{Read, Write};
use std::time::Duration;

use tokio::process::{Child, Command};

use test_support::free_port;

use crate::process::{spawn_until_ready, Log, STARTUP};

/// The line ChromeDriver prints once it accepts connections.
const DRIVER_READY: &str = "ChromeDriver was started successfully";

/// `DELETE /session/{id}` by hand, blocking: usable where no async runtime can run.
pub(crate) fn delete_session(port: u16, session: &str) -> std::io::Result<()> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    write!(
        stream,
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // The response comes once Chromium has quit; its content does not matter.
    let mut response = [0u8; 512];
    let n = stream.read(&mut response)?;
    if n == 0 {
        return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no response"));
    }
    Ok(())
}

/// Starts ChromeDriver on a free port. Another process may take the port between choosing it and
/// ChromeDriver binding it; then ChromeDriver exits and another port is tried.
pub(crate) async fn start_driver(driver_bin: &str) -> (Child, u16, Log) {
    let mut failures = Vec::new();
    for _ in 0..3 {
        let port = free_port();
        let mut command = Command::new(driver_bin);
        command.arg(format!("--port={port}"));
        match spawn_until_ready(command, &format!("{driver_bin} --port={port}"), DRIVER_READY).await {
            Ok((driver, _, log)) => {
                // Ready means listening; the connect makes sure before fantoccini tries.
                let deadline = tokio::time::Instant::now() + STARTUP;
                while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "{driver_bin} said it started but does not accept connections on port {port}:\n{}",
                        log.tail(20)
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                return (driver, port, log);
            }
            Err(e) => failures.push(e),
        }
    }
    panic!("cannot start ChromeDriver (set CHROMEDRIVER to use another one):\n{}", failures.join("\n\n"));
}
