//! Heroku app.json and Procfile: not read yet.

use super::{ImportError, ImportResult};
use crate::catalog::Catalog;

pub fn import(
    file: &str,
    _text: &str,
    _catalog: &Catalog,
    _procfile: Option<&(String, String)>,
) -> Result<ImportResult, ImportError> {
    Err(format!("{file}: app.json is not read yet"))
}

pub fn import_procfile(
    file: &str,
    _text: &str,
    _catalog: &Catalog,
) -> Result<ImportResult, ImportError> {
    Err(format!("{file}: Procfiles are not read yet"))
}
