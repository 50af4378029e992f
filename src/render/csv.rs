//! CSV (RFC 4180) for spreadsheets and pandas, built from the report's JSON
//! so every cell is the figure the JSON carries (raw numbers: no `$`,
//! thousands separators or `%`; monthly dollar amounts in cents, other
//! figures without float noise) under the JSON's own snake_case names,
//! whose suffixes give the unit (`monthly_usd`, `p95_ms`, `storage_gb`).
//!
//! By default a command prints one rectangular table, its main one: the
//! report's first list of records (`components` of recommend, `rows` of
//! sweep, `months` of forecast), or each record's `points` where every
//! record holds some (compare: one row per stack × user count, the stack
//! first). A row's `components` become columns named by component
//! (`api_count`, `api_total_monthly_usd`); other nested lists are left to
//! `--table`. Without a list the report's own figures are the table.
//!
//! `--table NAME` prints another table with its own columns: `summary`
//! (the report's figures, nested objects flattened as `stage_name`) or a
//! list of records by its path (`components.charges`, with a `parent`
//! column naming its record). `--table all` prints every table in one CSV
//! with a leading `section` column (a sparse union).

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
        None => Ok(write(std::slice::from_ref(&main_table(report)), false)),
        Some("all") => Ok(write(&tables, true)),
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
    }
}

/// The command's main table (see the module comment): one row per record
/// of the first list of records, their `components` pivoted to columns.
fn main_table(report: &Value) -> Table {
    let Some(map) = report.as_object() else {
        return tables(report).into_iter().next().unwrap_or_default();
    };
    let first_list = map.iter().find_map(|(key, value)| {
        let items = value.as_array()?;
        (!items.is_empty() && items.iter().all(Value::is_object)).then_some((key, items))
    });
    let Some((key, items)) = first_list else {
        return tables(report).into_iter().next().unwrap_or_default();
    };
    let mut table = Table { name: key.clone(), ..Table::default() };
    let nested_points = items
        .iter()
        .all(|item| item.get("points").and_then(Value::as_array).is_some_and(|p| !p.is_empty()));
    for item in items {
        let Some(record) = item.as_object() else {
            continue;
        };
        if nested_points {
            // compare: each stack's points, the stack named first.
            let stack = identity(record).unwrap_or_default();
            for point in item["points"].as_array().into_iter().flatten() {
                let mut row = vec![(key_singular(key), stack.clone())];
                if let Some(point) = point.as_object() {
                    pivot_row(point, &mut row);
                }
                table.push(row);
            }
        } else {
            let mut row = Vec::new();
            pivot_row(record, &mut row);
            table.push(row);
        }
    }
    table
}

/// `stacks` → `stack`: the column naming a nested row's record.
fn key_singular(key: &str) -> String {
    key.strip_suffix('s').unwrap_or(key).to_string()
}

/// A record's scalars (nested objects prefixed with their key), its
/// `components` as `<component>_<field>` columns; other lists left out.
fn pivot_row(record: &Map<String, Value>, row: &mut Vec<(String, String)>) {
    for (key, value) in record {
        match value {
            Value::Array(items) if key == "components" => {
                for component in items.iter().filter_map(Value::as_object) {
                    let Some(name) = identity(component) else {
                        continue;
                    };
                    let mut scalars = Vec::new();
                    let mut ignored = Vec::new();
                    flatten(component, "", "", None, &mut scalars, &mut ignored);
                    for (field, cell) in scalars {
                        if field != "name" {
                            row.push((format!("{name}_{field}"), cell));
                        }
                    }
                }
            }
            Value::Array(items) if items.iter().any(Value::is_object) => {}
            _ => {
                let mut scalars = Vec::new();
                let mut ignored = Vec::new();
                let single: Map<String, Value> =
                    std::iter::once((key.clone(), value.clone())).collect();
                flatten(&single, "", "", None, &mut scalars, &mut ignored);
                row.extend(scalars);
            }
        }
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
        let mut table = Table { name: "summary".into(), ..Table::default() };
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
        let table_path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
        match value {
            Value::Object(inner) => {
                flatten(inner, &format!("{column}_"), &table_path, parent, row, tables)
            }
            // An empty list has no rows and, unknown in kind, no column.
            Value::Array(items) if items.is_empty() => {}
            Value::Array(items) if items.iter().any(Value::is_object) => {
                records(&table_path, items, parent, tables)
            }
            Value::Array(items) => {
                let text =
                    items.iter().map(|v| number_cell(&column, v)).collect::<Vec<_>>().join(";");
                row.push((column, text))
            }
            scalar => {
                let text = number_cell(&column, scalar);
                row.push((column, text))
            }
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
                tables.push(Table { name: path.to_string(), ..Table::default() });
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
        .find_map(|key| map.get(*key).filter(|v| !v.is_null() && !v.is_object()).map(cell))
}

/// A cell as the column means it: a monthly dollar amount (a column
/// ending in `_usd` that is not a rate: no `hourly`, `per` or `unit`) to
/// the cent; any other fractional number to 10 significant digits, so
/// float noise (`0.9000000000000001`) does not reach the spreadsheet.
fn number_cell(column: &str, value: &Value) -> String {
    let Some(x) = value.as_f64().filter(|_| value.is_f64()) else {
        return cell(value);
    };
    let rate = ["hourly", "per", "unit"].iter().any(|w| column.contains(w));
    let rounded = if column.ends_with("_usd") && !rate {
        (x * 100.0).round() / 100.0
    } else if x == 0.0 || !x.is_finite() {
        x
    } else {
        let digits = 10 - (x.abs().log10().floor() as i32 + 1);
        let scale = 10f64.powi(digits.clamp(-300, 300));
        (x * scale).round() / scale
    };
    serde_json::Number::from_f64(rounded).map_or_else(|| cell(value), |n| n.to_string())
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
    fn the_main_table_is_the_first_list_of_records() {
        let text = super::render(&report(), None).unwrap();
        assert_eq!(
            text,
            "name,monthly_usd,autoscale,autoscale_min_count\napi,7.0,,\ndb,56.94,,1\n"
        );
        // A row's components become columns; money to the cent.
        let sweep = json!({"rows": [
            {"users": 1000.0, "monthly_usd": 36.745714, "share": 0.9000000000000001,
             "components": [{"name": "api", "count": 1, "total_monthly_usd": 7.004}]},
        ]});
        assert_eq!(
            super::render(&sweep, None).unwrap(),
            "users,monthly_usd,share,api_count,api_total_monthly_usd\n1000.0,36.75,0.9,1,7.0\n"
        );
        // compare: each stack's points, the stack first.
        let compare = json!({"stacks": [
            {"id": "a", "points": [{"users": 10.0}, {"users": 20.0}]},
            {"id": "b", "points": [{"users": 10.0}]},
        ]});
        assert_eq!(super::render(&compare, None).unwrap(), "stack,users\na,10.0\na,20.0\nb,10.0\n");
    }

    #[test]
    fn all_tables_in_one_csv_with_a_section_column() {
        let text = super::render(&report(), Some("all")).unwrap();
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
        assert!(error.contains("summary, components, components.charges"), "{error}");
    }
}
