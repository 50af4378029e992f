//! The lines real bills carry beside the instances (issue 30, part 1),
//! each priced by hand from the catalogs on the fixtures in
//! tests/fixtures/bill-lines/: AWS public IPv4 addresses and EBS root
//! volumes, Vercel Edge Requests, Fast Origin Transfer and the Pro credit,
//! datastore replies to compute on another platform, and a plan's
//! included bandwidth.

use crate::common::{close, run, run_json, scratch_dir, write_file};
use serde_json::Value;

const HOURS: f64 = 730.0;
const SECONDS: f64 = 730.0 * 3600.0;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/bill-lines/{name}.yaml", env!("CARGO_MANIFEST_DIR"))
}

fn report(path: &str) -> Value {
    run_json(&["recommend", "--scenario", path, "--format", "json"], 0)
}

/// Every line of the report (components' charges and the usage items),
/// as (name, quantity, monthly_usd).
fn lines(report: &Value) -> Vec<(String, f64, Option<f64>)> {
    let components = report["components"].as_array().unwrap();
    components
        .iter()
        .flat_map(|c| c["charges"].as_array().unwrap().iter())
        .chain(report["usage"].as_array().unwrap())
        .map(|l| {
            (
                format!(
                    "{}{}",
                    l["component"].as_str().map_or(String::new(), |c| format!("{c}: ")),
                    l["name"].as_str().unwrap()
                ),
                l["quantity"].as_f64().unwrap(),
                l["monthly_usd"].as_f64(),
            )
        })
        .collect()
}

fn line(report: &Value, name: &str) -> (f64, f64) {
    let all = lines(report);
    let found = all
        .iter()
        .find(|(n, _, _)| n.starts_with(name))
        .unwrap_or_else(|| panic!("no line '{name}' in {all:?}"));
    (found.1, found.2.expect("priced"))
}

#[test]
fn an_aws_app_behind_an_alb_carries_its_addresses_and_root_volumes() {
    let report = report(&fixture("aws-alb"));
    // Each of the 2 t4g.small instances holds a public IPv4 ($0.005/h)
    // and an 8 GB gp3 root volume ($0.08/GB-month); the ALB one address
    // per availability zone (2).
    let (hours, usd) = line(&report, "web: public IPv4 address, one per instance");
    assert!(close(hours, 2.0 * HOURS, 1e-12) && close(usd, 2.0 * HOURS * 0.005, 1e-9));
    let (gb, usd) = line(&report, "web: root volume, 8 GB per instance");
    assert!(close(gb, 16.0, 1e-12) && close(usd, 16.0 * 0.08, 1e-9));
    let (hours, usd) = line(&report, "web: public IPv4 addresses of the load balancer (2");
    assert!(close(hours, 2.0 * HOURS, 1e-12) && close(usd, 7.30, 1e-9));
    // The whole bill by hand: instances 2 × 0.0168 × 730, addresses
    // 4 × 3.65, root volumes 1.28, ALB 0.0225 × 730 and its capacity
    // units (10 req/s ÷ 25 = 0.4 LCU × 730 × $0.008), RDS Multi-AZ
    // db.t4g.medium 0.129 × 730 with its minimum 20 GB at $0.23, and
    // cache.t4g.micro 0.016 × 730. The datastores run on the instances'
    // own platform: their replies are not billed.
    let hand = 2.0 * 0.0168 * HOURS
        + 4.0 * 0.005 * HOURS
        + 16.0 * 0.08
        + 0.0225 * HOURS
        + 0.4 * HOURS * 0.008
        + 0.129 * HOURS
        + 20.0 * 0.23
        + 0.016 * HOURS;
    assert!(
        close(report["monthly_usd"].as_f64().unwrap(), hand, 1e-9),
        "{} vs {hand}",
        report["monthly_usd"]
    );
    assert!(lines(&report).iter().all(|(n, _, _)| !n.contains("replies")));
}

#[test]
fn instances_in_a_private_subnet_reach_out_through_a_nat_gateway() {
    let text = std::fs::read_to_string(fixture("aws-alb")).unwrap().replace(
        "    candidates: [aws/ec2/t4g.small]\n",
        "    candidates: [aws/ec2/t4g.small]\n    private_subnet: true\n    root_volume_gb: 20\n",
    );
    let dir = scratch_dir("bill-nat");
    let path = write_file(&dir, "nat.yaml", &text);
    let report = report(&path);
    let all = lines(&report);
    assert!(
        all.iter().all(|(n, _, _)| n != "web: public IPv4 address, one per instance"),
        "{all:?}"
    );
    let (_, usd) = line(&report, "web: NAT gateway for the private subnet");
    assert!(close(usd, 0.045 * HOURS, 1e-9));
    let (_, usd) = line(&report, "web: public IPv4 address of the NAT gateway");
    assert!(close(usd, 0.005 * HOURS, 1e-9));
    let (_, usd) = line(&report, "web: root volume, 20 GB per instance");
    assert!(close(usd, 2.0 * 20.0 * 0.08, 1e-9));
    // What the NAT gateway processes is not modelled: named, not zero.
    assert!(
        report["unpriced"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u.as_str().unwrap().contains("NAT gateway data processed")),
        "{}",
        report["unpriced"]
    );
}

#[test]
fn vercel_and_supabase_carry_edge_requests_origin_transfer_the_credit_and_db_egress() {
    let report = report(&fixture("vercel-supabase"));
    // 20 req/s all month = 52.56 M requests: every one an edge request,
    // 10 M included on Pro, $2 per million.
    let requests = 20.0 * SECONDS;
    let (quantity, usd) = line(&report, "api: edge requests (one per function call)");
    assert!(close(quantity, requests / 1e6, 1e-12));
    assert!(close(usd, (requests / 1e6 - 10.0) * 2.0, 1e-9));
    // 4,000 active users × 10 MB a day = 1,188.15 GB a month leave the
    // functions for the edge (Fast Origin Transfer, 100 GB included,
    // $0.06/GB) and the edge for the users (Fast Data Transfer, 1 TB
    // included, $0.15/GB).
    let gb = 4000.0 * 10.0 / 1024.0 * (HOURS / 24.0);
    let (quantity, usd) = line(&report, "api: API responses (from the functions to the edge)");
    assert!(close(quantity, gb, 1e-9) && close(usd, (gb - 100.0) * 0.06, 1e-9));
    let (_, usd) = line(&report, "api: API responses");
    assert!(close(usd, (gb - 1000.0) * 0.15, 1e-9));
    // Pro's $20 usage credit, taken once.
    let (_, usd) = line(&report, "Pro plan: usage included in the fee (up to $20)");
    assert!(close(usd, -20.0, 1e-12));
    // 20 db operations/s × 8 KB to Vercel, another platform: 401 GB of
    // Supabase egress, 250 GB included, $0.09/GB.
    let replies = 20.0 * SECONDS * 8.0 / 1024.0 / 1024.0;
    let (quantity, usd) = line(&report, "db: replies to compute on another platform");
    assert!(close(quantity, replies, 1e-9) && close(usd, (replies - 250.0) * 0.09, 1e-9));
}

#[test]
fn neon_bills_its_transfer_and_upstash_its_bandwidth_beyond_the_plan() {
    let report = report(&fixture("fly-neon-upstash"));
    // 16.67 req/s × 3 = 50 db operations/s × 2 KB to Fly: 250.6 GB of
    // Neon data transfer, 100 GB included, $0.10/GB beyond.
    let neon = 50.0 * SECONDS * 2.0 / 1024.0 / 1024.0;
    let (quantity, usd) = line(&report, "db: replies to compute on another platform");
    assert!(close(quantity, neon, 1e-9) && close(usd, (neon - 100.0) * 0.10, 1e-9));
    // 100 cache operations/s × 1 KB = 250.6 GB against Fixed 1 GB's 100
    // GB a month: the rest at $0.03/GB (low confidence).
    let upstash = 100.0 * SECONDS / 1024.0 / 1024.0;
    let (quantity, usd) = line(&report, "cache: replies beyond the 100 GB the plan includes");
    assert!(close(quantity, upstash - 100.0, 1e-9) && close(usd, (upstash - 100.0) * 0.03, 1e-9));
    // A plan whose bandwidth is a hard limit (Redis Cloud's Essentials
    // sell no more) is refused, with the numbers.
    let text = std::fs::read_to_string(fixture("fly-neon-upstash"))
        .unwrap()
        .replace("upstash/redis/fixed-1gb", "redis-cloud/essentials/1gb");
    let dir = scratch_dir("bill-bandwidth");
    let path = write_file(&dir, "hard.yaml", &text);
    let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("replies need 250.6 GB a month (262.8 M operations × 1 KB), the plan includes 200 GB and sells no more"),
        "{stderr}"
    );
}
