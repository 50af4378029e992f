//! `capplan completions SHELL` and `capplan man`: shell completion scripts
//! (clap_complete) and man pages (clap_mangen) generated from the same clap
//! definitions the parser uses, so they cannot drift from the flags.

use super::{Failure, Output};
use clap::{Args, CommandFactory};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    about = "Print a shell completion script",
    after_help = "Examples:
  capplan completions bash > ~/.local/share/bash-completion/completions/capplan
  capplan completions zsh > ~/.zfunc/_capplan      # with fpath+=~/.zfunc before compinit
  capplan completions fish > ~/.config/fish/completions/capplan.fish"
)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(
    about = "Print a man page, or write every page into a folder",
    after_help = "Examples:
  capplan man | man -l -                  # read capplan(1)
  capplan man recommend | man -l -        # read capplan-recommend(1)
  capplan man --out-dir /usr/local/share/man/man1"
)]
pub struct ManArgs {
    /// The subcommand whose page to print (capplan's own page without one)
    command: Option<String>,
    /// Write capplan.1 and one capplan-COMMAND.1 per subcommand into DIR
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    out_dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Result<Output, Failure> {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "capplan", &mut script);
    Ok(Output::ok(String::from_utf8_lossy(&script).into_owned()))
}

pub fn man(args: ManArgs) -> Result<Output, Failure> {
    let pages = pages()?;
    if let Some(dir) = args.out_dir {
        std::fs::create_dir_all(&dir)
            .map_err(|e| Failure::input(format!("--out-dir {}: {e}", dir.display())))?;
        for (name, page) in &pages {
            let path = dir.join(format!("{name}.1"));
            capplan::support::fsio::write_atomically(&path, page.as_bytes())
                .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
        }
        return Ok(Output::ok(format!("wrote {} man pages to {}\n", pages.len(), dir.display())));
    }
    let wanted = args.command.map_or("capplan".to_string(), |c| format!("capplan-{c}"));
    pages
        .into_iter()
        .find(|(name, _)| *name == wanted)
        .map(|(_, page)| Output::ok(page))
        .ok_or_else(|| {
            Failure::input(format!(
                "man: no subcommand '{}'; see `capplan --help` for the list",
                wanted.trim_start_matches("capplan-")
            ))
        })
}

/// capplan's page and one per subcommand, as (name, roff text).
fn pages() -> Result<Vec<(String, String)>, Failure> {
    let mut command = super::Cli::command();
    command.build();
    let mut pages = vec![("capplan".to_string(), render(command.clone())?)];
    for sub in command.get_subcommands() {
        let name = format!("capplan-{}", sub.get_name());
        let page = sub.clone().name(name.clone()).bin_name(format!("capplan {}", sub.get_name()));
        pages.push((name, render(page)?));
    }
    Ok(pages)
}

fn render(command: clap::Command) -> Result<String, Failure> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut roff)
        .map_err(|e| Failure::input(format!("man: rendering the page failed: {e}")))?;
    Ok(String::from_utf8_lossy(&roff).into_owned())
}
