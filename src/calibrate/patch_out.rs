//! The scenario patch calibrate writes: only the fitted fields, each with
//! a comment naming its source files, samples and fit quality, in the
//! shape `--patch` reads.

use super::fit::{Calibration, Estimate};
use crate::scenario::{Concurrency, UslScope};

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

/// The patch YAML for `component` (written under `components`).
pub fn patch_yaml(c: &Calibration, component: &str, today: &str) -> String {
    let files: Vec<&str> = c.sources.iter().map(|s| s.file.as_str()).collect();
    let mut out = format!(
        "# capplan scenario patch, written by `capplan calibrate` on {today}\n# from {}.\n# Apply with: capplan recommend --scenario SCENARIO --patch THIS_FILE\n",
        files.join(", ")
    );
    for w in &c.warnings {
        out.push_str(&format!("# Warning: {w}.\n"));
    }
    let mut workload = String::new();
    if let Some(e) = &c.requests_per_online_user_per_min {
        workload.push_str(&format!(
            "  # {}\n  requests_per_online_user_per_min: {}\n",
            comment(e),
            sig(e.value)
        ));
    }
    if let Some(p) = &c.load_profile {
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
    if let Some(e) = &c.cpu_ms {
        fields.push_str(&format!("    # {}\n    cpu_ms: {}\n", comment(e), sig(e.value)));
    }
    if let Some(e) = &c.io_ms {
        fields.push_str(&format!("    # {}\n    io_ms: {}\n", comment(e), sig(e.value)));
    }
    if let Some(e) = c.cv.as_ref().filter(|_| cv_applies(c)) {
        fields.push_str(&format!("    # {}\n    cv: {}\n", comment(e), sig(e.value)));
    }
    if let Some(m) = &c.model {
        fields.push_str(&format!("    # {}\n", m.reason));
        match m.concurrency {
            Concurrency::Blocking => {
                fields.push_str("    concurrency: blocking\n");
                if let Some(w) = m.workers {
                    fields.push_str(&format!("    workers_per_instance: {w}\n"));
                }
                if let Some(t) = m.threads {
                    fields.push_str(&format!("    threads_per_worker: {t}\n"));
                }
            }
            Concurrency::Async => fields.push_str("    concurrency: async\n"),
        }
    }
    if let Some(u) = c.usl.as_ref() {
        match u.across {
            Some(UslScope::Instances) => fields.push_str(&format!(
                "    # Universal Scalability Law over {} {} levels, R² {:.3}; peak {} req/s at N* = {}\n    usl: {{sigma: {}, kappa: {}, across: instances}}\n",
                u.levels,
                u.over,
                u.r2,
                u.peak_rps.map_or("none".into(), sig),
                u.peak_n.map_or("none".into(), |n| format!("{n:.1}")),
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
