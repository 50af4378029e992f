//! The check that every `source` begins with the provider's own page or
//! file: a reference on one of the provider's `sites`. Mirrors and
//! secondary posts belong in `evidence`, so "Priced from" shows the page
//! a reader can re-check. build.rs includes this file by #[path] with
//! check.rs.

use super::{Checker, Severity, key};
use crate::catalog::Provider;
use crate::input::locate::{Step, field_path};

impl Checker<'_> {
    /// One warning per distinct source that does not begin on one of the
    /// sites, at its first entry, naming the others that cite it. Sites
    /// come from the file or the provider it extends; with none known
    /// (a new provider without `sites`) there is nothing to check against.
    pub(super) fn sources(&mut self, p: &Provider) {
        let mut sites: Vec<&str> = Vec::new();
        for site in p.sites.iter().chain(self.base.iter().flat_map(|b| &b.sites)) {
            if !sites.contains(&site.as_str()) {
                sites.push(site);
            }
        }
        if sites.is_empty() {
            return;
        }
        let mut groups: Vec<(String, Vec<Vec<Step>>)> = Vec::new();
        for (path, source) in cited_sources(p) {
            if begins_on_site(&source, &sites) {
                continue;
            }
            match groups.iter_mut().find(|(s, _)| *s == source) {
                Some((_, paths)) => paths.push(path),
                None => groups.push((source, vec![path])),
            }
        }
        for (source, paths) in groups {
            let mut message = format!(
                "{} cites '{source}', which does not begin with a page or file on the provider's sites ({}): name the provider's own page first and move the mirror or secondary post to 'evidence'",
                entry_name(&paths[0]),
                sites.join(", ")
            );
            if paths.len() > 1 {
                // The first few by name: one source may price hundreds of tiers.
                const NAMED: usize = 10;
                let others = paths.len() - 1;
                let mut named: Vec<String> =
                    paths[1..].iter().take(NAMED).map(|p| entry_name(p)).collect();
                if others > NAMED {
                    named.push(format!("and {} more", others - NAMED));
                }
                message.push_str(&format!(
                    "; {others} more entr{} cite it: {}",
                    if others == 1 { "y" } else { "ies" },
                    named.join(", ")
                ));
            }
            self.push(Severity::Warning, &paths[0], message);
        }
    }
}

/// The entry a `…source` path belongs to, as check messages name fields.
fn entry_name(path: &[Step]) -> String {
    match field_path(&path[..path.len().saturating_sub(1)]) {
        field if field.is_empty() => "the provider".to_string(),
        field => field,
    }
}

/// Every `source` the file gives, with the path of its field, in file
/// order: the provider's, each offering's and its pricing rules' and
/// purchase options', each tier's, and each usage price's.
fn cited_sources(p: &Provider) -> Vec<(Vec<Step>, String)> {
    let mut out = Vec::new();
    let mut cite = |path: Vec<Step>, fields: &[&str], source: &Option<String>| {
        if let Some(s) = source {
            let mut full = path;
            full.extend(fields.iter().map(|f| key(f)));
            full.push(key("source"));
            out.push((full, s.clone()));
        }
    };
    cite(vec![], &[], &p.source);
    for o in &p.offerings {
        let opath = vec![key("offerings"), Step::Id(o.id.clone())];
        cite(opath.clone(), &[], &o.source);
        cite(opath.clone(), &["storage"], &o.storage.as_ref().and_then(|r| r.source.clone()));
        cite(opath.clone(), &["backup"], &o.backup.as_ref().and_then(|r| r.source.clone()));
        let units = o.capacity_units.as_ref().and_then(|r| r.source.clone());
        cite(opath.clone(), &["capacity_units"], &units);
        let compute = o.usage_compute.as_ref().and_then(|r| r.source.clone());
        cite(opath.clone(), &["usage_compute"], &compute);
        let ha = o.high_availability.as_ref().and_then(|r| r.source.clone());
        cite(opath.clone(), &["high_availability"], &ha);
        let root = o.root_volume.as_ref().and_then(|r| r.source.clone());
        cite(opath.clone(), &["root_volume"], &root);
        let nat = o.nat_gateway.as_ref().and_then(|r| r.source.clone());
        cite(opath.clone(), &["nat_gateway"], &nat);
        for (option, price) in &o.purchase_options {
            cite(opath.clone(), &["purchase_options", option.as_str()], &price.source);
        }
        for t in &o.tiers {
            let mut tpath = opath.clone();
            tpath.extend([key("tiers"), Step::Id(t.id.clone())]);
            cite(tpath.clone(), &[], &t.source);
            cite(tpath.clone(), &["credit"], &t.credit.as_ref().and_then(|c| c.source.clone()));
            for (option, price) in &t.price.purchase_options {
                let fields = ["price", "purchase_options", option.as_str()];
                cite(tpath.clone(), &fields, &price.source);
            }
        }
    }
    for u in &p.usage {
        let upath = vec![key("usage"), Step::Id(u.id.clone())];
        cite(upath.clone(), &[], &u.source);
        let long = u.long_context.as_ref().and_then(|l| l.source.clone());
        cite(upath, &["long_context"], &long);
    }
    out
}

/// Whether the source's first reference (up to the first space, `;`,
/// `,`, `(` or quote) is a page on one of the sites: on the site's host,
/// or under a site given with a path (`github.com/superfly`). Hosts match
/// exactly (`https://` and `www.` aside): a subdomain may be a forum or a
/// user's page, so the sites list each host the provider publishes on.
pub(crate) fn begins_on_site(source: &str, sites: &[&str]) -> bool {
    let reference = normalize(source);
    let reference = reference
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '(' | '\'' | '"'))
        .next()
        .unwrap_or("")
        .trim_end_matches([':', '.']);
    let (host, path) = reference.split_once('/').unwrap_or((reference, ""));
    let host = host.to_ascii_lowercase();
    // A reference is a host with a dot: "plans.md" or "derived" is not one.
    if !host.contains('.') || host.ends_with(".md") || host.ends_with(".yaml") {
        return false;
    }
    sites.iter().any(|site| {
        let site = normalize(site).to_ascii_lowercase();
        let site = site.trim_end_matches('/');
        match site.split_once('/') {
            Some((site_host, site_path)) => {
                host == site_host
                    && (path == site_path
                        || path.strip_prefix(site_path).is_some_and(|rest| rest.starts_with('/')))
            }
            None => host == site,
        }
    })
}

fn normalize(text: &str) -> &str {
    let text = text.trim();
    let text =
        text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")).unwrap_or(text);
    text.strip_prefix("www.").unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::begins_on_site;

    #[test]
    fn a_source_must_begin_on_a_site() {
        let sites = ["render.com", "github.com/render-examples"];
        for good in [
            "render.com/pricing (checked 2026-09-23)",
            "https://render.com/docs/free; kuberns.com",
            "www.render.com/pricing",
            "render.com",
            "github.com/render-examples/x/blob/main/y.md",
            "render.com/docs/outbound-bandwidth: '$0.15 per GB'",
        ] {
            assert!(begins_on_site(good, &sites), "{good}");
        }
        for bad in [
            "foxyc.online/docs/outbound-bandwidth mirror",
            "render-oss/skills service-mapping.md",
            "plans.md: volumes",
            "public GitHub file citing render.com/pricing",
            "render.com.example.org/pricing",
            "notrender.com/pricing",
            "community.render.com/t/pricing",
            "github.com/render-examples-fork/x",
            "github.com/someone/render.com",
            "",
        ] {
            assert!(!begins_on_site(bad, &sites), "{bad}");
        }
    }
}
