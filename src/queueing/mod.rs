//! The queueing engine: Erlang B/C, M/M/c exact metrics, an M/G/c
//! two-moment approximation, SLOs and sizing. Units: seconds and per second.

mod erlang;
mod model;
mod service;
mod sizing;
mod slo;

pub use erlang::{erlang_b, erlang_c};
pub use model::{Evaluation, MAX_SERVERS, ParamError, Queue, Station, Unstable};
pub use service::ServiceTime;
pub use sizing::{SizingError, size};
pub use slo::{Slo, SloError, TimeMetric};
