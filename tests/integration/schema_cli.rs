//! The JSON contract: `schemas/*.json` are generated from the report types
//! and every command's JSON output validates against its schema.

use crate::common::capplan;
use std::path::Path;

fn schema(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("a schema is JSON")
}

#[test]
fn schemas_on_disk_match_the_report_types() {
    let update = std::env::var_os("CAPPLAN_UPDATE_SCHEMAS").is_some();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut stale = Vec::new();
    for (name, generated) in capplan::report::schema::schemas() {
        let path = dir.join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(&generated).expect("schemas serialize") + "\n";
        if update {
            std::fs::write(&path, &text).expect("schemas/ is writable");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "schemas/ is out of date for {stale:?}; regenerate with \
         CAPPLAN_UPDATE_SCHEMAS=1 cargo test --test integration schemas_on_disk"
    );
}

/// Every property of every object the schema defines (the root and each
/// entry of `$defs` or `definitions`) as (definition, field, schema).
fn properties(schema: &serde_json::Value) -> Vec<(String, String, &serde_json::Value)> {
    let mut objects = vec![("(root)".to_string(), schema)];
    for key in ["$defs", "definitions"] {
        if let Some(defs) = schema[key].as_object() {
            objects.extend(defs.iter().map(|(name, def)| (name.clone(), def)));
        }
    }
    objects
        .into_iter()
        .flat_map(|(name, def)| {
            def["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(move |(field, property)| (name.clone(), field.clone(), property))
        })
        .collect()
}

#[test]
fn every_schema_property_has_a_description() {
    // The schemas are the JSON contract; a field without a description
    // leaves a reader to guess its meaning and unit. schemars copies each
    // field's doc comment into its description.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("schemas/ is readable")
        .map(|entry| entry.expect("a schemas/ entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= capplan::report::schema::schemas().len(), "{files:?}");
    let mut missing = Vec::new();
    let mut seen = 0;
    for path in &files {
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        let name = file.trim_end_matches(".json");
        let schema = schema(name);
        for (definition, field, property) in properties(&schema) {
            seen += 1;
            let described = property["description"].as_str().is_some_and(|d| !d.trim().is_empty());
            if !described {
                missing.push(format!("schemas/{file}: {definition}.{field}"));
            }
        }
    }
    assert!(seen > 100, "only {seen} properties found: is the schema layout still understood?");
    assert!(
        missing.is_empty(),
        "{} schema properties have no description; document the Rust field with a `///` \
         comment (what it is, its unit, what null or absent means) and regenerate with \
         CAPPLAN_UPDATE_SCHEMAS=1 cargo test --test integration schemas_on_disk:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

fn validate(name: &str, document: &serde_json::Value, what: &str) {
    let schema = schema(name);
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("schemas/{name}.json is not a valid schema: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{what} does not match schemas/{name}.json: {errors:#?}");
    assert_eq!(document["schema_version"], capplan::report::schema::SCHEMA_VERSION, "{what}");
}

fn json_of(args: &[&str]) -> serde_json::Value {
    let output =
        capplan().env("CAPPLAN_TODAY", "2026-11-21").args(args).output().expect("capplan runs");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{args:?} printed no JSON ({e}): {}", String::from_utf8_lossy(&output.stderr))
    })
}

#[test]
fn every_json_output_validates_against_its_schema() {
    // The shared table, then the variants only the contract needs.
    let mut cases: Vec<(&str, Vec<&str>)> = crate::common::every_command()
        .into_iter()
        .map(|(_, schema, args)| (schema, args))
        .collect();
    cases.extend(vec![
        ("recommend", vec!["recommend", "--users", "5000", "--samples", "200", "--explain"]),
        (
            "recommend",
            vec![
                "recommend",
                "--scenario",
                "scenarios/ai-interview-coach.yaml",
                "--users",
                "20000",
            ],
        ),
        (
            "queue",
            vec![
                "queue",
                "--arrival-rate",
                "50/s",
                "--service-time",
                "80ms",
                "--slo",
                "p95 response <= 400ms",
            ],
        ),
        ("sweep", vec!["sweep", "--from", "1000", "--to", "50000", "--points", "5"]),
        (
            "forecast",
            vec!["forecast", "--users", "1000", "--growth", "20%/month", "--months", "12"],
        ),
        ("check", vec!["check", "scenarios"]),
        ("tiers-show", vec!["tiers", "show", "openai"]),
        ("tiers-show", vec!["tiers", "show", "aws/ec2"]),
        ("tiers-check", vec!["tiers", "check"]),
        ("tiers-diff", vec!["tiers", "diff", "--tiers", "scenarios/prices/smriti.yaml"]),
    ]);
    for (name, mut args) in cases {
        args.extend(["--format", "json"]);
        let document = json_of(&args);
        validate(name, &document, &format!("{args:?}"));
    }
}

#[test]
fn a_document_off_the_contract_is_caught() {
    let mut document = json_of(&["recommend", "--users", "5000", "--format", "json"]);
    document["components"][0]["monthly_usd"] = serde_json::json!("$7.00");
    let validator = jsonschema::validator_for(&schema("recommend")).expect("valid schema");
    assert!(!validator.is_valid(&document), "a price as text passed the schema");
}

#[test]
fn queue_batch_lines_carry_the_version_and_validate() {
    let dir = crate::common::scratch_dir("schema-batch");
    let problems = crate::common::write_file(
        &dir,
        "problems.jsonl",
        "{\"arrival_rate\": 10, \"service_time_s\": 0.05, \"servers\": 2}\n{\"arrival_rate\": 10}\n",
    );
    let output = capplan().args(["queue", "--batch", &problems]).output().expect("capplan runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<serde_json::Value> =
        text.lines().map(|line| serde_json::from_str(line).expect("each line is JSON")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    validate("queue", &lines[0], "batch answer");
    validate("queue-batch-error", &lines[1], "batch error");
    assert_eq!(lines[1]["line"], 2);
}

#[test]
fn tiers_show_json_lists_usage_prices_as_numbers() {
    let document = json_of(&["tiers", "show", "openai", "--format", "json"]);
    let prices = document["usage_prices"].as_array().expect("usage_prices");
    assert!(prices.len() >= 18, "{} usage prices", prices.len());
    let mini =
        prices.iter().find(|p| p["usage"] == "gpt-4o-mini-output").expect("gpt-4o-mini-output");
    assert_eq!(mini["unit"], "1M tokens");
    assert_eq!(mini["price_tiers"][0]["usd"], 0.6);
    // The table leaves out the empty tier tables and shows the prices.
    let output = capplan().args(["tiers", "show", "openai"]).output().expect("runs");
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(!table.contains("Capacity and price"), "{table}");
    assert!(table.contains("gpt-4o-mini-output"), "{table}");
}
