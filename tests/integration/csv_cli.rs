//! CSV is the JSON in rows: parsed back, every figure equals the JSON's
//! (monthly dollars to the cent). By default one rectangular table per
//! command; `--table all` the union of every table with a `section`.

use crate::common::{run, run_json};

/// RFC 4180 records (quoted fields may hold commas, quotes and newlines).
fn parse(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// Rows of one section as maps from column to cell.
fn section(rows: &[Vec<String>], name: &str) -> Vec<std::collections::HashMap<String, String>> {
    let header = &rows[0];
    rows[1..]
        .iter()
        .filter(|row| row[0] == name)
        .map(|row| header.iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

fn number(cell: &str) -> f64 {
    cell.parse().unwrap_or_else(|_| panic!("'{cell}' is not a raw number"))
}

#[test]
fn recommend_csv_parses_back_to_the_json_figures() {
    let args = ["recommend", "--users", "5000", "--scenario", "scenarios/ai-interview-coach.yaml"];
    let json = run_json(&[&args[..], &["--format", "json"]].concat(), 0);
    let (code, text, _) = run(&[&args[..], &["--format", "csv", "--table", "all"]].concat());
    assert_eq!(code, 0);
    let rows = parse(&text);
    assert_eq!(rows[0][0], "section");
    let cents = |csv: &str, json: f64| (number(csv) - json).abs() <= 0.005 + 1e-9;
    for row in &rows {
        assert_eq!(row.len(), rows[0].len(), "ragged row {row:?}");
    }
    let summary = &section(&rows, "summary")[0];
    assert!(cents(&summary["monthly_usd"], json["monthly_usd"].as_f64().unwrap()));
    assert_eq!(number(&summary["max_users"]), json["max_users"].as_f64().unwrap());
    assert_eq!(number(&summary["users"]), 5000.0);
    assert_eq!(summary["stage_name"], json["stage"]["name"].as_str().unwrap());
    assert_eq!(
        number(&summary["next_upgrade_at_users"]),
        json["next_upgrade"]["at_users"].as_f64().unwrap()
    );
    let components = section(&rows, "components");
    let expected = json["components"].as_array().unwrap();
    assert_eq!(components.len(), expected.len());
    for (row, component) in components.iter().zip(expected) {
        assert_eq!(row["name"], component["name"].as_str().unwrap());
        assert_eq!(row["tier"], component["tier"].as_str().unwrap());
        assert_eq!(number(&row["count"]), component["count"].as_f64().unwrap());
        match component["monthly_usd"].as_f64() {
            Some(value) => assert!(cents(&row["monthly_usd"], value)),
            None => assert_eq!(row["monthly_usd"], ""),
        }
        // Other figures to 10 significant digits.
        for field in ["utilization", "p95_ms"] {
            match component[field].as_f64() {
                Some(value) => {
                    assert!((number(&row[field]) - value).abs() <= value.abs() * 1e-9, "{field}")
                }
                None => assert_eq!(row[field], "", "{field}"),
            }
        }
    }
    let usage = section(&rows, "usage");
    let expected = json["usage"].as_array().unwrap();
    assert_eq!(usage.len(), expected.len());
    for (row, item) in usage.iter().zip(expected) {
        assert!(cents(&row["monthly_usd"], item["monthly_usd"].as_f64().unwrap()));
    }
    // The default is the components table alone, the same rows.
    let (_, default, _) = run(&[&args[..], &["--format", "csv"]].concat());
    let default = parse(&default);
    assert_eq!(&default[0][..2], ["name", "role"]);
    assert_eq!(default.len() - 1, components.len());
}

#[test]
fn sweep_csv_is_one_row_per_user_count_with_columns_per_component() {
    let args = ["sweep", "--from", "1000", "--to", "50000", "--points", "3"];
    let json = run_json(&[&args[..], &["--format", "json"]].concat(), 0);
    let (code, text, _) = run(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(code, 0);
    let rows = parse(&text);
    let header = &rows[0];
    assert_eq!(header[0], "users");
    let points = json["rows"].as_array().unwrap();
    assert_eq!(rows.len() - 1, points.len());
    for (row, point) in rows[1..].iter().zip(points) {
        let cell = |name: &str| {
            let index = header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("no {name} in {header:?}"));
            row[index].clone()
        };
        assert_eq!(number(&cell("users")), point["users"].as_f64().unwrap());
        assert!(
            (number(&cell("monthly_usd")) - point["monthly_usd"].as_f64().unwrap()).abs() <= 0.005
        );
        for component in point["components"].as_array().unwrap() {
            let name = component["name"].as_str().unwrap();
            assert_eq!(cell(&format!("{name}_tier")), component["tier"].as_str().unwrap());
            assert_eq!(
                number(&cell(&format!("{name}_count"))),
                component["count"].as_f64().unwrap()
            );
        }
    }
}

#[test]
fn one_table_by_name_has_its_own_columns() {
    let (code, all, _) =
        run(&["recommend", "--users", "5000", "--format", "csv", "--table", "all"]);
    assert_eq!(code, 0);
    let (code, one, _) =
        run(&["recommend", "--users", "5000", "--format", "csv", "--table", "components"]);
    assert_eq!(code, 0);
    let one = parse(&one);
    assert_eq!(&one[0][..3], ["name", "role", "provider"]);
    let all = parse(&all);
    let components = section(&all, "components");
    assert_eq!(one.len() - 1, components.len());
    for (row, expected) in one[1..].iter().zip(&components) {
        for (column, cell) in one[0].iter().zip(row) {
            assert_eq!(&expected[column], cell, "{column}");
        }
    }
    let (code, _, stderr) =
        run(&["recommend", "--users", "5000", "--format", "csv", "--table", "nope"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("its tables are summary, demand.peak_jobs_per_s, components"),
        "{stderr}"
    );
}

#[test]
fn every_command_writes_rectangular_csv_of_raw_figures() {
    // `check` reports for CI (human, JSON, GitHub annotations) and
    // `calibrate` writes a scenario patch: neither offers CSV.
    let shared = crate::common::every_command()
        .into_iter()
        .filter(|(_, schema, _)| !["check", "calibrate"].contains(schema))
        .map(|(_, _, args)| args);
    // Usage prices are a table of their own.
    for args in shared.chain([vec!["tiers", "show", "openai"]]) {
        let (code, all, stderr) =
            run(&[&args[..], &["--format", "csv", "--table", "all"]].concat());
        assert!(code == 0 || code == 1, "{args:?}: {stderr}");
        assert_eq!(parse(&all)[0][0], "section", "{args:?}");
        let (code, text, stderr) = run(&[&args[..], &["--format", "csv"]].concat());
        assert!(code == 0 || code == 1, "{args:?}: {stderr}");
        let rows = parse(&text);
        assert!(rows.len() > 1, "{args:?}: {text}");
        assert_ne!(rows[0][0], "section", "{args:?}: the default is one table");
        // Money columns hold raw numbers (or nothing, where unpriced),
        // to the cent where they are monthly amounts.
        for (index, column) in rows[0].iter().enumerate() {
            if !column.ends_with("_usd") {
                continue;
            }
            for row in &rows[1..] {
                let cell = &row[index];
                if cell.is_empty() {
                    continue;
                }
                let value: f64 = cell
                    .parse()
                    .unwrap_or_else(|_| panic!("{args:?}: {column} '{cell}' is not a number"));
                let rate = ["hourly", "per", "unit"].iter().any(|w| column.contains(w));
                if !rate {
                    assert!(
                        (value * 100.0 - (value * 100.0).round()).abs() < 1e-6,
                        "{args:?}: {column} {cell} is not in cents"
                    );
                }
            }
        }
        for name in &rows[0] {
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{args:?}: column '{name}' is not snake_case"
            );
        }
        for row in &rows {
            assert_eq!(row.len(), rows[0].len(), "{args:?}: ragged row {row:?}");
            for cell in row {
                let formatted_money =
                    cell.starts_with('$') && cell[1..].starts_with(|c: char| c.is_ascii_digit());
                let percent =
                    cell.ends_with(" %") && cell.starts_with(|c: char| c.is_ascii_digit());
                assert!(!formatted_money && !percent, "{args:?}: formatted figure '{cell}'");
            }
        }
    }
}
