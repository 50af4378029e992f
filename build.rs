//! Converts the embedded catalogs (tiers/*.yaml) to JSON at build time:
//! parsing JSON at start-up is an order of magnitude faster than YAML, and
//! `capplan recommend` should answer in milliseconds. A file that does not
//! parse here is left out and read from its YAML at run time instead, where
//! the error is reported with its file, line and column.

use std::path::Path;

const FILES: [&str; 18] = [
    "render",
    "atlas",
    "redis-cloud",
    "aws",
    "openai",
    "cloudinary",
    "upstash",
    "neon",
    "gcp",
    "fly",
    "railway",
    "heroku",
    "digitalocean",
    "supabase",
    "vercel",
    "azure",
    "anthropic",
    "gemini",
];

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=tiers");
    println!("cargo:rerun-if-changed=build.rs");
    let mut entries = serde_json::Map::new();
    for name in FILES {
        let path = format!("tiers/{name}.yaml");
        println!("cargo:rerun-if-changed={path}");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Ok(value) = serde_yaml_ng::from_str::<serde_json::Value>(&text) {
            entries.insert(path, value);
        }
    }
    let json = serde_json::Value::Object(entries).to_string();
    std::fs::write(Path::new(&out_dir).join("catalogs.json"), json).expect("write catalogs.json");
}
