//! `amberflo-workflows`: list and run the crate's Amberflo workflows, against
//! the embedded fake Amberflo (the default) or a real Amberflo URL.
//!
//! Exit codes: 0 success, 1 other error, 2 bad usage or inputs, 3 a step
//! failed (success criteria / HTTP status), 4 transport error (connect,
//! timeout).

mod cli;
mod cli_trace;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
