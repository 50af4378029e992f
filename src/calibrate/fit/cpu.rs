//! CPU time per request: CPU ÷ throughput at each level (less the idle
//! CPU), with the slope of CPU against throughput only as a check. A slope
//! through CPU-saturated levels, or through levels whose cost changes with
//! load, gives a number the data does not support; the per-level ratio is
//! what each level measured.

use super::*;

/// Share of the vCPUs at which a level counts as CPU-saturated.
pub const SATURATED_SHARE: f64 = 0.95;
/// CPU share of the lowest level that, with saturated levels above it,
/// marks a ramp saturated from its start.
const NEAR_SATURATED_SHARE: f64 = 0.85;
/// Relative change of the CPU per request across the ramp that is reported
/// as load-dependent cost.
const TREND_SHARE: f64 = 0.10;
/// Relative gap between the slope and the per-level ratio that is reported.
const DISAGREE_SHARE: f64 = 0.20;
/// A fit whose intercept (idle CPU) exceeds this share of the box is poor.
const INTERCEPT_SHARE: f64 = 0.25;
const GOOD_R2: f64 = 0.9;

/// One row with a request rate and CPU.
struct Point {
    row: usize,
    rps: f64,
    cores: f64,
    /// The vCPUs serving it (all instances), when known.
    capacity: Option<f64>,
}

impl Point {
    fn saturated(&self) -> bool {
        self.capacity.is_some_and(|v| self.cores >= SATURATED_SHARE * v)
    }
}

/// What the CPU fit gives the other fits.
#[derive(Default)]
pub(super) struct CpuFit {
    /// The CPU per request chosen, ms.
    pub value: Option<f64>,
    /// CPU ÷ throughput per row (aligned with the rows), ms.
    pub per_row: Vec<Option<f64>>,
    /// Rows that are CPU-saturated.
    pub saturated: Vec<bool>,
    /// `per_row` keeps an unknown idle CPU in: upper bounds, no value.
    pub upper_bound: bool,
}

impl CpuFit {
    /// The mean CPU per request over `rows` (indices), where measured.
    pub fn at(&self, rows: &[usize]) -> Option<f64> {
        let v: Vec<f64> = rows.iter().filter_map(|&i| self.per_row.get(i).copied()?).collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    }
}

/// The idle CPU: measured outside the test, else a good slope's intercept
/// when it is small beside the CPU under load (treating it as idle or as a
/// fixed cost then changes little), else unknown and left in (an upper
/// bound) when the data shows it cannot be much.
struct Idle {
    cores: f64,
    how: String,
    /// Left in: CPU ÷ throughput is an upper bound that falls with load.
    unknown: bool,
}

/// Share of the top level's CPU under which a slope's intercept is taken
/// as idle CPU.
const SMALL_INTERCEPT: f64 = 0.10;
/// Share of the box some level must reach for CPU ÷ throughput with the
/// idle CPU left in to be a usable (upper) bound.
const BUSY_SHARE: f64 = 0.5;
/// Share of the latency under which even an upper bound of the CPU per
/// request is precise enough: the CPU hardly matters to the plan.
const NEGLIGIBLE_SHARE: f64 = 0.1;

fn idle_cpu(
    idle_rows: &[Row],
    rows: &[Row],
    points: &[Point],
    slope: Option<&Line>,
    setup: &Setup,
) -> Option<Idle> {
    let box_cores = points.iter().find_map(|p| p.capacity);
    let least = points.iter().map(|p| p.cores).fold(f64::INFINITY, f64::min);
    let most = points.iter().map(|p| p.cores).fold(0.0, f64::max);
    // Samples outside the levels that carry load (another test after the
    // ramp) are not idle: idle CPU lies well under every level's.
    let samples: Vec<f64> =
        idle_rows.iter().filter_map(|r| cores(r, setup)).filter(|c| *c <= 0.5 * least).collect();
    if !samples.is_empty() {
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        return Some(Idle {
            cores: mean,
            how: format!(
                "idle CPU {mean:.4} cores from {} sample(s) without load, taken out",
                samples.len()
            ),
            unknown: false,
        });
    }
    if let Some(l) =
        slope.filter(|l| !poor_fit(l, box_cores) && l.intercept <= SMALL_INTERCEPT * most)
    {
        let cores = l.intercept.max(0.0);
        return Some(Idle {
            cores,
            how: format!(
                "idle CPU {cores:.4} cores from the slope's intercept (R² {:.3}), taken out",
                l.r2
            ),
            unknown: false,
        });
    }
    let busy = box_cores.is_some_and(|b| most >= BUSY_SHARE * b);
    let negligible = points.iter().all(|p| {
        let latency = rows[p.row].get(Metric::MeanMs).or(rows[p.row].get(Metric::P50Ms));
        latency.is_some_and(|ms| p.cores / p.rps * 1000.0 <= NEGLIGIBLE_SHARE * ms)
    });
    (busy || negligible).then(|| Idle {
        unknown: true,
        cores: 0.0,
        how: format!(
            "idle CPU unknown (no samples without load{}), so left in: an upper bound, {}",
            slope.map_or(String::new(), |l| format!(
                "; the slope's intercept, {:.3} cores, could be idle or a fixed cost of load",
                l.intercept
            )),
            if busy {
                format!("close at {:.0}% of the box", most / box_cores.unwrap_or(most) * 100.0)
            } else {
                format!(
                    "under {:.0}% of the latency, so it hardly matters",
                    NEGLIGIBLE_SHARE * 100.0
                )
            }
        ),
    })
}

/// A slope that cannot carry the estimate: low R², a range reaching ≤ 0,
/// or an intercept (idle CPU) that is a large share of the box or negative.
fn poor_fit(l: &Line, box_cores: Option<f64>) -> bool {
    let scale = box_cores.unwrap_or(f64::INFINITY);
    l.r2 < GOOD_R2
        || l.slope - l.slope_half_width <= 0.0
        || l.intercept > INTERCEPT_SHARE * scale
        || (box_cores.is_some() && l.intercept < -0.05 * scale)
}

/// Fits `cpu_ms`, records warnings, and returns the per-row figures.
pub(super) fn fit_cpu_ms(
    c: &mut Calibration,
    rows: &[Row],
    idle_rows: &[Row],
    setup: &Setup,
) -> CpuFit {
    let mut out = CpuFit {
        per_row: vec![None; rows.len()],
        saturated: vec![false; rows.len()],
        ..CpuFit::default()
    };
    let points: Vec<Point> = rows
        .iter()
        .enumerate()
        .filter_map(|(row, r)| {
            let rps = r.get(Metric::RequestsPerS).filter(|x| *x > 0.0)?;
            let instances = r.get(Metric::Instances).or(setup.instances).unwrap_or(1.0);
            Some(Point {
                row,
                rps,
                cores: cores(r, setup)?,
                capacity: setup.vcpus.map(|v| v * instances),
            })
        })
        .collect();
    if points.is_empty() {
        let has_percent = rows.iter().any(|r| r.get(Metric::CpuPercent).is_some());
        c.skip(
            "cpu_ms",
            if has_percent && setup.vcpus.is_none() {
                "cpu_percent needs the vCPUs of an instance: pass --vcpu N (the load-test machine's vCPUs or CPU quota) or --tier PROVIDER/OFFERING/TIER"
                    .into()
            } else {
                "no rows with both requests_per_s and CPU (cpu_cores, or cpu_percent with --vcpu or --tier)"
                    .into()
            },
        );
        return out;
    }
    for p in &points {
        out.saturated[p.row] = p.saturated();
    }
    saturation_warning(c, rows, &points);
    let box_cores = points.iter().find_map(|p| p.capacity);
    // The slope only through levels where CPU could still grow with load.
    let free: Vec<(f64, f64)> =
        points.iter().filter(|p| !p.saturated()).map(|p| (p.rps, p.cores)).collect();
    let (lo, hi) =
        free.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
    let slope = line(&free).filter(|_| hi >= 1.2 * lo);
    let Some(idle) = idle_cpu(idle_rows, rows, &points, slope.as_ref(), setup) else {
        c.skip("cpu_ms", untrusted_reason(&points, &free, slope.as_ref(), lo, hi));
        // Still an upper bound per level, to split the latency with.
        for p in &points {
            out.per_row[p.row] = Some(p.cores / p.rps * 1000.0);
        }
        out.upper_bound = true;
        return out;
    };
    for p in &points {
        out.per_row[p.row] = Some(((p.cores - idle.cores).max(0.0) / p.rps) * 1000.0);
    }
    let ratios: Vec<(f64, f64)> =
        points.iter().filter_map(|p| Some((p.rps, out.per_row[p.row]?))).collect();
    let estimate = choose(c, &points, &ratios, &idle);
    if let Some(l) = &slope {
        check_slope(c, l, estimate.value, box_cores);
    }
    out.value = Some(estimate.value);
    out.upper_bound = idle.unknown;
    c.cpu_ms = Some(estimate);
    out
}

/// Why no trustworthy CPU per request exists: the idle CPU is unknown and
/// the slope cannot give it.
fn untrusted_reason(
    points: &[Point],
    free: &[(f64, f64)],
    slope: Option<&Line>,
    lo: f64,
    hi: f64,
) -> String {
    let why = match slope {
        Some(l) => format!(
            "the slope of CPU against requests/s is a poor fit ({:.2} ms per request, R² {:.3}, range {:.2}–{:.2}, intercept {:.3} cores)",
            l.slope * 1000.0,
            l.r2,
            (l.slope - l.slope_half_width) * 1000.0,
            (l.slope + l.slope_half_width) * 1000.0,
            l.intercept
        ),
        None if free.len() < 3 => format!(
            "{} of {} row(s) with rate and CPU are below CPU saturation; a slope needs 3",
            free.len(),
            points.len()
        ),
        None => format!(
            "the request rate did not vary enough ({lo:.3} to {hi:.3} req/s) to separate per-request CPU from idle CPU"
        ),
    };
    format!(
        "no trustworthy value: {why}, no CPU samples without load give the idle CPU, and no level is busy enough (≥ {:.0}% of the box) for it not to matter; record CPU for ~10 s before the test starts, and ramp to at least half the CPU",
        BUSY_SHARE * 100.0
    )
}

/// The estimate: CPU ÷ throughput over all levels (ratio of sums), or, when
/// it changes with load, its value at the highest loads measured.
fn choose(c: &mut Calibration, points: &[Point], ratios: &[(f64, f64)], idle: &Idle) -> Estimate {
    let n = ratios.len();
    let mean = ratios.iter().map(|r| r.1).sum::<f64>() / n as f64;
    let saturated = points.iter().filter(|p| p.saturated()).count();
    let sat_note = if saturated > 0 {
        format!("; {saturated} of {} CPU-saturated", points.len())
    } else {
        String::new()
    };
    // With the idle CPU left in, the ratio falls with load by construction.
    if !idle.unknown && trend(ratios) {
        let mut by_rate = ratios.to_vec();
        by_rate.sort_by(|a, b| a.0.total_cmp(&b.0));
        let t = by_rate[n - 1].1 / by_rate[0].1 - 1.0;
        let top: Vec<f64> = by_rate[n - n.div_ceil(3)..].iter().map(|r| r.1).collect();
        let mut sorted = top.clone();
        sorted.sort_by(f64::total_cmp);
        let value = sorted[sorted.len() / 2];
        let (first, last) = (by_rate[0], by_rate[n - 1]);
        c.warnings.push(format!(
            "The CPU per request {} with load, {:.2} ms at {:.1} req/s to {:.2} ms at {:.1} req/s ({:+.0}%): {}. cpu_ms is its value at the highest loads measured ({value:.2} ms, the median of the top {} level(s)), the load a plan runs near{}; a slope or a mean over the ramp would misstate it",
            if t < 0.0 { "falls" } else { "rises" },
            first.1,
            first.0,
            last.1,
            last.0,
            t * 100.0,
            if t < 0.0 {
                "a fixed cost (a cache rebuild, a timer, batching) is shared by more requests as load rises"
            } else {
                "contention (locks, cache misses, the garbage collector) grows with load"
            },
            top.len(),
            if t > 0.0 { " and the conservative end" } else { "" }
        ));
        return Estimate {
            value,
            low: sorted.first().copied().filter(|lo| *lo < value),
            high: sorted.last().copied().filter(|hi| *hi > value),
            samples: top.len(),
            method: format!(
                "CPU ÷ throughput at the top {} of {n} level(s) by load (it changes {:+.0}% across the ramp; per level {}); {}{sat_note}",
                top.len(),
                t * 100.0,
                by_rate.iter().map(|r| format!("{:.2}", r.1)).collect::<Vec<_>>().join(", "),
                idle.how
            ),
        };
    }
    let sum_cpu: f64 = points.iter().map(|p| (p.cores - idle.cores).max(0.0)).sum();
    let sum_rps: f64 = points.iter().map(|p| p.rps).sum();
    let value = sum_cpu / sum_rps * 1000.0;
    let half = (n >= 2).then(|| {
        let var = ratios.iter().map(|r| (r.1 - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        t95(n - 1) * (var / n as f64).sqrt()
    });
    Estimate {
        value,
        low: half.map(|h| (value - h).max(0.0)),
        high: half.map(|h| value + h),
        samples: n,
        method: format!("CPU ÷ throughput over {n} row(s); {}{sat_note}", idle.how),
    }
}

/// Whether the CPU per request changes with load: the line through it
/// moves by more than [`TREND_SHARE`] across the ramp, beyond its noise.
fn trend(ratios: &[(f64, f64)]) -> bool {
    let Some(l) = line(ratios) else {
        return false;
    };
    let mean = ratios.iter().map(|r| r.1).sum::<f64>() / ratios.len() as f64;
    let (lo, hi) =
        ratios.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), r| (lo.min(r.0), hi.max(r.0)));
    let change = l.slope * (hi - lo) / mean;
    change.abs() > TREND_SHARE && l.slope.abs() > l.slope_half_width
}

/// Says when the slope is a poor fit or disagrees with the ratio used.
fn check_slope(c: &mut Calibration, l: &Line, value: f64, box_cores: Option<f64>) {
    let slope_ms = l.slope * 1000.0;
    let poor = poor_fit(l, box_cores);
    let disagree = (slope_ms - value).abs() > DISAGREE_SHARE * value;
    if !(poor || disagree) {
        return;
    }
    let share = box_cores
        .map_or(String::new(), |b| format!(", {:.0}% of the box", l.intercept / b * 100.0));
    c.warnings.push(format!(
        "The slope of CPU against requests/s ({slope_ms:.2} ms per request, R² {:.3}, range {:.2}–{:.2}, idle intercept {:.3} cores{share}) {}: cpu_ms uses CPU ÷ throughput at the levels ({value:.2} ms), what each level measured",
        l.r2,
        (l.slope - l.slope_half_width) * 1000.0,
        (l.slope + l.slope_half_width) * 1000.0,
        l.intercept,
        match (poor, disagree) {
            (true, true) => "is a poor fit and disagrees with the per-level ratio",
            (true, false) => "is a poor fit",
            _ => "disagrees with the per-level ratio (a cost that is not constant, or idle CPU that is not)",
        }
    ));
}

/// One warning when the ramp is CPU-saturated from its first levels: the
/// numbers, and what to run instead.
fn saturation_warning(c: &mut Calibration, rows: &[Row], points: &[Point]) {
    let Some(vcpus) = points.iter().find_map(|p| p.capacity) else {
        return;
    };
    let mut order: Vec<&Point> = points.iter().collect();
    let key = |p: &Point| rows[p.row].get(Metric::Concurrency).unwrap_or(p.rps);
    order.sort_by(|a, b| key(a).total_cmp(&key(b)));
    let saturated = order.iter().filter(|p| p.saturated()).count();
    // A first level already near the top counts: a closed loop without
    // think time saturates a server from one or two users.
    let early = order.iter().take(2).any(|p| p.saturated())
        || (saturated > 0 && order[0].cores >= NEAR_SATURATED_SHARE * vcpus);
    if !early || order.len() < 2 {
        return;
    }
    let label = |p: &Point| match rows[p.row].get(Metric::Concurrency) {
        Some(n) => format!("{n} client(s)"),
        None => format!("{:.1} req/s", p.rps),
    };
    let first = order[0];
    let from = order.iter().find(|p| p.saturated()).map_or(first, |p| *p);
    let min_sat = order
        .iter()
        .filter(|p| p.saturated())
        .map(|p| p.cores / vcpus)
        .fold(f64::INFINITY, f64::min);
    let (xlo, xhi) = order
        .iter()
        .filter(|p| p.saturated())
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), p| (lo.min(p.rps), hi.max(p.rps)));
    c.warnings.push(format!(
        "The ramp is CPU-saturated from its first levels: CPU at {:.0}% of {vcpus} vCPU(s) at {} and ≥ {:.1}% from {} on ({saturated} of {} levels, {xlo:.1}–{xhi:.1} req/s). Throughput cannot grow with load there, so the ramp shows the capacity but not how CPU grows with it; cpu_ms is CPU ÷ throughput at the levels, not a slope. To calibrate, run a paced ramp (each user held to a fixed rate, e.g. Locust's constant_throughput) or add think time, from about 10% to 80% of the CPU",
        first.cores / vcpus * 100.0,
        label(first),
        (min_sat * 1000.0).floor() / 10.0,
        label(from),
        order.len()
    ));
}
