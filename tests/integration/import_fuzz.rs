//! Importers never panic: real platform files with random edits go through
//! the whole import (detect, read, combine with `--current`, the scenario
//! text and its validation) and end in a scenario or a located error.

use crate::common::{edits, mutate};
use capplan::import::{
    CurrentOverride, Format, ImportOptions, combine, import_file, scenario_text,
};
use proptest::prelude::*;

/// Inputs tried per format (reported in the closing note).
const FUZZ_CASES: u32 = 2000;

const FILES: [(&str, Format); 6] = [
    ("render/mastodon.render.yaml", Format::Render),
    ("fly/mosslet.fly.toml", Format::Fly),
    ("heroku/treeherder.app.json", Format::Heroku),
    ("digitalocean/sample-inngest.app.yaml", Format::DigitalOcean),
    ("compose/voting-app.docker-stack.yml", Format::Compose),
    ("terraform/infracost-example.plan.json", Format::Terraform),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: FUZZ_CASES, ..ProptestConfig::default() })]

    #[test]
    fn every_importer_ends_in_a_scenario_or_an_error(which in 0usize..FILES.len(), edits in edits()) {
        let catalog = capplan::catalog::load().unwrap();
        let (path, format) = FILES[which];
        let original =
            std::fs::read_to_string(format!("tests/fixtures/import/{path}")).unwrap();
        let text = mutate(&original, &edits);
        let mut options = ImportOptions::default();
        if format == Format::Compose {
            options.platform = Some("render".into());
        }
        let _ = Format::detect(path, &text);
        let Ok(result) = import_file(format, path, &text, &catalog, &options) else {
            return Ok(());
        };
        let current: Vec<CurrentOverride> =
            vec![CurrentOverride::parse("db=render/postgres/basic-1gb").unwrap()];
        for overrides in [&[][..], &current[..]] {
            if let Ok(imported) = combine(vec![(path.to_string(), result.clone())], overrides, &catalog) {
                let text = scenario_text(path, 5000.0, &imported, &catalog);
                if let Ok(file) = capplan::scenario::parse_scenario("imported.yaml", &text) {
                    let _ = capplan::scenario::validate(&file, &catalog);
                }
            }
        }
    }
}
