//! Work spread over every core, results in input order (so that what a
//! command prints does not depend on how many cores ran it).

/// `f(0) … f(n-1)`, computed in contiguous chunks on one thread per core.
/// Called from inside another `map` (a forecast per sampled world), it
/// runs on the calling thread: the cores are already busy.
pub fn map<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()).min(n.max(1));
    if IN_WORKER.with(|w| w.get()) {
        return (0..n).map(f).collect();
    }
    // Only the outermost map reports progress: nested work is part of an item.
    let task = crate::support::progress::Task::start(
        "planning",
        n as u64,
        crate::support::progress::Unit::Items,
    );
    let task = &task;
    let f = |i: usize| {
        let out = f(i);
        task.advance(1);
        out
    };
    if threads <= 1 {
        // As a worker would: maps nested in `f` run without their own progress.
        IN_WORKER.with(|w| w.set(true));
        let out = (0..n).map(f).collect();
        IN_WORKER.with(|w| w.set(false));
        return out;
    }
    let chunk = n.div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                scope.spawn(move || {
                    IN_WORKER.with(|w| w.set(true));
                    (start..(start + chunk).min(n)).map(f).collect::<Vec<T>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(part) => part,
                // A worker's panic is a bug; surface it where it happened.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

thread_local! {
    static IN_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}
