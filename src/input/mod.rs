//! What people type and write, before any domain meaning: located
//! problems (`problem`), bounded reading (`read`), strict and safe YAML
//! (`yaml`), finding a field's line (`locate`), quantities with units
//! (`units`), and interval arithmetic for uncertain inputs (`interval`).

pub mod interval;
pub mod locate;
pub mod problem;
pub mod read;
pub mod units;
pub mod yaml;
