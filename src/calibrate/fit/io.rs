//! The I/O part of the holding time, measured rather than left over: the
//! latency at the lowest load, less the CPU per request measured at that
//! same load and the load generator's own time inside the latency.

use super::*;

/// Share of the holding time under which what is left after CPU is the
/// CPU estimate's own noise: the server is CPU-bound.
const CPU_BOUND_SHARE: f64 = 0.10;

/// The load generator's time inside a latency: given, or estimated from a
/// closed loop without think time.
fn client_overhead(low: &[&Row], holding: f64, setup: &Setup) -> (f64, String) {
    if let Some(ms) = setup.client_overhead_ms {
        return (ms, format!("the load generator's {ms:.2} ms (--client-overhead-ms)"));
    }
    // A user without think time sends its next request as soon as the
    // response is in: N/X − R is the generator's turnaround between them,
    // the same work (building, parsing, recording) it does inside R.
    let gaps: Vec<f64> = low
        .iter()
        .filter_map(|r| {
            let (n, x, mean) =
                (r.get(Metric::Concurrency)?, r.get(Metric::RequestsPerS)?, r.get(Metric::MeanMs)?);
            (x > 0.0).then(|| n / x * 1000.0 - mean)
        })
        .collect();
    let gap = (!gaps.is_empty()).then(|| gaps.iter().sum::<f64>() / gaps.len() as f64);
    match gap {
        Some(g) if (0.0..=0.5 * holding).contains(&g) => (
            g,
            format!(
                "the load generator's {g:.2} ms (estimated: a user's gap between a response and its next request, clients ÷ throughput − latency, at the lowest level without think time)"
            ),
        ),
        _ => (
            0.0,
            "the load generator's own time, unknown with think time or pacing, is still in it (measure it with a lean client at low load and pass --client-overhead-ms)".into(),
        ),
    }
}

/// Splits the holding time: io_ms = holding − CPU at the lowest load −
/// the generator's part.
pub(super) fn fit_io(
    c: &mut Calibration,
    low: &[&Row],
    holding: f64,
    cpu_low: Option<(f64, &str)>,
    setup: &Setup,
) {
    let scenario = setup.scenario_cpu_ms.map(|v| (v, "the scenario's cpu_ms"));
    let Some((cpu, cpu_how)) = cpu_low.or(scenario) else {
        return c.skip("io_ms", "no CPU time to split the latency with".into());
    };
    if cpu_low.is_none() {
        c.cpu_ms_from_scenario = Some(cpu);
    }
    let (client, client_how) = client_overhead(low, holding, setup);
    let left = holding - cpu - client;
    if holding < (1.0 - CPU_BOUND_SHARE) * cpu {
        return c.skip(
            "io_ms",
            format!(
                "the latency at low load ({holding:.1} ms) is below the CPU time per request ({cpu:.1} ms)"
            ),
        );
    }
    let verdict = if left <= CPU_BOUND_SHARE * holding {
        ": the server is CPU-bound (CPU per request ≈ holding time), no I/O"
    } else {
        ": network and the server's waits (I/O, locks, downstream calls)"
    };
    let (low_end, high_end) = io_range(c, holding, cpu, client);
    c.io_ms = Some(Estimate {
        value: left.max(0.0),
        low: low_end,
        high: high_end,
        samples: low.len(),
        method: format!(
            "holding time {holding:.2} ms − CPU {cpu:.2} ms ({cpu_how}) − {client_how} = {left:.2} ms{verdict}"
        ),
    });
}

/// io_ms's range: the holding time's spread over the lowest-load rows and
/// the CPU fit's range (its relative width applied to the CPU taken out),
/// so that the patch's interval carries both; none when neither varies.
fn io_range(c: &Calibration, holding: f64, cpu: f64, client: f64) -> (Option<f64>, Option<f64>) {
    let (h_lo, h_hi) = c
        .holding_ms
        .as_ref()
        .map_or((holding, holding), |h| (h.low.unwrap_or(holding), h.high.unwrap_or(holding)));
    let (c_lo, c_hi) = match c.cpu_ms.as_ref().filter(|_| c.cpu_ms_from_scenario.is_none()) {
        Some(e) if e.value > 0.0 => {
            (cpu * e.low.unwrap_or(e.value) / e.value, cpu * e.high.unwrap_or(e.value) / e.value)
        }
        _ => (cpu, cpu),
    };
    let low = (h_lo - c_hi - client).max(0.0);
    let high = (h_hi - c_lo - client).max(0.0);
    if high > low { (Some(low), Some(high)) } else { (None, None) }
}
