//! The parts of the page that read without script: verdict totals, the model's chart for this
//! estate, the controls and the per-service tables, all counted from the report and named from
//! the catalog.

use super::esc;
use crate::catalog::{Catalog, Control, Layer};
use crate::evaluate::Verdict;
use crate::model::Category;
use crate::report::Report;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// Counts per verdict, in [`Verdict::ALL`] order.
pub(super) type Counts = [usize; Verdict::ALL.len()];

/// A verdict's position in [`Verdict::ALL`].
pub(super) fn verdict_index(v: Verdict) -> usize {
    Verdict::ALL.iter().position(|x| *x == v).unwrap_or(0)
}

/// A layer's position in [`Layer::ALL`].
pub(super) fn layer_index(l: Layer) -> usize {
    Layer::ALL.iter().position(|x| *x == l).unwrap_or(0)
}

/// A duty as it appears in this estate.
pub(super) struct DutyRow<'a> {
    pub title: &'a str,
    pub layer: Layer,
    pub control: Control,
    pub severity: crate::catalog::Severity,
    pub counts: Counts,
    pub services: BTreeSet<&'a str>,
}

/// A service in use.
pub(super) struct ServiceRow<'a> {
    pub name: &'a str,
    pub category: Option<Category>,
    pub resources: usize,
    pub counts: Counts,
    pub duties: BTreeMap<&'a str, DutyRow<'a>>,
    pub aws: &'a [String],
}

/// What the page counts: per service, per layer, per duty.
pub(super) struct Estate<'a> {
    pub services: BTreeMap<&'a str, ServiceRow<'a>>,
    pub layers: [Counts; Layer::ALL.len()],
    pub duties: BTreeMap<&'a str, DutyRow<'a>>,
    /// Resources of types the catalog does not place in a service.
    pub unplaced: usize,
}

impl<'a> Estate<'a> {
    pub(super) fn of(report: &'a Report, catalog: &'a Catalog) -> Estate<'a> {
        let mut e = Estate {
            services: BTreeMap::new(),
            layers: [[0; Verdict::ALL.len()]; Layer::ALL.len()],
            duties: BTreeMap::new(),
            unplaced: 0,
        };
        for r in &report.resources {
            let Some(id) = r.service.as_deref() else {
                e.unplaced += 1;
                continue;
            };
            let svc = e.services.entry(id).or_insert_with(|| ServiceRow {
                name: catalog.services.get(id).map_or(id, |s| s.name.as_str()),
                category: r.category,
                resources: 0,
                counts: [0; Verdict::ALL.len()],
                duties: BTreeMap::new(),
                aws: r.aws_responsibilities.as_slice(),
            });
            svc.resources += 1;
            for c in &r.checklist {
                let v = verdict_index(c.verdict);
                let row = |services| DutyRow {
                    title: &c.title,
                    layer: c.layer,
                    control: c.control,
                    severity: c.severity,
                    counts: [0; Verdict::ALL.len()],
                    services,
                };
                bump(&mut svc.counts, v);
                let d = svc
                    .duties
                    .entry(&c.duty)
                    .or_insert_with(|| row(BTreeSet::new()));
                bump(&mut d.counts, v);
                let d = e
                    .duties
                    .entry(&c.duty)
                    .or_insert_with(|| row(BTreeSet::new()));
                bump(&mut d.counts, v);
                d.services.insert(id);
                if let Some(l) = e.layers.get_mut(layer_index(c.layer)) {
                    bump(l, v);
                }
            }
        }
        e
    }
}

/// `n` and the noun, singular or plural.
fn n_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn bump(counts: &mut Counts, v: usize) {
    if let Some(n) = counts.get_mut(v) {
        *n += 1;
    }
}

/// Table cells for the six verdict counts.
fn count_cells(out: &mut dyn Write, counts: &Counts) -> io::Result<()> {
    for (v, n) in Verdict::ALL.iter().zip(counts) {
        let zero = if *n == 0 { " zero" } else { "" };
        write!(
            out,
            "<td class=\"n v-{}{zero}\" data-verdict=\"{}\">{n}</td>",
            v.as_str(),
            v.as_str()
        )?;
    }
    Ok(())
}

fn count_headers(out: &mut dyn Write) -> io::Result<()> {
    for v in Verdict::ALL {
        write!(out, "<th class=\"n\">{}</th>", v.as_str())?;
    }
    Ok(())
}

/// The verdict totals (the JSON summary's counts).
pub(super) fn write_verdicts(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"<section id=\"totals\"><h2>Verdicts</h2><ul class=\"totals\">")?;
    for v in Verdict::ALL {
        write!(
            out,
            "<li class=\"v-{0}\"><span class=\"count\" id=\"total-{0}\">{1}</span> {0}</li>",
            v.as_str(),
            report.count(v)
        )?;
    }
    out.write_all(b"</ul></section>\n")
}

/// What a category leaves to the customer (the chart's caption).
fn category_note(c: Category) -> &'static str {
    match c {
        Category::Infrastructure => {
            "you run the guest operating system, its patches and the network configuration"
        }
        Category::Container => {
            "AWS runs the OS and the engine; you configure access, network and data"
        }
        Category::Abstracted => {
            "AWS runs everything up to the endpoint; you own data, access and keys"
        }
    }
}

/// The two halves of the model: the customer's layers with their counts, the services in use
/// by category, and what AWS keeps.
pub(super) fn write_chart(e: &Estate<'_>, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(
        b"<section id=\"model\"><h2>The model for this estate</h2>\n\
<div class=\"half customer\"><h3>Customer: security <em>in</em> the cloud</h3>\n\
<table class=\"layers\"><thead><tr><th>Layer</th>",
    )?;
    count_headers(out)?;
    out.write_all(b"</tr></thead><tbody>\n")?;
    for (layer, counts) in Layer::ALL.iter().zip(&e.layers) {
        write!(
            out,
            "<tr data-layer=\"{0}\"><th scope=\"row\">{0}</th>",
            layer.as_str()
        )?;
        count_cells(out, counts)?;
        out.write_all(b"</tr>\n")?;
    }
    out.write_all(b"</tbody></table>\n<div class=\"categories\">")?;
    for cat in Category::ALL {
        write!(
            out,
            "<div class=\"category\" data-category=\"{0}\"><h4>{0}</h4><p class=\"note\">{1}</p><ul>",
            cat.as_str(),
            category_note(cat)
        )?;
        for (id, s) in e.services.iter().filter(|(_, s)| s.category == Some(cat)) {
            write!(
                out,
                "<li><a href=\"#svc-{0}\">{1}</a> <span class=\"muted\">{2}</span></li>",
                esc(id),
                esc(s.name),
                n_of(s.resources, "resource", "resources")
            )?;
        }
        out.write_all(b"</ul></div>")?;
    }
    out.write_all(b"</div>\n")?;
    if e.unplaced > 0 {
        write!(
            out,
            "<p class=\"note\">{} resources of types the catalog does not place in a service.</p>",
            e.unplaced
        )?;
    }
    out.write_all(
        b"</div>\n<div class=\"half aws\"><h3>AWS: security <em>of</em> the cloud</h3>\n\
<p>Software: compute, storage, database, networking. Hardware and the AWS global infrastructure: \
Regions, Availability Zones, edge locations. For each service in use, what AWS keeps is listed \
under Controls and in the service's section below.</p></div>\n</section>\n",
    )
}

/// Inherited controls (what AWS keeps, per service), shared and customer-specific controls
/// (the duties, by their catalog `control`), each with the services that bring them.
pub(super) fn write_controls(e: &Estate<'_>, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"<section id=\"controls\"><h2>Controls</h2>\n")?;
    let inherited: usize = e.services.values().map(|s| s.aws.len()).sum();
    write!(
        out,
        "<details id=\"inherited\"><summary>Inherited from AWS <span class=\"muted\">({inherited} controls, {} services)</span></summary><dl>",
        e.services.len()
    )?;
    for s in e.services.values() {
        write!(out, "<dt>{}</dt>", esc(s.name))?;
        for a in s.aws {
            write!(out, "<dd>{}</dd>", esc(a))?;
        }
    }
    out.write_all(b"</dl></details>\n")?;
    for (control, label) in [
        (
            Control::Shared,
            "Shared (AWS keeps its part, you keep yours)",
        ),
        (Control::Customer, "Customer-specific"),
    ] {
        let rows: Vec<_> = e
            .duties
            .iter()
            .filter(|(_, d)| d.control == control)
            .collect();
        write!(
            out,
            "<details id=\"control-{}\"><summary>{label} <span class=\"muted\">({})</span></summary>\
             <table><thead><tr><th>Duty</th><th>Title</th><th>Layer</th><th>Services</th>",
            control.as_str(),
            n_of(rows.len(), "duty", "duties")
        )?;
        count_headers(out)?;
        out.write_all(b"</tr></thead><tbody>\n")?;
        for (id, d) in rows {
            let services: Vec<&str> = d.services.iter().copied().collect();
            write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                esc(id),
                esc(d.title),
                d.layer.as_str(),
                esc(&services.join(", "))
            )?;
            count_cells(out, &d.counts)?;
            out.write_all(b"</tr>\n")?;
        }
        out.write_all(b"</tbody></table></details>\n")?;
    }
    out.write_all(b"</section>\n")
}

/// One collapsed section per service: its duties with counts, and what AWS keeps.
pub(super) fn write_services(e: &Estate<'_>, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"<section id=\"services\"><h2>Services</h2>\n<table class=\"services\"><thead><tr><th>Service</th><th>Category</th><th class=\"n\">resources</th>")?;
    count_headers(out)?;
    out.write_all(b"</tr></thead><tbody>\n")?;
    for (id, s) in &e.services {
        write!(
            out,
            "<tr data-service=\"{0}\"><td><a href=\"#svc-{0}\">{1}</a></td><td>{2}</td><td class=\"n\">{3}</td>",
            esc(id),
            esc(s.name),
            s.category.map_or("", |c| c.as_str()),
            s.resources
        )?;
        count_cells(out, &s.counts)?;
        out.write_all(b"</tr>\n")?;
    }
    out.write_all(b"</tbody></table>\n")?;
    for (id, s) in &e.services {
        write!(
            out,
            "<details class=\"service\" id=\"svc-{}\"><summary>{} <span class=\"muted\">{}, {}</span></summary>\n\
             <h4>AWS keeps</h4><ul>",
            esc(id),
            esc(s.name),
            n_of(s.resources, "resource", "resources"),
            n_of(s.counts.iter().sum::<usize>(), "duty", "duties")
        )?;
        for a in s.aws {
            write!(out, "<li>{}</li>", esc(a))?;
        }
        out.write_all(b"</ul><h4>Your checklist</h4><table><thead><tr><th>Duty</th><th>Title</th><th>Layer</th><th>Control</th><th>Severity</th>")?;
        count_headers(out)?;
        out.write_all(b"</tr></thead><tbody>\n")?;
        for (duty, d) in &s.duties {
            write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                esc(duty),
                esc(d.title),
                d.layer.as_str(),
                d.control.as_str(),
                d.severity.as_str()
            )?;
            count_cells(out, &d.counts)?;
            out.write_all(b"</tr>\n")?;
        }
        out.write_all(b"</tbody></table></details>\n")?;
    }
    out.write_all(b"</section>\n")
}
