//! `capplan calibrate`: measurement files → fitted scenario fields → a patch.

use super::{Failure, Output};
use crate::render::chart::{CALIBRATE_CHART_SIZE, ImageFormat, calibrate_chart};
use crate::render::{self, views};
use capplan::calibrate::{self, InputFormat, Metric, Setup};
use capplan::scenario::{ComponentRole, load_patched};
use capplan::support::fsio::write_atomically;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CalibrateFormat {
    /// The scenario patch (only the fitted fields, commented)
    Yaml,
    Json,
    Table,
    Markdown,
}

#[derive(Debug, Args)]
#[command(
    about = "Fit a component's CPU time, I/O, variability, workers, contention and load shape from load tests and metrics, as a scenario patch",
    after_help = "Examples:
  capplan calibrate run_stats_history.csv cpu.csv --tier render/web/standard --out calibrated.yaml
  capplan recommend --scenario app.yaml --patch calibrated.yaml
  capplan calibrate summary.json --format table                 # k6 --summary-export
  capplan calibrate requests_per_s=rate.json cpu_cores=cpu.json # Prometheus query_range results
  capplan calibrate metrics.json queries.json --tier aws/ec2/m7g.large   # CloudWatch get-metric-data
  capplan calibrate load.csv --fit load_profile --fit requests_per_online_user_per_min
  capplan calibrate run_stats_history.csv cpu.csv --vcpu 0.5 --fit cpu_ms   # a box with a half-core quota
  capplan calibrate run_stats_history.csv cpu.csv --vcpu 1 --chart ramp.svg  # see the plateau (or .png)

FILE is a k6 summary (--summary-export or handleSummary), Locust _stats.csv, _stats_history.csv
or --json output, Gatling js/stats.json, a Prometheus query or query_range result, CloudWatch
get-metric-data output with its --metric-data-queries file, or a plain CSV with the columns
timestamp,requests_per_s,cpu_percent,cpu_cores,instances,concurrency,online_users,mean_ms,p50_ms,
p95_ms,p99_ms (any subset). A Prometheus file without metric names takes a prefix:
requests_per_s=FILE, cpu_cores=FILE, p95_ms=FILE (latencies in seconds, Prometheus's unit).
What each format gives and the exact commands: docs/calibrate.md."
)]
pub struct CalibrateArgs {
    /// Measurement files, each optionally prefixed by the metric it holds (METRIC=FILE)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<std::ffi::OsString>,
    /// The component the measurements are of (default: the scenario's first web component)
    #[arg(long, value_name = "NAME")]
    component: Option<String>,
    /// Scenario file (default: the embedded scenario): its cpu_ms splits latency when the data has no CPU
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Scenario patch applied over the scenario (repeatable, in order)
    #[arg(long = "patch", value_name = "FILE")]
    patches: Vec<PathBuf>,
    /// Overlay catalog file or folder (repeatable), for --tier
    #[arg(long = "tiers", value_name = "PATH")]
    overlays: Vec<PathBuf>,
    /// Instances that served the measured traffic (default: the data's, else 1)
    #[arg(long, value_name = "N")]
    instances: Option<f64>,
    /// The tier measured (PROVIDER/OFFERING/TIER): its vCPUs turn CPU % into cores and tell CPU-bound from worker-bound
    #[arg(long, value_name = "TIER", conflicts_with = "vcpu")]
    tier: Option<String>,
    /// vCPUs of the load-test machine (or its CPU quota: 0.5 for half a core), instead of --tier:
    /// turns CPU % into cores and tells CPU-bound from worker-bound
    #[arg(long, value_name = "N")]
    vcpu: Option<f64>,
    /// Worker processes per instance the server ran (blocking servers)
    #[arg(long, value_name = "K")]
    workers: Option<u32>,
    /// Fit and write only these fields, and fail when one cannot be fitted (repeatable):
    /// cpu_ms, io_ms, cv, concurrency, workers_per_instance, workers (both), usl, load_profile,
    /// requests_per_online_user_per_min
    #[arg(long = "fit", value_name = "FIELD")]
    fit: Vec<String>,
    /// The load generator's own time inside each latency it measured (ms), taken out of io_ms;
    /// default: estimated from a no-think-time ramp, else left in (said so)
    #[arg(long, value_name = "MS")]
    client_overhead_ms: Option<f64>,
    /// Read every file as this format instead of detecting it
    #[arg(long, value_name = "FORMAT", value_parser = input_format)]
    input_format: Option<InputFormat>,
    /// Draw throughput, latency and CPU against the ramp's clients, with the fits, the plateau
    /// and the slots, to this file: .svg or .png (written atomically)
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
    /// Write the patch to this file (atomically); stdout then shows the table
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Output format (default: yaml, or table with --out)
    #[arg(long, value_enum)]
    format: Option<CalibrateFormat>,
}

fn input_format(text: &str) -> Result<InputFormat, String> {
    InputFormat::from_name(text)
        .ok_or_else(|| format!("expected one of {}", InputFormat::ALL.map(|f| f.name()).join(", ")))
}

/// The options' values that no parser checks: exit 2 with the option.
fn validate(args: &CalibrateArgs) -> Result<(), Failure> {
    for field in &args.fit {
        if !calibrate::FIELDS.contains(&field.as_str()) {
            return Err(Failure::input(format!(
                "--fit: unknown field '{field}': expected one of {}",
                calibrate::FIELDS.join(", ")
            )));
        }
    }
    if let Some(n) = args.instances
        && !(n.is_finite() && n >= 1.0)
    {
        return Err(Failure::input(format!(
            "--instances: expected a count of at least 1, found {n}"
        )));
    }
    if let Some(ms) = args.client_overhead_ms
        && !(ms.is_finite() && ms >= 0.0)
    {
        return Err(Failure::input(format!(
            "--client-overhead-ms: expected a time in ms of at least 0, found {ms}"
        )));
    }
    if let Some(n) = args.vcpu
        && !(n.is_finite() && n > 0.0)
    {
        return Err(Failure::input(format!(
            "--vcpu: expected the machine's vCPUs (or CPU quota) above 0, such as 2 or 0.5, found {n}"
        )));
    }
    if args.workers == Some(0) {
        return Err(Failure::input("--workers: expected at least 1 worker"));
    }
    if let Some(path) = &args.chart
        && ImageFormat::from_path(path).is_none()
    {
        return Err(Failure::input(format!(
            "--chart: expected a file name ending in .svg or .png, got '{}'",
            path.display()
        )));
    }
    Ok(())
}

/// `--chart`: the calibration drawn, written whole or not at all.
fn write_chart(
    path: &std::path::Path,
    calibration: &calibrate::Calibration,
    component: &str,
    vcpus: Option<f64>,
) -> Result<(), Failure> {
    let format = ImageFormat::from_path(path).ok_or_else(|| {
        Failure::input(format!("--chart: expected .svg or .png, got '{}'", path.display()))
    })?;
    let data = calibrate::chart_data(calibration, vcpus).map_err(Failure::input)?;
    let bytes = calibrate_chart(&data, component, format)
        .map_err(|e| Failure::input(format!("--chart: {e}")))?;
    write_atomically(path, &bytes)
        .map_err(|e| Failure::input(format!("--chart: cannot write '{}': {e}", path.display())))?;
    let (width, height) = CALIBRATE_CHART_SIZE;
    super::stderr_line(&format!(
        "wrote {} ({} bytes, {width}×{height})",
        path.display(),
        bytes.len()
    ));
    Ok(())
}

pub fn run(args: CalibrateArgs) -> Result<Output, Failure> {
    validate(&args)?;
    let file = load_patched(args.scenario.as_deref(), &args.patches)?;
    let component = match &args.component {
        Some(name) => file.scenario.component(name).ok_or_else(|| {
            Failure::input(format!(
                "--component: the scenario {} has no component '{name}' (it has: {})",
                file.name,
                file.scenario
                    .components
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?,
        None => file.scenario.components.iter().find(|c| c.role == ComponentRole::Web).ok_or_else(
            || {
                Failure::input(format!(
                    "{}: no web component; name one with --component",
                    file.name
                ))
            },
        )?,
    };
    let vcpus =
        match &args.tier {
            None => args.vcpu,
            Some(tier) => {
                let (catalog, _) = super::output::load_catalog(&args.overlays)?;
                let found = catalog.tier(tier).ok_or_else(|| {
                    Failure::input(format!(
                        "--tier: no tier '{tier}' in the catalog (`capplan tiers` lists them)"
                    ))
                })?;
                Some(found.tier.capacity.vcpu.ok_or_else(|| {
                    Failure::input(format!("--tier: {tier} publishes no vCPU count"))
                })?)
            }
        };
    let mut inputs = Vec::new();
    for raw in &args.files {
        // METRIC=FILE needs a UTF-8 prefix; a path that is not UTF-8 is a
        // file as it stands.
        let Some(spec) = raw.to_str() else {
            inputs.push((std::path::PathBuf::from(raw), None, args.input_format));
            continue;
        };
        let (metric, path) = match spec.split_once('=') {
            Some((name, path)) if !std::path::Path::new(spec).exists() => {
                let metric = Metric::from_name(name).ok_or_else(|| {
                    Failure::input(format!(
                        "{spec}: unknown metric '{name}' before '=': expected one of {}",
                        calibrate::METRICS.map(|m| m.name()).join(", ")
                    ))
                })?;
                (Some(metric), std::path::PathBuf::from(path))
            }
            _ => (None, std::path::PathBuf::from(spec)),
        };
        inputs.push((path, metric, args.input_format));
    }
    let setup = Setup {
        instances: args.instances,
        vcpus,
        workers: args.workers,
        scenario_cpu_ms: component.cpu_ms,
        wanted: args.fit.clone(),
        client_overhead_ms: args.client_overhead_ms,
    };
    let calibration = calibrate::calibrate(&inputs, &setup)?;
    let patch =
        calibrate::patch_yaml(&calibration, &component.name, &capplan::catalog::today(), &args.fit);
    // Said where it is seen whatever the format: what the patch leaves alone.
    for (field, reason) in calibrate::unwritten(&calibration, &args.fit) {
        super::stderr_line(&format!(
            "note: {field} not fitted, the scenario's value kept: {reason}"
        ));
    }
    // The patch must read back as a valid patch of this scenario.
    let mut check = file.scenario.clone();
    capplan::scenario::Patch::parse("calibrate output", &patch)
        .and_then(|p| capplan::scenario::apply_patch(&mut check, &p))
        .map_err(|e| Failure::input(format!("the fitted patch does not apply: {e}")))?;
    // The chart before the patch: a chart that cannot be drawn or written
    // leaves no patch behind either.
    if let Some(path) = &args.chart {
        write_chart(path, &calibration, &component.name, vcpus)?;
    }
    if let Some(out) = &args.out {
        write_atomically(out, patch.as_bytes())
            .map_err(|e| Failure::input(format!("{}: cannot write: {e}", out.display())))?;
    }
    let format = args.format.unwrap_or(if args.out.is_some() {
        CalibrateFormat::Table
    } else {
        CalibrateFormat::Yaml
    });
    let report =
        calibrate::CalibrateReport { component: component.name.clone(), calibration, patch };
    let view = || views::calibrate(&report.calibration, &report.component);
    Ok(Output::ok(match format {
        CalibrateFormat::Yaml => report.patch.clone(),
        CalibrateFormat::Json => {
            render::render(render::Format::Json, &report, view).map_err(Failure::input)?
        }
        CalibrateFormat::Table => {
            render::render(render::Format::Table, &report, view).map_err(Failure::input)?
        }
        CalibrateFormat::Markdown => {
            render::render(render::Format::Markdown, &report, view).map_err(Failure::input)?
        }
    }))
}
