//! Workers and web instances: slot occupancy beside CPU, the true binding
//! constraint, and `--explain` naming each cheaper option rejected (issue
//! 12, item 6).

use super::common::{close, run, run_json, scratch_dir, write_file};

/// The default scenario with 2 job slots per worker instance of 280 MB
/// each: render/worker/starter (512 MB) cannot hold them, and the slots, not
/// the CPU, bind.
fn slot_bound_scenario() -> String {
    let text = std::fs::read_to_string("scenarios/interview-prep-api.yaml").unwrap();
    let text = text
        .replace("concurrency_per_instance: 10", "concurrency_per_instance: 2")
        .replace("memory_mb_per_job: 40", "memory_mb_per_job: 280");
    write_file(&scratch_dir("occupancy"), "slots.yaml", &text)
}

#[test]
fn a_worker_reports_slot_occupancy_beside_cpu_and_names_occupancy_as_its_binding() {
    let path = slot_bound_scenario();
    let json =
        run_json(&["recommend", "--scenario", &path, "--users", "20000", "--format", "json"], 0);
    let worker =
        json["components"].as_array().unwrap().iter().find(|c| c["name"] == "worker").unwrap();
    assert_eq!(worker["tier"], "standard");
    assert_eq!(worker["binding"], "occupancy");
    let count = worker["count"].as_f64().unwrap();
    // By hand: jobs/s × seconds per job over count × 2 slots, and jobs/s ×
    // CPU seconds per job over count × 1 vCPU (render/worker/standard).
    let rate = |class: &str| {
        json["demand"]["peak_jobs_per_s"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["class"] == class)
            .unwrap()["per_s"]
            .as_f64()
            .unwrap()
    };
    let (questions, exports) = (rate("question-generation"), rate("export"));
    let busy = (questions * 6.0 + exports * 4.0) / (count * 2.0);
    let cpu = (questions * 0.05 + exports * 1.5) / (count * 1.0);
    assert!(close(worker["occupancy"].as_f64().unwrap(), busy, 1e-9), "{worker}");
    assert!(close(worker["utilization"].as_f64().unwrap(), cpu, 1e-9), "{worker}");
    // The slots bind: one instance fewer would be over 100% busy, while its
    // CPU would still be far under the 70% cap.
    assert!(busy * count / (count - 1.0) >= 1.0);
    assert!(cpu * count / (count - 1.0) < 0.7);
    let (code, table, _) = run(&["recommend", "--scenario", &path, "--users", "20000"]);
    assert_eq!(code, 0);
    assert!(table.contains("CPU / slots busy"), "{table}");
    assert!(table.contains(&format!("{:.1} % / {:.1} %", cpu * 100.0, busy * 100.0)), "{table}");
}

#[test]
fn explain_lists_each_cheaper_option_rejected_with_the_reason() {
    let path = slot_bound_scenario();
    let (code, table, _) =
        run(&["recommend", "--scenario", &path, "--users", "20000", "--explain"]);
    assert_eq!(code, 0);
    // The example, in figures: 2 × 280 MB against 85% of 512 MB.
    assert!(
        table.contains("rejected render/worker/starter: memory 560 MB (2 concurrent jobs × 280 MB) > 85% of 512 MB"),
        "{table}"
    );
    // The free web tier (one instance at most) at 30 requests/s.
    assert!(table.contains("rejected render/web/free: slots"), "{table}");
    assert!(table.contains("would fail occupancy (CPU"), "{table}");
    // Dearer tiers are not listed.
    assert!(!table.contains("rejected render/worker/pro"), "{table}");
}
