//! The scenario patch calibrate writes: only the fitted fields, each with
//! a comment naming its source files, samples and fit quality, in the
//! shape `--patch` reads. A fitted range is written as the scenario's
//! interval (`{ low, mid, high }`, the fit's value as the median), so that
//! `recommend` and `uncertainty` sample it; a field not fitted is listed
//! with its reason and left out, keeping the scenario's value.

use super::fit::{Calibration, Estimate};
use crate::scenario::{Concurrency, Scheduling, UslScope};

/// Rounds to 4 significant digits for the patch (the fits are not more
/// precise than that).
fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".into();
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{v:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

fn comment(e: &Estimate) -> String {
    let interval = match (e.low, e.high) {
        (Some(lo), Some(hi)) if hi > lo => format!("; range {}–{}", sig(lo), sig(hi)),
        _ => String::new(),
    };
    format!("{}; {} sample(s){interval}", e.method, e.samples)
}

/// A fitted value as the patch writes it: an interval around the value
/// when the fit has a range that holds it, else the value.
fn value(e: &Estimate) -> String {
    match (e.low, e.high) {
        (Some(lo), Some(hi)) if hi > lo && lo >= 0.0 => {
            // Rounding must not push the median out of its range.
            let (lo, hi) = (lo.min(e.value), hi.max(e.value));
            format!("{{ low: {}, mid: {}, high: {} }}", sig(lo), sig(e.value), sig(hi))
        }
        _ => sig(e.value),
    }
}

/// Whether `field` is to be written: asked for with `--fit`, or anything
/// fitted when nothing was asked for. `workers` is the server model:
/// `concurrency` and `workers_per_instance`.
pub fn wanted(wanted: &[String], field: &str) -> bool {
    wanted.is_empty()
        || wanted.iter().any(|w| {
            w == field
                || (w == "workers" && matches!(field, "concurrency" | "workers_per_instance"))
        })
}

/// The fields the patch leaves alone, each with why: not fitted, or
/// fitted but not the scenario's (cv when latency is not service time).
pub fn unwritten(c: &Calibration, asked: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = c
        .not_fitted
        .iter()
        .filter(|n| {
            wanted(asked, &n.field)
                || (n.field == "workers"
                    && (wanted(asked, "concurrency") || wanted(asked, "workers_per_instance")))
        })
        .map(|n| (n.field.clone(), n.reason.clone()))
        .collect();
    if c.cv.is_some() && !cv_applies(c) && wanted(asked, "cv") {
        out.push((
            "cv".into(),
            "the latency is not the service time (an async server with I/O ≥ 10% of it): its shape is not the service time's".into(),
        ));
    }
    out
}

/// Whether the latency shape is the service time's shape: a blocking
/// server holds a request for all of it; an async one only for its CPU.
fn cv_applies(c: &Calibration) -> bool {
    let blocking = c.model.as_ref().is_some_and(|m| m.concurrency == Concurrency::Blocking);
    let io_share = match (&c.io_ms, &c.holding_ms) {
        (Some(io), Some(h)) if h.value > 0.0 => io.value / h.value,
        _ => 1.0,
    };
    blocking || io_share < 0.1
}

/// The server model's lines: `concurrency` and, blocking, the workers.
fn model_lines(m: &super::fit::Model, concurrency: bool, workers: bool) -> String {
    if !(concurrency || workers) {
        return String::new();
    }
    let mut out = format!("    # {}\n", m.reason);
    if concurrency {
        let name = match m.concurrency {
            Concurrency::Blocking => "blocking",
            Concurrency::Async => "async",
        };
        out.push_str(&format!("    concurrency: {name}\n"));
    }
    if workers && m.concurrency == Concurrency::Blocking {
        if let Some(w) = m.workers {
            out.push_str(&format!("    workers_per_instance: {w}\n"));
        }
        if let Some(t) = m.threads {
            out.push_str(&format!("    threads_per_worker: {t}\n"));
        }
    }
    out
}

/// The patch YAML for `component` (written under `components`): the
/// fields in `asked` (`--fit`), or every one fitted when it is empty.
pub fn patch_yaml(c: &Calibration, component: &str, today: &str, asked: &[String]) -> String {
    let want = |field: &str| wanted(asked, field);
    let files: Vec<&str> = c.sources.iter().map(|s| s.file.as_str()).collect();
    let mut out = format!(
        "# capplan scenario patch, written by `capplan calibrate` on {today}\n# from {}.\n# Apply with: capplan recommend --scenario SCENARIO --patch THIS_FILE\n",
        files.join(", ")
    );
    for w in &c.warnings {
        out.push_str(&format!("# warning: {w}.\n"));
    }
    for (field, reason) in unwritten(c, asked) {
        out.push_str(&format!("# Not fitted, the scenario's value kept: {field}: {reason}.\n"));
    }
    let mut workload = String::new();
    if let Some(e) = c
        .requests_per_online_user_per_min
        .as_ref()
        .filter(|_| want("requests_per_online_user_per_min"))
    {
        workload.push_str(&format!(
            "  # {}\n  requests_per_online_user_per_min: {}\n",
            comment(e),
            value(e)
        ));
    }
    if let Some(p) = c.load_profile.as_ref().filter(|_| want("load_profile")) {
        workload.push_str(&format!(
            "  # hourly mean request rate (UTC hours, peak hour 1) from {} samples over {:.1} day(s); peak-to-average {:.2}\n  load_profile: [{}]\n",
            p.samples,
            p.days,
            p.peak_to_average,
            p.hours.iter().map(|h| sig(*h)).collect::<Vec<_>>().join(", ")
        ));
    }
    if !workload.is_empty() {
        out.push_str("workload:\n");
        out.push_str(&workload);
    }
    let mut fields = String::new();
    for (field, e) in [("cpu_ms", &c.cpu_ms), ("io_ms", &c.io_ms)] {
        if let Some(e) = e.as_ref().filter(|_| want(field)) {
            fields.push_str(&format!("    # {}\n    {field}: {}\n", comment(e), value(e)));
        }
    }
    if let Some(e) = c.cv.as_ref().filter(|_| cv_applies(c) && want("cv")) {
        fields.push_str(&format!("    # {}\n    cv: {}\n", comment(e), value(e)));
    }
    if let Some(m) = &c.model {
        fields.push_str(&model_lines(m, want("concurrency"), want("workers_per_instance")));
    }
    if let Some(s) = c.scheduling.as_ref().filter(|_| want("scheduling")) {
        let name = match s.scheduling {
            Scheduling::Fcfs => "fcfs",
            Scheduling::Ps => "ps",
        };
        fields.push_str(&format!("    # {}\n    scheduling: {name}\n", s.reason));
    }
    if let Some(u) = c.usl.as_ref().filter(|_| want("usl")) {
        match u.across {
            Some(UslScope::Instances) => fields.push_str(&format!(
                "    # Universal Scalability Law over {} {} levels, R² {:.3}; {}\n    usl: {{sigma: {}, kappa: {}, across: instances}}\n",
                u.levels,
                u.over,
                u.r2,
                match (u.peak_rps, u.peak_n) {
                    (Some(rps), Some(n)) => format!("peak {} req/s at N* = {n:.1}", sig(rps)),
                    _ => "no peak (kappa 0: throughput levels off without falling)".into(),
                },
                sig(u.sigma),
                sig(u.kappa)
            )),
            _ => fields.push_str(&format!(
                "    # USL over the load test's {} client levels (sigma {}, kappa {}, R² {:.3}) describes the test, not instances: not applied\n",
                u.levels,
                sig(u.sigma),
                sig(u.kappa),
                u.r2
            )),
        }
    }
    // A component entry needs a field besides comments (`--patch` refuses
    // an item that sets nothing).
    if fields.lines().any(|l| !l.trim_start().starts_with('#')) {
        out.push_str(&format!("components:\n  - name: {component}\n{fields}"));
    } else {
        out.push_str(&fields.replace("    #", "#"));
    }
    out
}
