//! `capplan sweep`, `forecast` and `chart`.

use crate::common::{run, run_json, scratch_dir};

#[test]
fn sweep_cost_never_decreases_with_users() {
    let json = run_json(
        &[
            "sweep", "--from", "50", "--to", "600000", "--points", "120", "--log", "--format",
            "json",
        ],
        0,
    );
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 120);
    let mut last = 0.0;
    let mut users_last = 0.0;
    for row in rows {
        let users = row["users"].as_f64().unwrap();
        assert!(users > users_last, "rows are in order");
        users_last = users;
        if row["feasible"] == true {
            let cost = row["monthly_usd"].as_f64().unwrap();
            assert!(cost >= last - 1e-9, "cost fell at {users}");
            last = cost;
        }
    }
}

#[test]
fn sweep_rows_equal_recommend_at_the_same_users() {
    let json = run_json(
        &["sweep", "--from", "1000", "--to", "41000", "--points", "5", "--format", "json"],
        0,
    );
    for row in json["rows"].as_array().unwrap() {
        let users = format!("{}", row["users"].as_f64().unwrap());
        let rec = run_json(&["recommend", "--users", &users, "--format", "json"], 0);
        assert!(
            (rec["monthly_usd"].as_f64().unwrap() - row["monthly_usd"].as_f64().unwrap()).abs()
                < 1e-9
        );
        for (cell, component) in
            row["components"].as_array().unwrap().iter().zip(rec["components"].as_array().unwrap())
        {
            let reference = format!(
                "{}/{}/{}",
                component["provider"].as_str().unwrap(),
                component["offering"].as_str().unwrap(),
                component["tier"].as_str().unwrap()
            );
            assert_eq!(cell["tier"], reference.as_str());
            assert_eq!(cell["count"], component["count"]);
        }
    }
}

#[test]
fn sweep_formats() {
    let (code, csv, _) = run(&[
        "sweep", "--from", "1000", "--to", "20000", "--points", "3", "--format", "csv", "--table",
        "all",
    ]);
    assert_eq!(code, 0);
    let header = csv.lines().next().unwrap();
    for column in [
        "section",
        "users",
        "peak_rpm",
        "monthly_usd",
        "name",
        "tier",
        "count",
        "total_monthly_usd",
    ] {
        assert!(header.split(',').any(|h| h == column), "{header}");
    }
    // 3 points and 4 components at each, in their own sections.
    let in_section =
        |name: &str| csv.lines().filter(|l| l.starts_with(&format!("{name},"))).count();
    assert_eq!(in_section("rows"), 3);
    assert_eq!(in_section("rows.components"), 12);
    assert_eq!(in_section("rows.usage"), 3 * 3);
    let (code, table, _) = run(&["sweep", "--from", "1000", "--to", "20000", "--points", "3"]);
    assert_eq!(code, 0);
    assert!(table.contains("× starter ($7.00)") && table.contains("total $/month"), "{table}");
    let (_, markdown, _) =
        run(&["sweep", "--from", "1000", "--to", "20000", "--points", "3", "--format", "markdown"]);
    assert!(markdown.contains("| users |"));
}

#[test]
fn forecast_events_match_the_sweep_tier_changes() {
    let json = run_json(
        &[
            "forecast",
            "--users",
            "2000",
            "--growth",
            "15%/month",
            "--months",
            "24",
            "--format",
            "json",
        ],
        0,
    );
    let months = json["months"].as_array().unwrap();
    assert_eq!(months.len(), 25);
    assert_eq!(months[0]["users"], 2000.0);
    assert_eq!(months[2]["users"], (2000.0f64 * 1.15 * 1.15).round());
    let events = json["events"].as_array().unwrap();
    // Re-derive the changes from the same users with sweep-like rows.
    let mut expected = Vec::new();
    for pair in months.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let mix = |m: &serde_json::Value| {
            m["components"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["tier"].clone(), c["count"].clone()))
                .collect::<Vec<_>>()
        };
        if mix(a) != mix(b) {
            expected.push(b["month"].as_u64().unwrap());
        }
    }
    let upgrades: Vec<u64> = events
        .iter()
        .filter(|e| e["kind"] == "upgrade")
        .map(|e| e["month"].as_u64().unwrap())
        .collect();
    assert_eq!(upgrades, expected);
    assert!(!upgrades.is_empty());
    let stage_changes = events.iter().filter(|e| e["kind"] == "stage").count();
    assert!(stage_changes >= 1, "2,000 → 57,000 users crosses from Starter to Growth");
    let first = events.iter().find(|e| e["kind"] == "upgrade").unwrap();
    assert!(
        first["description"].as_str().unwrap().starts_with(&format!("month {}: ", first["month"]))
    );
    // Linear growth.
    let linear = run_json(
        &[
            "forecast",
            "--users",
            "1000",
            "--growth",
            "+500/month",
            "--months",
            "4",
            "--format",
            "json",
        ],
        0,
    );
    let users: Vec<f64> =
        linear["months"].as_array().unwrap().iter().map(|m| m["users"].as_f64().unwrap()).collect();
    assert_eq!(users, vec![1000.0, 1500.0, 2000.0, 2500.0, 3000.0]);
}

#[test]
fn png_chart_decodes_at_the_requested_size_and_is_not_blank() {
    let dir = scratch_dir("png");
    let path = dir.join("cost.png");
    let (code, stdout, stderr) =
        run(&["chart", "--out", path.to_str().unwrap(), "--width", "900", "--height", "500"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("wrote"));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    assert_eq!((info.width, info.height), (900, 500));
    let pixels = &buffer[..info.buffer_size()];
    let distinct: std::collections::HashSet<&[u8]> = pixels.chunks(3).collect();
    assert!(distinct.len() > 20, "only {} colours: blank?", distinct.len());
    let non_white = pixels.chunks(3).filter(|p| p != &[255, 255, 255]).count();
    assert!(non_white > 900 * 500 / 10, "mostly white");
}

#[test]
fn svg_chart_holds_titles_stages_and_scenario() {
    let dir = scratch_dir("svg");
    let path = dir.join("cost.svg");
    let (code, _, stderr) = run(&["chart", "--out", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    let all = texts.join("\n");
    for needle in [
        "users (log scale)",
        "USD per month",
        // Bands follow the stage rule of every command: the Free template's
        // 0.1-vCPU API never meets its 500 ms target, so no band is Free.
        "stage: Starter",
        "stage: Growth",
        "Interview Prep API (default)",
        "api",
        "db",
    ] {
        assert!(all.contains(needle), "missing {needle}");
    }
    assert!(all.contains("catalogs as of"));
    assert!(!all.contains("stage: Free"), "no user count is in the Free stage");
    let forecast = dir.join("forecast.svg");
    let (code, _, _) = run(&["chart", "--kind", "forecast", "--out", forecast.to_str().unwrap()]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(&forecast).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let all: String = doc.descendants().filter_map(|n| n.text()).collect::<Vec<_>>().join("\n");
    for needle in ["month", "users", "USD per month", "forecast"] {
        assert!(all.contains(needle), "missing {needle}");
    }
}

#[test]
fn chart_failures_leave_the_previous_file_untouched() {
    let dir = scratch_dir("atomic");
    let path = dir.join("cost.svg");
    std::fs::write(&path, "previous").unwrap();
    // No feasible plan at these counts: exit 1, nothing written.
    let (code, _, stderr) =
        run(&["chart", "--out", path.to_str().unwrap(), "--from", "2M", "--to", "3M"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "previous");
    let (code, _, stderr) = run(&["chart", "--out", dir.join("cost.gif").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains(".svg or .png"), "{stderr}");
    let (code, _, stderr) =
        run(&["chart", "--out", dir.join("missing/cost.svg").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary files left");
}

#[test]
fn curve_input_errors_exit_2() {
    for args in [
        &["sweep", "--from", "5000", "--to", "100"][..],
        &["sweep", "--from", "0", "--to", "100"],
        &["sweep", "--from", "1", "--to", "100", "--points", "0"],
        &["forecast", "--users", "100", "--growth", "fast"],
        &["forecast", "--users", "100", "--growth", "10%", "--months", "0"],
        &["chart", "--out", "x.svg", "--width", "10"],
    ] {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("expected"), "{args:?}: {stderr}");
    }
}

#[test]
fn the_binary_links_no_font_or_graphics_library() {
    let path = assert_cmd::cargo::cargo_bin("capplan");
    let bytes = std::fs::read(path).unwrap();
    for library in [&b"libfontconfig.so"[..], b"libfreetype.so", b"libexpat.so"] {
        assert!(
            !bytes.windows(library.len()).any(|w| w == library),
            "links {}",
            String::from_utf8_lossy(library)
        );
    }
}

/// `chart --compare`: one line per stack whose drawn values read back (via
/// the log axis's own labelled ticks) as the costs `compare` gives, and a
/// stack that stops inside the range ends early at the count it names,
/// which `compare` confirms is the last one served.
#[test]
fn compare_chart_draws_each_stack_at_its_compare_cost() {
    let dir = scratch_dir("compare-chart");
    let path = dir.join("platforms.svg");
    let (code, stdout, stderr) = run(&[
        "chart",
        "--compare",
        "--stacks",
        "gcp,aws",
        "--from",
        "100",
        "--to",
        "1M",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    // The y axis: labels "$N" right-aligned at their tick's y.
    let ticks: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text" && n.attribute("text-anchor") == Some("end"))
        .filter_map(|n| {
            // Axis numbers read "$950", "$1.5k", "$2M".
            let label = n.text()?.trim().strip_prefix('$')?.to_string();
            let (number, scale) = match label.chars().last()? {
                'k' => (&label[..label.len() - 1], 1e3),
                'M' => (&label[..label.len() - 1], 1e6),
                _ => (label.as_str(), 1.0),
            };
            let value: f64 = number.parse().ok()?;
            Some((n.attribute("y")?.parse().ok()?, value * scale))
        })
        .collect();
    assert!(ticks.len() >= 2, "{ticks:?}");
    let ((y_a, v_a), (y_b, v_b)) = (ticks[0], ticks[ticks.len() - 1]);
    let usd_at = |y: f64| 10f64.powf(v_a.log10() + (y - y_a) / (y_b - y_a) * (v_b / v_a).log10());
    let line = |color: &str| -> Vec<(f64, f64)> {
        let node = doc
            .descendants()
            .find(|n| {
                n.tag_name().name() == "polyline"
                    && n.attribute("stroke") == Some(color)
                    && n.attribute("points").is_some_and(|p| p.split(' ').count() > 5)
            })
            .unwrap_or_else(|| panic!("no line in {color}"));
        node.attribute("points")
            .unwrap()
            .split_whitespace()
            .map(|xy| {
                let (x, y) = xy.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    };
    // Stacks take the palette in the order given: gcp blue, aws orange.
    let (gcp, aws) = (line("#1F77B4"), line("#FF7F0E"));
    let compared = run_json(
        &["compare", "--users", "100", "--users", "1M", "--stacks", "gcp,aws", "--format", "json"],
        0,
    );
    let cost = |stack: usize, point: usize| {
        compared["stacks"][stack]["points"][point]["monthly_usd"].as_f64().unwrap()
    };
    // One pixel is about 1.2% on this axis.
    for (drawn, expected) in [
        (usd_at(gcp[0].1), cost(0, 0)),
        (usd_at(aws[0].1), cost(1, 0)),
        (usd_at(aws[aws.len() - 1].1), cost(1, 1)),
    ] {
        assert!(
            (drawn / expected - 1.0).abs() < 0.025,
            "drawn ${drawn:.2}, compare says ${expected:.2}"
        );
    }
    // gcp stops inside the range: its line is shorter, the legend and the
    // command's note say where, and compare agrees on that count.
    assert!(gcp.len() < aws.len() && gcp.last().unwrap().0 < aws.last().unwrap().0);
    let note = stdout
        .lines()
        .find_map(|l| l.strip_prefix("note: gcp: stops at "))
        .unwrap_or_else(|| panic!("{stdout}"));
    let up_to: f64 = note.split(" users").next().unwrap().replace(',', "").parse().unwrap();
    assert!(text.contains(&format!("gcp: stops at {}", note.split(" (").next().unwrap())));
    let served = |users: f64| {
        let json = run_json(
            &["compare", "--users", &format!("{users}"), "--stacks", "gcp", "--format", "json"],
            if users <= up_to { 0 } else { 1 },
        );
        json["stacks"][0]["points"][0]["feasible"].as_bool().unwrap()
    };
    assert!(served(up_to));
    assert!(!served((up_to * 1.002).ceil()));
    assert!(!stdout.contains("aws: stops"), "{stdout}");

    for (args, needle) in [
        (vec!["--stacks", "gcp"], "--compare"),
        (vec!["--compare", "--kind", "forecast"], "--kind"),
        (vec!["--compare", "--stacks", "nope"], "unknown stack 'nope'"),
    ] {
        let out = dir.join("bad.svg");
        let mut all = vec!["chart", "--out", out.to_str().unwrap()];
        all.extend(args);
        let (code, _, stderr) = run(&all);
        assert_eq!(code, 2, "{all:?}: {stderr}");
        assert!(stderr.contains(needle), "{all:?}: {stderr}");
        assert!(!out.exists(), "nothing written on failure");
    }
}

/// The chart's texts: (x, y, font size, anchor, text), rotated ones left out.
fn svg_texts(svg: &str) -> Vec<(f64, f64, f64, String, String)> {
    let document = roxmltree::Document::parse(svg).expect("the chart is SVG");
    document
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("transform").is_none())
        .map(|n| {
            let number = |name: &str| n.attribute(name).and_then(|v| v.parse().ok()).unwrap_or(0.0);
            (
                number("x"),
                number("y"),
                number("font-size"),
                n.attribute("text-anchor").unwrap_or("start").to_string(),
                n.text().unwrap_or("").trim().to_string(),
            )
        })
        .collect()
}

/// A text's horizontal extent, at 0.6 em a character (DejaVu Sans averages
/// about 0.55 em for digits and lower case).
fn extent(text: &(f64, f64, f64, String, String)) -> (f64, f64) {
    let width = text.4.chars().count() as f64 * text.2 * 0.6;
    match text.3.as_str() {
        "middle" => (text.0 - width / 2.0, text.0 + width / 2.0),
        "end" => (text.0 - width, text.0),
        _ => (text.0, text.0 + width),
    }
}

#[test]
fn chart_labels_never_overlap_and_share_one_number_format() {
    let dir = scratch_dir("chart-labels");
    for (scenario, axis) in [
        ("scenarios/interview-prep-api.yaml", "log"),
        ("scenarios/ai-interview-coach.yaml", "linear"),
    ] {
        for width in [400, 640, 1000, 1600] {
            let out = dir.join(format!("labels-{width}-{axis}.svg"));
            let (code, _, stderr) = run(&[
                "chart",
                "--scenario",
                scenario,
                "--from",
                "1k",
                "--to",
                "50k",
                "--users-axis",
                axis,
                "--width",
                &width.to_string(),
                "--height",
                "500",
                "--out",
                out.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{stderr}");
            let mut texts = svg_texts(&std::fs::read_to_string(&out).unwrap());
            // plotters draws a log axis's decade label twice at one spot:
            // the same text at the same place is one label to a reader.
            texts.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1 && a.4 == b.4);
            // Texts on one line must not run into each other.
            for (i, a) in texts.iter().enumerate() {
                for b in &texts[i + 1..] {
                    if (a.1 - b.1).abs() > a.2.max(b.2) * 0.9 {
                        continue;
                    }
                    let (a0, a1) = extent(a);
                    let (b0, b1) = extent(b);
                    assert!(
                        a1 <= b0 || b1 <= a0,
                        "{scenario} at {width} px: '{}' and '{}' overlap",
                        a.4,
                        b.4
                    );
                }
            }
            // Axis numbers: 950, 1.5k, $20k, 1M, $0.50; never "1,000" beside "1.000".
            let numbers: Vec<&str> = texts
                .iter()
                .map(|t| t.4.as_str())
                .filter(|t| t.trim_start_matches('$').starts_with(|c: char| c.is_ascii_digit()))
                .collect();
            assert!(numbers.len() >= 4, "{numbers:?}");
            for number in &numbers {
                let body = number.trim_start_matches('$').trim_end_matches(['k', 'M']);
                assert!(
                    body.parse::<f64>().is_ok() && !body.contains(','),
                    "{width} px: axis label '{number}'"
                );
            }
            if axis == "linear" {
                // Evenly spaced ticks on a linear axis.
                let mut xs: Vec<f64> = texts
                    .iter()
                    .filter(|t| t.3 == "middle" && t.4.ends_with('k') && !t.4.starts_with('$'))
                    .map(|t| t.0)
                    .collect();
                xs.sort_by(f64::total_cmp);
                let gaps: Vec<f64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
                assert!(!gaps.is_empty(), "{xs:?}");
                assert!(gaps.iter().all(|g| (g - gaps[0]).abs() <= 2.0), "{gaps:?}");
            }
        }
    }
}

#[test]
fn chart_says_where_and_why_a_range_is_cut_and_itemizes_usage() {
    let dir = scratch_dir("chart-cut");
    let out = dir.join("cut.svg");
    let (code, stdout, stderr) = run(&["chart", "--to", "2M", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: the chart stops at"), "{stderr}");
    assert!(stderr.contains("can satisfy memory"), "{stderr}");
    assert!(stdout.contains("note: the chart stops at"), "{stdout}");
    // The counts it names, checked by recommend: the last one served is
    // served, the first one cut is not.
    let count_after = |marker: &str| -> String {
        let rest = &stderr[stderr.find(marker).expect(marker) + marker.len()..];
        rest.split(' ').next().unwrap().replace(',', "")
    };
    let (last, first_cut) = (count_after("stops at "), count_after("no mix serves "));
    assert_eq!(run(&["recommend", "--users", &last]).0, 0, "{last} users");
    assert_eq!(run(&["recommend", "--users", &first_cut]).0, 1, "{first_cut} users");
    let svg = std::fs::read_to_string(&out).unwrap();
    let texts = svg_texts(&svg);
    assert!(
        texts.iter().any(|t| t.4.starts_with("No feasible plan from ")),
        "the image does not say where the range stops"
    );
    // The largest usage items get their own layers in the legend.
    for item in [
        "question generation, output tokens",
        "question generation, input tokens",
        "API and export egress",
    ] {
        assert!(texts.iter().any(|t| t.4 == item), "legend lacks {item}");
    }
    assert!(!texts.iter().any(|t| t.4 == "usage"), "one lumped usage layer");
    // Within the served range nothing is cut and nothing is said.
    let (code, _, stderr) = run(&["chart", "--to", "100k", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(!stderr.contains("stops at"), "{stderr}");
}
