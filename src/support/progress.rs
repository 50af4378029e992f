//! Progress of long work (sweeps, sampled worlds, big measurement files),
//! counted here and shown by whichever front end installs a [`Sink`]: the
//! CLI draws a bar on a terminal. Without a sink nothing is reported and
//! the counting costs one atomic add per item.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where progress goes: one task at a time, `start`, `advance`s, `finish`.
pub trait Sink: Send + Sync {
    /// A task of `total` units (`unit` is "items" or "bytes") begins.
    fn start(&self, label: &str, total: u64, unit: Unit);
    /// `done` units of the current task are finished.
    fn set(&self, done: u64);
    /// The current task ended.
    fn finish(&self);
}

/// What a task counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Items,
    Bytes,
}

static SINK: OnceLock<Box<dyn Sink>> = OnceLock::new();

/// Installs the process's sink (the first call wins).
pub fn install(sink: Box<dyn Sink>) {
    let _ = SINK.set(sink);
}

/// One task being counted; finished when dropped.
pub struct Task {
    done: AtomicU64,
    active: bool,
}

impl Task {
    /// Starts a task; `None` sink means a silent task.
    pub fn start(label: &str, total: u64, unit: Unit) -> Task {
        let active = match SINK.get() {
            Some(sink) => {
                sink.start(label, total, unit);
                true
            }
            None => false,
        };
        Task { done: AtomicU64::new(0), active }
    }

    /// `n` more units done (callable from many threads).
    pub fn advance(&self, n: u64) {
        if self.active {
            let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
            if let Some(sink) = SINK.get() {
                sink.set(done);
            }
        }
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        if self.active
            && let Some(sink) = SINK.get()
        {
            sink.finish();
        }
    }
}

/// A reader that reports the bytes consumed through a task.
pub struct CountingReader<R> {
    inner: R,
    task: Task,
}

impl<R> CountingReader<R> {
    pub fn new(inner: R, label: &str, total_bytes: u64) -> Self {
        CountingReader { inner, task: Task::start(label, total_bytes, Unit::Bytes) }
    }
}

impl<R: std::io::Read> std::io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.task.advance(n as u64);
        Ok(n)
    }
}

impl<R: std::io::BufRead> std::io::BufRead for CountingReader<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
        self.task.advance(amount as u64);
    }
}
