//! `--rpm`/`--rps`: a peak request rate given on the command line. One
//! rule for every command (`demand::GivenRate::apply`): the rate sets the
//! requests per online user for the whole run.

use super::Failure;
use capplan::demand::{GivenRate, RateNote};
use capplan::input::units::parse_rate;
use capplan::scenario::Scenario;
use clap::Args;

#[derive(Debug, Args)]
#[group(id = "rate", multiple = false)]
pub struct RateArgs {
    /// Peak requests per minute. With --users it sets the requests per
    /// online user so that those users make exactly this rate (capacity,
    /// next upgrade and curves follow); alone, the users are inferred from
    /// the scenario's ratios
    #[arg(long, value_name = "R", allow_hyphen_values = true)]
    rpm: Option<String>,
    /// Peak requests per second (same rule as --rpm)
    #[arg(long, value_name = "R", allow_hyphen_values = true)]
    rps: Option<String>,
}

impl RateArgs {
    /// The given rate per second, if any.
    pub fn per_second(&self) -> Result<Option<f64>, Failure> {
        match (&self.rpm, &self.rps) {
            (Some(rpm), _) => parse_rate(rpm)
                .map(|per_s| Some(per_s / 60.0))
                .map_err(|e| Failure::input(format!("--rpm: {e}"))),
            (None, Some(rps)) => {
                parse_rate(rps).map(Some).map_err(|e| Failure::input(format!("--rps: {e}")))
            }
            (None, None) => Ok(None),
        }
    }

    fn flag(&self) -> &'static str {
        if self.rpm.is_some() { "--rpm" } else { "--rps" }
    }

    /// The scenario and users of the run: unchanged without a rate; with
    /// one, the scenario calibrated so that the users make that rate.
    pub fn apply(
        &self,
        scenario: Scenario,
        users: Option<f64>,
    ) -> Result<(Scenario, Option<f64>, Option<RateNote>), Failure> {
        let Some(rps) = self.per_second()? else {
            return Ok((scenario, users, None));
        };
        let run = GivenRate { rps, users }
            .apply(&scenario)
            .map_err(|e| Failure::input(format!("{}: {e}", self.flag())))?;
        Ok((run.scenario, Some(run.users), Some(run.note)))
    }
}
