//! `capplan calibrate --chart FILE.svg|png` (issue 32 part 9): throughput,
//! latency and CPU against the ramp's clients, with the USL fit, the CPU
//! line the fit used, the plateau at the throughput calibrate reports and
//! the capacity of the slots it chose. The real fixtures of
//! tests/fixtures/calibrate/real: a CPU-saturated ramp and a 2-sync-worker
//! gunicorn ramp.

use crate::common::{run, run_json, scratch_dir};
use capplan::calibrate::{Setup, calibrate, chart_data};
use capplan::scenario::Concurrency;

const REAL: &str = "tests/fixtures/calibrate/real";

fn files(fixture: &str) -> (String, String) {
    (format!("{REAL}/{fixture}/run_stats_history.csv"), format!("{REAL}/{fixture}/cpu.csv"))
}

fn vcpus(fixture: &str) -> &'static str {
    if fixture == "gunicorn2" { "2" } else { "1" }
}

/// Every text of the SVG (labels, legend, captions), which must be XML.
fn svg_texts(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn the_svg_draws_three_panels_and_marks_the_plateau_calibrate_reports() {
    for (fixture, model) in [("saturated", "async"), ("gunicorn2", "blocking")] {
        let dir = scratch_dir(&format!("calibrate-chart-{fixture}"));
        let chart = dir.join("ramp.svg");
        let (history, cpu) = files(fixture);
        let c = run_json(
            &[
                "calibrate",
                &history,
                &cpu,
                "--vcpu",
                vcpus(fixture),
                "--chart",
                chart.to_str().unwrap(),
                "--format",
                "json",
            ],
            0,
        );
        let texts = svg_texts(&chart);
        let has = |s: &str| texts.iter().any(|t| t.contains(s));
        for panel in ["Throughput by load level", "Latency by load level", "CPU by load level"] {
            assert!(has(panel), "{fixture}: no panel '{panel}' in {texts:?}");
        }
        for series in ["measured throughput", "USL fit over clients", "p95", "measured CPU"] {
            assert!(has(series), "{fixture}: no series '{series}'");
        }
        // The saturation line at the plateau calibrate reports.
        let saturation = c["slots"]["saturation_rps"].as_f64().unwrap();
        assert!(has(&format!("saturation {saturation:.1} req/s")), "{fixture}: {texts:?}");
        // The CPU line at the cpu_ms the patch carries.
        let cpu_ms = c["cpu_ms"]["value"].as_f64().unwrap();
        assert!(has(&format!("cpu_ms {cpu_ms:.2} ms × throughput")), "{fixture}: {texts:?}");
        // The slots chosen, as the capacity they give.
        let slots = texts.iter().find(|t| t.starts_with("slots: ")).expect("a slots line");
        assert!(slots.contains(&format!("({model}, as patched)")), "{fixture}: {slots}");
        assert_eq!(c["model"]["concurrency"], model);
        // Saturated CPU is marked only where the CPU was at the ceiling.
        assert_eq!(has("CPU-saturated"), fixture == "saturated", "{fixture}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn the_chart_data_comes_from_the_calibration() {
    let (history, cpu) = files("gunicorn2");
    let inputs = [(history.into(), None, None), (cpu.into(), None, None)];
    let setup = Setup { vcpus: Some(2.0), scenario_cpu_ms: Some(5.0), ..Setup::default() };
    let c = calibrate(&inputs, &setup).unwrap();
    let d = chart_data(&c, Some(2.0)).unwrap();
    let slots = c.slots.as_ref().unwrap();
    let saturation = d.saturation.as_ref().unwrap();
    assert_eq!(saturation.requests_per_s, slots.saturation_rps);
    // The plateau runs from its first level to the top, every level on it
    // within the fit's band.
    let first = d.levels.iter().position(|l| l.on_plateau).unwrap();
    assert_eq!(d.levels[first].clients, saturation.from_clients);
    assert!(d.levels[first..].iter().all(|l| l.on_plateau), "{:?}", d.levels);
    assert!(
        d.levels[..first]
            .iter()
            .all(|l| l.requests_per_s.unwrap() < (1.0 - slots.tolerance) * slots.saturation_rps)
    );
    // 2 blocking workers over the holding time: the capacity the patch plans.
    let capacity = d.slots.as_ref().unwrap();
    assert_eq!(capacity.concurrency, Concurrency::Blocking);
    assert_eq!(capacity.workers, Some(2));
    let holding = c.holding_ms.as_ref().unwrap().value;
    assert!((capacity.requests_per_s - 2000.0 / holding).abs() < 1e-9);
    // The USL curve is the fit's, and reaches its peak.
    let usl = c.usl.as_ref().unwrap();
    let curve = d.usl.as_ref().unwrap();
    let peak_n = usl.peak_n.unwrap();
    assert!(d.clients.1 >= peak_n.min(1.5 * d.levels.last().unwrap().clients));
    let top = curve.points.iter().map(|p| p.1).fold(0.0, f64::max);
    assert!((top / usl.peak_rps.unwrap() - 1.0).abs() < 0.01, "{top}");
    // The CPU line passes through each level's own CPU per request.
    let line = d.cpu_line.as_ref().unwrap();
    assert_eq!(line.cpu_ms, c.cpu_ms.as_ref().unwrap().value);
    assert_eq!(d.cpu_capacity, Some(2.0));
}

#[test]
fn the_png_has_the_signature_and_the_documented_size() {
    let dir = scratch_dir("calibrate-chart-png");
    let chart = dir.join("ramp.PNG");
    let (history, cpu) = files("saturated");
    let (code, _, stderr) =
        run(&["calibrate", &history, &cpu, "--vcpu", "1", "--chart", chart.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1100×1200"), "{stderr}");
    let bytes = std::fs::read(&chart).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&bytes[12..16], b"IHDR");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1100, 1200));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_chart_that_cannot_be_drawn_or_written_is_an_error_and_writes_nothing() {
    let dir = scratch_dir("calibrate-chart-errors");
    let patch = dir.join("patch.yaml");
    let (history, cpu) = files("saturated");
    let out = patch.to_str().unwrap();
    // A metrics time series: rates and CPU, no clients to draw against.
    let series =
        std::env::temp_dir().join(format!("capplan-chart-series-{}.csv", std::process::id()));
    let rows: String = (0..12)
        .map(|i| format!("{},{},{}\n", 1_796_000_000 + 60 * i, 10 + i, 0.1 + 0.01 * i as f64))
        .collect();
    std::fs::write(&series, format!("timestamp,requests_per_s,cpu_cores\n{rows}")).unwrap();
    let series = series.display().to_string();
    let chart = |name: &str| dir.join(name).display().to_string();
    let cases = [
        (chart("ramp.jpg"), history.as_str(), "expected a file name ending in .svg or .png"),
        (chart("missing/ramp.svg"), &history, "--chart: cannot write"),
        // One summary of a k6 run: a single level.
        (
            chart("k6.svg"),
            "tests/fixtures/calibrate/k6/summary-export.json",
            "at least two load levels with different client counts",
        ),
        (chart("series.png"), &series, "no levels with a client count"),
    ];
    for (chart, input, message) in &cases {
        let (code, _, stderr) =
            run(&["calibrate", input, &cpu, "--vcpu", "1", "--chart", chart, "--out", out]);
        assert_eq!(code, 2, "{chart}: {stderr}");
        assert!(stderr.contains(message), "{chart}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!std::path::Path::new(chart).exists(), "{chart} written");
        assert!(!patch.exists(), "the patch is written although the chart failed");
    }
    // Nothing but the folders the test made: no temporary left behind.
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "{left:?}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&series);
}
