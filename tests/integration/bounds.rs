//! Runs capplan as a child and measures what a hostile input costs it: the
//! child's peak resident memory (VmHWM) and its wall time, killing it when
//! it runs past a deadline (a hang is a failure, not a stuck test).
//!
//! The peak is read from /proc at the child's exit, where it is complete:
//! the child is traced (PTRACE_O_TRACEEXIT) so that it stops just before
//! its memory is released. wait4's ru_maxrss would not do: on Linux it
//! includes the parent's memory, inherited at the fork.

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The memory a hostile input may cost capplan (issue 33: under 100 MB).
pub const MAX_PEAK_MB: f64 = 100.0;
/// A child still running after this is hung: killed, and the test fails.
/// Speed is measured by the benchmarks; this only catches hangs.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// What one run cost.
pub struct Measured {
    pub code: Option<i32>,
    pub peak_mb: f64,
    pub wall: Duration,
    pub stdout: String,
    pub stderr: String,
}

/// PTRACE_O_TRACEEXIT and PTRACE_EVENT_EXIT (linux/ptrace.h).
const TRACE_EXIT: libc::c_int = 0x40;
const EVENT_EXIT: libc::c_int = 6;

/// The peak resident memory of a live process, in MB (0 once it is gone).
fn high_water_mb(pid: libc::pid_t) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Runs capplan with `args` (stdin closed), measured.
pub fn measure<S: AsRef<OsStr>>(args: &[S]) -> Measured {
    let mut command = Command::new(env!("CARGO_BIN_EXE_capplan"));
    command
        .args(args)
        .env("COLUMNS", "400")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: ptrace(TRACEME) is async-signal-safe and touches no memory.
    unsafe {
        command.pre_exec(|| {
            libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0);
            Ok(())
        });
    }
    // Reaped by the waitpid loop below (Child::wait would miss the exit stop).
    #[allow(clippy::zombie_processes)]
    let mut child = command.spawn().expect("capplan starts");
    // Drained while the child runs, so a full pipe never blocks it.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let (mut status, mut peak_mb, mut killed) = (0, 0.0f64, false);
    loop {
        // SAFETY: waits for our own child with a valid status pointer.
        let waited = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        assert!(waited >= 0, "waitpid failed: {}", std::io::Error::last_os_error());
        if waited == 0 {
            // Running: sampled too, in case tracing is not permitted.
            peak_mb = peak_mb.max(high_water_mb(pid));
            if !killed && start.elapsed() > DEADLINE {
                let _ = child.kill();
                killed = true;
            }
            std::thread::sleep(Duration::from_millis(1));
            continue;
        }
        if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
            break;
        }
        // A stop under tracing: at the exec, set the exit stop; at the
        // exit, read the complete peak; any other signal is passed on.
        let signal = libc::WSTOPSIG(status);
        let mut forward = 0;
        if signal == libc::SIGTRAP && status >> 16 == EVENT_EXIT {
            peak_mb = peak_mb.max(high_water_mb(pid));
        } else if signal == libc::SIGTRAP {
            // SAFETY: the child is stopped under our trace.
            unsafe { libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, TRACE_EXIT) };
        } else {
            forward = signal;
        }
        // SAFETY: the child is stopped under our trace.
        unsafe { libc::ptrace(libc::PTRACE_CONT, pid, 0, forward) };
    }
    let wall = start.elapsed();
    let args: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
    assert!(!killed, "capplan {args:?} ran past {DEADLINE:?} and was killed");
    Measured {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        peak_mb,
        wall,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

impl Measured {
    /// Asserts the exit code and the memory bound, and prints the figures
    /// (`cargo test -- --nocapture` shows them).
    pub fn within_bounds(self, what: &str, code: i32) -> Measured {
        eprintln!(
            "{what}: exit {:?}, peak {:.1} MB, {:.0} ms",
            self.code,
            self.peak_mb,
            self.wall.as_secs_f64() * 1000.0
        );
        assert_eq!(self.code, Some(code), "{what}: {}{}", self.stdout, self.stderr);
        assert!(
            self.peak_mb < MAX_PEAK_MB,
            "{what}: peak resident memory {:.1} MB, the bound is {MAX_PEAK_MB} MB",
            self.peak_mb
        );
        self
    }
}
