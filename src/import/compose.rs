//! docker-compose files: not read yet.

use super::{ImportError, ImportResult};
use crate::catalog::Catalog;

pub fn import(
    file: &str,
    _text: &str,
    _catalog: &Catalog,
    _platform: Option<&str>,
) -> Result<ImportResult, ImportError> {
    Err(format!("{file}: docker-compose files are not read yet"))
}
