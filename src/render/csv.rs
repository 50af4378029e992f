//! CSV (RFC 4180) for spreadsheets and pandas, built from the report's JSON
//! so every cell is the exact figure the JSON carries (raw numbers: no `$`,
//! thousands separators or `%`) under the JSON's own snake_case names, whose
//! suffixes give the unit (`monthly_usd`, `p95_ms`, `storage_gb`).
//!
//! The report becomes tables: `summary` (the report's own figures, nested
//! objects flattened as `stage_name`, `next_upgrade_users`: the totals,
//! capacity and next upgrade) and one table per list of records, named by
//! its path (`components`, `components.charges`, `points`). A nested table
//! has a `parent` column naming its record. By default all tables go into
//! one CSV with a leading `section` column; `--table NAME` prints one table
//! with only its own columns.

use serde_json::{Map, Value};

/// One table: its path, columns in first-seen order and rows of cells.
#[derive(Debug, Default)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<(String, String)>>,
}

impl Table {
    fn push(&mut self, row: Vec<(String, String)>) {
        for (column, _) in &row {
            if !self.columns.contains(column) {
                self.columns.push(column.clone());
            }
        }
        self.rows.push(row);
    }
}

/// The CSV of a report's JSON: every table with a `section` column, or only
/// `table` (an error names the tables there are).
pub fn render(report: &Value, table: Option<&str>) -> Result<String, String> {
    let tables = tables(report);
    match table {
        Some(name) => {
            let Some(found) = tables.iter().find(|t| t.name == name) else {
                let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
                return Err(format!(
                    "--table {name}: this report has no such table; its tables are {}",
                    names.join(", ")
                ));
            };
            Ok(write(std::slice::from_ref(found), false))
        }
        None => Ok(write(&tables, true)),
    }
}

fn write(tables: &[Table], with_section: bool) -> String {
    let mut columns: Vec<&str> = Vec::new();
    if with_section {
        columns.push("section");
    }
    for table in tables {
        for column in &table.columns {
            if !columns.contains(&column.as_str()) {
                columns.push(column);
            }
        }
    }
    let mut out = line(columns.iter().copied());
    for table in tables {
        for row in &table.rows {
            out.push_str(&line(columns.iter().map(|&column| {
                if with_section && column == "section" {
                    table.name.as_str()
                } else {
                    row.iter()
                        .find(|(name, _)| name == column)
                        .map_or("", |(_, value)| value.as_str())
                }
            })));
        }
    }
    out
}

/// The tables of a report: `summary` first, then each list of records.
pub fn tables(report: &Value) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut summary = Vec::new();
    match report {
        Value::Object(map) => flatten(map, "", "", None, &mut summary, &mut tables),
        Value::Array(items) => records("rows", items, None, &mut tables),
        scalar => summary.push(("value".to_string(), cell(scalar))),
    }
    let mut all = Vec::with_capacity(tables.len() + 1);
    // A summary holding only the schema version says nothing on its own.
    if summary.iter().any(|(column, _)| column != "schema_version") {
        let mut table = Table {
            name: "summary".into(),
            ..Table::default()
        };
        table.push(summary);
        all.push(table);
    }
    all.extend(tables);
    all
}

/// An object's scalars into `row` (nested objects prefixed with their key),
/// its lists of records into tables of their own.
fn flatten(
    map: &Map<String, Value>,
    prefix: &str,
    path: &str,
    parent: Option<&str>,
    row: &mut Vec<(String, String)>,
    tables: &mut Vec<Table>,
) {
    for (key, value) in map {
        let column = format!("{prefix}{key}");
        let table_path = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match value {
            Value::Object(inner) => flatten(
                inner,
                &format!("{column}_"),
                &table_path,
                parent,
                row,
                tables,
            ),
            // An empty list has no rows and, unknown in kind, no column.
            Value::Array(items) if items.is_empty() => {}
            Value::Array(items) if items.iter().any(Value::is_object) => {
                records(&table_path, items, parent, tables)
            }
            Value::Array(items) => {
                row.push((column, items.iter().map(cell).collect::<Vec<_>>().join(";")))
            }
            scalar => row.push((column, cell(scalar))),
        }
    }
}

/// A list of records as rows of the table at `path` (records nested in a
/// record carry the `parent` it belongs to).
fn records(path: &str, items: &[Value], parent: Option<&str>, tables: &mut Vec<Table>) {
    for item in items {
        let mut row = Vec::new();
        if let Some(parent) = parent {
            row.push(("parent".to_string(), parent.to_string()));
        }
        let mut nested = Vec::new();
        match item {
            Value::Object(map) => {
                let identity = identity(map);
                flatten(map, "", path, identity.as_deref(), &mut row, &mut nested)
            }
            scalar => row.push(("value".to_string(), cell(scalar))),
        }
        let index = match tables.iter().position(|t| t.name == path) {
            Some(index) => index,
            None => {
                tables.push(Table {
                    name: path.to_string(),
                    ..Table::default()
                });
                tables.len() - 1
            }
        };
        tables[index].push(row);
        // Nested tables follow their parent table, rows merged by path.
        for table in nested {
            match tables.iter_mut().find(|t| t.name == table.name) {
                Some(existing) => {
                    for row in table.rows {
                        existing.push(row);
                    }
                }
                None => tables.push(table),
            }
        }
    }
}

/// What names a record for its nested rows: its name, id, class or label,
/// else its user count.
fn identity(map: &Map<String, Value>) -> Option<String> {
    ["name", "id", "class", "label", "stack", "users", "month"]
        .iter()
        .find_map(|key| {
            map.get(*key)
                .filter(|v| !v.is_null() && !v.is_object())
                .map(cell)
        })
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        other => other.to_string(),
    }
}

fn line<'a>(cells: impl Iterator<Item = &'a str>) -> String {
    let mut text = cells.map(field).collect::<Vec<_>>().join(",");
    text.push('\n');
    text
}

fn field(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn quotes_fields_that_need_it() {
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::field("plain"), "plain");
    }

    fn report() -> serde_json::Value {
        json!({
            "users": 5000.0,
            "stage": {"name": "Starter", "index": 2},
            "components": [
                {"name": "api", "monthly_usd": 7.0, "autoscale": null,
                 "charges": [{"name": "egress", "monthly_usd": 1.5}]},
                {"name": "db", "monthly_usd": 56.94, "autoscale": {"min_count": 1},
                 "charges": []}
            ],
            "total_monthly_usd": 63.94,
            "tags": ["a", "b"]
        })
    }

    #[test]
    fn one_csv_with_a_section_column_and_raw_figures() {
        let text = super::render(&report(), None).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "section,users,stage_name,stage_index,total_monthly_usd,tags,name,monthly_usd,autoscale,autoscale_min_count,parent"
        );
        assert_eq!(lines[1], "summary,5000.0,Starter,2,63.94,a;b,,,,,");
        assert_eq!(lines[2], "components,,,,,,api,7.0,,,");
        assert_eq!(lines[3], "components,,,,,,db,56.94,,1,");
        assert_eq!(lines[4], "components.charges,,,,,,egress,1.5,,,api");
        assert_eq!(lines.len(), 5);
    }

    #[test]
    fn one_table_by_name_and_an_error_naming_the_tables() {
        let text = super::render(&report(), Some("components.charges")).unwrap();
        assert_eq!(text, "parent,name,monthly_usd\napi,egress,1.5\n");
        let error = super::render(&report(), Some("nope")).unwrap_err();
        assert!(
            error.contains("summary, components, components.charges"),
            "{error}"
        );
    }
}
