//! Long builds as one line that says what is being built, how long it has taken and what remains,
//! instead of hundreds of `Compiling …` lines. Cargo counts the units itself: its progress bar,
//! forced on (`CARGO_TERM_PROGRESS_WHEN=always`) and read from the pipe, gives `143/310: argon2`,
//! which is shown with the elapsed time and a rough estimate of the time left. On a terminal the
//! line updates in place; in a log (CI) it is printed every half minute. Warnings and errors are
//! printed as they come. `cargo xtask -v …` (or `XTASK_VERBOSE=1`) shows the tools' own output.

use std::io::{IsTerminal, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};

/// Whether the tools' own output is wanted instead of the progress line.
pub fn verbose() -> bool {
    std::env::var_os("XTASK_VERBOSE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Runs a build (cargo, trunk, `cargo install`) behind a progress line; fails like [`crate::run`].
pub fn run(command: &mut Command) -> Result<()> {
    if verbose() {
        return crate::run(command);
    }
    let description = format!("{command:?}");
    let mut child = command
        .env("CARGO_TERM_PROGRESS_WHEN", "always")
        .env("CARGO_TERM_PROGRESS_WIDTH", "100")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {description}"))?;
    let (sender, segments) = mpsc::channel();
    let readers: Vec<Box<dyn Read + Send>> = [
        child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
        child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .collect();
    for reader in readers {
        let sender = sender.clone();
        std::thread::spawn(move || split_segments(reader, &sender));
    }
    drop(sender);

    let mut line = Line::new();
    loop {
        match segments.recv_timeout(Duration::from_secs(1)) {
            Ok(segment) => match classify(&segment) {
                Segment::Bar(counted) => line.bar = Some(counted),
                Segment::Step(step) => line.step = step,
                Segment::Noise => {}
                Segment::Message(text) => line.print(text),
            },
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        line.tick();
    }
    let status = child.wait().with_context(|| description.to_string())?;
    line.clear();
    if status.success() {
        println!("    done in {}", minutes(line.started.elapsed()));
        Ok(())
    } else {
        Err(anyhow!("{description} failed ({status}) after {}", minutes(line.started.elapsed())))
    }
}

/// Sends each piece of output ended by a newline or a carriage return (cargo redraws its bar
/// with `\r`).
fn split_segments(mut reader: impl Read, sender: &mpsc::Sender<String>) {
    let mut buffer = [0u8; 8192];
    let mut pending = Vec::new();
    while let Ok(n) = reader.read(&mut buffer) {
        if n == 0 {
            break;
        }
        for &byte in &buffer[..n] {
            if byte == b'\n' || byte == b'\r' {
                let _ = sender.send(String::from_utf8_lossy(&pending).into_owned());
                pending.clear();
            } else {
                pending.push(byte);
            }
        }
    }
    if !pending.is_empty() {
        let _ = sender.send(String::from_utf8_lossy(&pending).into_owned());
    }
}

#[derive(Debug, PartialEq)]
enum Segment<'a> {
    /// Cargo's count of units, done and in all, and what it builds now.
    Bar(String),
    /// A step of the build before cargo counts (a crate compiling, a tool installing).
    Step(String),
    /// Bookkeeping the progress line replaces.
    Noise,
    /// Anything else (warnings, errors, a tool's own messages), printed.
    Message(&'a str),
}

fn classify(segment: &str) -> Segment<'_> {
    let text = segment.trim_end();
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Segment::Noise;
    }
    if let Some(bar) = trimmed.strip_prefix("Building [") {
        // "=====>    ] 143/310: argon2, sqlx-core"
        let counted = bar.split_once("] ").map_or(bar, |(_, rest)| rest).trim();
        return Segment::Bar(counted.to_string());
    }
    let first = trimmed.split_whitespace().next().unwrap_or_default();
    let bookkeeping = [
        "Compiling",
        "Checking",
        "Downloaded",
        "Downloading",
        "Fresh",
        "Blocking",
        "Updating",
        "Locking",
        "Adding",
        "Finished",
        "Installing",
        "Installed",
        "Replacing",
        "Replaced",
    ];
    if bookkeeping.contains(&first) {
        if first == "Compiling" || first == "Installing" {
            return Segment::Step(trimmed.to_string());
        }
        return Segment::Noise;
    }
    // trunk's own log lines ("2026-…Z  INFO 📦 starting build") are steps of the same build.
    if trimmed.contains("  INFO ") {
        return Segment::Noise;
    }
    Segment::Message(text)
}

/// The progress line: on a terminal redrawn in place, in a log printed now and then.
struct Line {
    started: Instant,
    bar: Option<String>,
    step: String,
    shown: Option<Instant>,
    terminal: bool,
}

impl Line {
    fn new() -> Self {
        Line {
            started: Instant::now(),
            bar: None,
            step: "starting".into(),
            shown: None,
            terminal: std::io::stdout().is_terminal(),
        }
    }

    fn text(&self) -> String {
        let elapsed = self.started.elapsed();
        let doing = self.bar.as_ref().unwrap_or(&self.step);
        let mut text = format!("    {}  {doing}", minutes(elapsed));
        if let Some(left) = time_left(doing, elapsed) {
            text.push_str(&format!("  (about {} left)", minutes(left)));
        }
        text.chars().take(110).collect()
    }

    fn tick(&mut self) {
        let due = match self.shown {
            None => self.started.elapsed() >= Duration::from_secs(if self.terminal { 1 } else { 30 }),
            Some(at) => at.elapsed() >= Duration::from_secs(if self.terminal { 1 } else { 30 }),
        };
        if !due {
            return;
        }
        let text = self.text();
        let mut out = std::io::stdout().lock();
        let _ = if self.terminal { write!(out, "\r\x1b[2K{text}") } else { writeln!(out, "{text}") };
        let _ = out.flush();
        self.shown = Some(Instant::now());
    }

    fn print(&mut self, message: &str) {
        self.clear();
        println!("{message}");
    }

    fn clear(&mut self) {
        if self.terminal && self.shown.is_some() {
            print!("\r\x1b[2K");
            let _ = std::io::stdout().flush();
        }
    }
}

/// From cargo's `done/total` and the time so far, the time the rest takes at the same pace;
/// nothing before a tenth is done, when the pace says little.
fn time_left(doing: &str, elapsed: Duration) -> Option<Duration> {
    let counted = doing.split(':').next()?;
    let (done, total) = counted.split_once('/')?;
    let (done, total): (u32, u32) = (done.trim().parse().ok()?, total.trim().parse().ok()?);
    (done > 0 && done * 10 >= total && done < total).then(|| elapsed.mul_f64(f64::from(total - done) / f64::from(done)))
}

fn minutes(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s}s")
    } else {
        format!("{}m{:02}s", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_becomes_the_line_and_bookkeeping_goes() {
        assert_eq!(
            classify("    Building [=======>        ] 143/310: argon2, sqlx-core               "),
            Segment::Bar("143/310: argon2, sqlx-core".into())
        );
        assert_eq!(classify("   Compiling serde v1.0.228"), Segment::Step("Compiling serde v1.0.228".into()));
        assert_eq!(classify("    Finished `release` profile [optimized] target(s) in 6m 11s"), Segment::Noise);
        assert_eq!(classify("2026-12-04T03:28:34.229027Z  INFO 📦 starting build"), Segment::Noise);
        assert_eq!(classify("warning: unused variable: `x`"), Segment::Message("warning: unused variable: `x`"));
        assert_eq!(classify("error[E0425]: cannot find value"), Segment::Message("error[E0425]: cannot find value"));
    }

    #[test]
    fn what_remains_follows_the_pace() {
        let left = time_left("150/300: argon2", Duration::from_secs(120)).unwrap();
        assert_eq!(left.as_secs(), 120);
        assert_eq!(time_left("10/300: serde", Duration::from_secs(30)), None, "too early to say");
        assert_eq!(time_left("Compiling serde v1", Duration::from_secs(30)), None);
        assert_eq!(minutes(Duration::from_secs(75)), "1m15s");
    }
}
