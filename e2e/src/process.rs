//! Child processes of a journey (the server, its server halves, ChromeDriver): started with
//! their output drained into a log, awaited until they say they are ready, on free ports.

use std::collections::VecDeque;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

/// How long the server and the driver get to report that they are listening.
pub(crate) const STARTUP: Duration = Duration::from_secs(30);

/// What a child process printed (stdout and stderr interleaved), kept while it runs.
#[derive(Clone, Default)]
pub(crate) struct Log(Arc<Mutex<VecDeque<String>>>);

impl Log {
    /// Enough for any journey: every request the server handles is one line.
    const KEEP: usize = 20_000;

    fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        lines.push_back(line);
        if lines.len() > Self::KEEP {
            lines.pop_front();
        }
    }

    pub(crate) fn all(&self) -> String {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect::<Vec<_>>().join("\n")
    }

    /// The last `n` lines, for failure messages.
    pub(crate) fn tail(&self, n: usize) -> String {
        let lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let skip = lines.len().saturating_sub(n);
        lines.iter().skip(skip).cloned().collect::<Vec<_>>().join("\n")
    }
}

/// Reads `stream` line by line into `log` until it closes, so the child never blocks on a full
/// pipe. The first line containing `marker.0` sends what follows the marker through `marker.1`.
fn drain(
    stream: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    log: Log,
    marker: Option<(&'static str, oneshot::Sender<String>)>,
) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        let mut marker = marker;
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some((pattern, _)) = &marker {
                if let Some(at) = line.find(pattern) {
                    let rest = line[at + pattern.len()..].trim().to_string();
                    if let Some((_, tx)) = marker.take() {
                        let _ = tx.send(rest);
                    }
                }
            }
            log.push(line);
        }
    });
}

/// Starts `command` with piped output drained into a [`Log`] and waits (up to [`STARTUP`]) for
/// the line containing `ready`. `Err` carries why it did not come, with the process's output.
pub(crate) async fn spawn_until_ready(
    mut command: Command,
    what: &str,
    ready: &'static str,
) -> Result<(Child, String, Log), String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    let log = Log::default();
    let (out_tx, out_rx) = oneshot::channel();
    let (err_tx, err_rx) = oneshot::channel();
    drain(child.stdout.take().expect("piped stdout"), log.clone(), Some((ready, out_tx)));
    drain(child.stderr.take().expect("piped stderr"), log.clone(), Some((ready, err_tx)));
    // Whichever stream carries the line; a stream that closes without it does not count.
    let either = async {
        tokio::select! {
            Ok(rest) = out_rx => Some(rest),
            Ok(rest) = err_rx => Some(rest),
            else => None,
        }
    };
    match tokio::time::timeout(STARTUP, either).await {
        Ok(Some(rest)) => Ok((child, rest, log)),
        Ok(None) => {
            // Both streams closed: the process is exiting. Give it a moment to say why.
            let status = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            let status = match status {
                Ok(Ok(status)) => status.to_string(),
                _ => "no exit status yet".into(),
            };
            Err(format!("{what} stopped before it was ready ({status}); its output:\n{}", log.tail(60)))
        }
        Err(_) => Err(format!("{what} was not ready within {STARTUP:?}; its output:\n{}", log.tail(60))),
    }
}
