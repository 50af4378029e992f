//! The capplan command line: arguments in, exit code out. All domain work
//! happens in the library; this side parses, dispatches and renders.

mod cli;
mod render;

fn main() -> std::process::ExitCode {
    cli::main()
}
