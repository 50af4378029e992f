//! The progress bar (indicatif) on stderr: only when stderr is a terminal,
//! and only for work still running after a second, so quick commands and
//! pipes never see it.

use capplan::support::progress::{Sink, Unit};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Work shorter than this shows no bar (`CAPPLAN_PROGRESS_AFTER_MS` sets
/// it, which the tests use to see a bar on quick work).
fn show_after() -> Duration {
    std::env::var("CAPPLAN_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

struct Bar {
    current: Mutex<Option<(ProgressBar, Instant)>>,
    show_after: Duration,
}

impl Sink for Bar {
    fn start(&self, label: &str, total: u64, unit: Unit) {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        let template = match unit {
            Unit::Items => "{msg} {wide_bar} {pos}/{len} ({eta} left)",
            Unit::Bytes => "{msg} {wide_bar} {bytes}/{total_bytes} ({eta} left)",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.set_message(label.to_string());
        if let Ok(mut current) = self.current.lock() {
            *current = Some((bar, Instant::now()));
        }
    }

    fn set(&self, done: u64) {
        let Ok(current) = self.current.lock() else {
            return;
        };
        if let Some((bar, started)) = current.as_ref() {
            if bar.is_hidden() && started.elapsed() >= self.show_after {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            bar.set_position(done);
        }
    }

    fn finish(&self) {
        if let Ok(mut current) = self.current.lock()
            && let Some((bar, _)) = current.take()
        {
            bar.finish_and_clear();
        }
    }
}

/// Shows progress on stderr when it is a terminal.
pub fn install() {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        capplan::support::progress::install(Box::new(Bar {
            current: Mutex::new(None),
            show_after: show_after(),
        }));
    }
}
