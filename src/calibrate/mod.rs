//! `capplan calibrate`: measurements (load-test summaries and histories,
//! metrics queries, plain CSV) → one set of rows → fitted scenario fields,
//! each with the samples it rests on and its uncertainty → a scenario patch.
//!
//! `read` turns every supported file into [`Row`]s; `join` puts the rows
//! of several files together (a CPU series into the load levels of a load
//! test); `fit` estimates the fields; `patch_out` writes them as a patch;
//! `chart` computes what `--chart` draws from the result.

pub mod chart;
mod fit;
mod join;
mod patch_out;
mod read;
mod stats;

pub use chart::{CalibrationChart, chart_data};
pub use fit::{
    Calibration, Estimate, FIELDS, LevelPoint, Model, NotFitted, Profile, SchedulingFit, Slots,
    SourceSummary, USL_MIN_LEVELS, UslFit, fit,
};
pub use patch_out::{patch_yaml, unwritten};
pub use read::{InputFormat, read_file};

use serde::Serialize;

/// A measured quantity. Latencies are in ms, CPU in cores (CPU seconds per
/// second, summed over instances), rates per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    RequestsPerS,
    CpuCores,
    CpuPercent,
    Instances,
    Concurrency,
    OnlineUsers,
    MeanMs,
    P50Ms,
    P95Ms,
    P99Ms,
}

pub const METRICS: [Metric; 10] = [
    Metric::RequestsPerS,
    Metric::CpuCores,
    Metric::CpuPercent,
    Metric::Instances,
    Metric::Concurrency,
    Metric::OnlineUsers,
    Metric::MeanMs,
    Metric::P50Ms,
    Metric::P95Ms,
    Metric::P99Ms,
];

impl Metric {
    /// The plain-CSV column name (and the `NAME=FILE` prefix).
    pub fn name(self) -> &'static str {
        match self {
            Metric::RequestsPerS => "requests_per_s",
            Metric::CpuCores => "cpu_cores",
            Metric::CpuPercent => "cpu_percent",
            Metric::Instances => "instances",
            Metric::Concurrency => "concurrency",
            Metric::OnlineUsers => "online_users",
            Metric::MeanMs => "mean_ms",
            Metric::P50Ms => "p50_ms",
            Metric::P95Ms => "p95_ms",
            Metric::P99Ms => "p99_ms",
        }
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        METRICS.into_iter().find(|m| m.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// Latencies: converted from seconds where a source stores seconds.
    pub fn is_latency(self) -> bool {
        matches!(self, Metric::MeanMs | Metric::P50Ms | Metric::P95Ms | Metric::P99Ms)
    }
}

/// One observation: a moment of a time series, a load level of a ramped
/// test (with the span it covers) or the summary of a whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Unix seconds (the middle of the span for a level).
    pub t: Option<f64>,
    /// The time range a level or summary covers, for joining series into it.
    pub span: Option<(f64, f64)>,
    /// Values by [`Metric`] index; NaN where not measured.
    values: [f64; METRICS.len()],
    /// Which file (index into the inputs) it came from.
    pub file: usize,
}

impl Row {
    pub fn new(file: usize) -> Self {
        Row { t: None, span: None, values: [f64::NAN; METRICS.len()], file }
    }

    pub fn get(&self, metric: Metric) -> Option<f64> {
        let v = self.values[metric.index()];
        (!v.is_nan()).then_some(v)
    }

    pub fn set(&mut self, metric: Metric, value: f64) {
        self.values[metric.index()] = value;
    }

    pub fn with(mut self, metric: Metric, value: Option<f64>) -> Self {
        if let Some(v) = value {
            self.set(metric, v);
        }
        self
    }
}

/// The rows read from one file, and what the file was.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub format: InputFormat,
    pub rows: Vec<Row>,
    /// Rows (or samples) read, before aggregation into levels.
    pub samples: usize,
}

/// What calibrate knows about the system measured.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// Instances serving the measured traffic when the data does not say.
    pub instances: Option<f64>,
    /// vCPUs of one instance (`--vcpu`, or `--tier`'s), to turn CPU % into cores
    /// and to tell whether CPU or workers bound the throughput.
    pub vcpus: Option<f64>,
    /// Worker processes per instance the server ran, when known.
    pub workers: Option<u32>,
    /// The scenario component's CPU time, used to split latency into CPU
    /// and I/O when the data has no CPU figures.
    pub scenario_cpu_ms: Option<f64>,
    /// The fields asked for (`--fit`); empty: everything the data allows.
    pub wanted: Vec<String>,
    /// The load generator's own time inside each measured latency
    /// (`--client-overhead-ms`), taken out of io_ms.
    pub client_overhead_ms: Option<f64>,
}

/// Every problem that stops a calibration: located in its file.
pub type CalibrateError = crate::input::problem::Problems;

/// Reads, joins and fits: the whole calibration of a set of files.
pub fn calibrate(
    inputs: &[(std::path::PathBuf, Option<Metric>, Option<InputFormat>)],
    setup: &Setup,
) -> Result<Calibration, CalibrateError> {
    let mut sources = Vec::new();
    let (mut queries, mut outputs) = (Vec::new(), Vec::new());
    for (index, (path, metric, format)) in inputs.iter().enumerate() {
        match read_file(index, path, *metric, *format)? {
            read::Read::Source(source) => sources.push(source),
            read::Read::CloudWatchQueries(q) => queries.push(q),
            read::Read::CloudWatchOutput(o) => outputs.push(o),
        }
    }
    sources.extend(read::cloudwatch::resolve(outputs, &queries)?);
    let joined = join::join(&sources);
    fit(&sources, joined, setup)
}

/// The JSON contract of `capplan calibrate`: the component fitted, every
/// estimate and the patch text written.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CalibrateReport {
    /// The scenario component calibrated.
    pub component: String,
    #[serde(flatten)]
    pub calibration: Calibration,
    /// The scenario patch (YAML) setting the fitted fields: what `--out`
    /// writes.
    pub patch: String,
}
