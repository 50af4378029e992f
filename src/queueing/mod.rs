//! The queueing engine: Erlang B/C, M/M/c exact metrics, an M/G/c
//! two-moment approximation, M/G/c processor sharing, workers sharing vCPUs (a flow-equivalent
//! server), SLOs and sizing. Units: seconds and per second.

mod erlang;
mod flow;
mod model;
mod ps;
mod quota;
mod service;
mod shared;
mod sizing;
mod slo;

pub use erlang::{erlang_b, erlang_c};
pub use flow::{FlowQueue, SharedQueue};
pub(crate) use model::solve_decreasing;
pub use model::{Evaluation, MAX_SERVERS, ParamError, Queue, Station, Unstable};
pub use ps::{PsQueue, PsService};
pub use quota::{DEFAULT_PERIOD_S, Throttling, throttling};
pub use service::ServiceTime;
pub use shared::SharedCpu;
pub use sizing::{SizingError, size};
pub use slo::{Slo, SloError, TimeMetric};
