//! The `kbgen` binary: parse the command line, run the library, print the report, exit.

use clap::Parser;
use kbgen::cli::{BuildArgs, Cli, Command, ImportSource, WordpressArgs};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot read the current folder: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command.unwrap_or(Command::Build(BuildArgs::default())) {
        Command::Build(args) => build(&args, &cwd),
        Command::Import(ImportSource::Wordpress(args)) => import_wordpress(&args, &cwd),
    }
}

fn build(args: &BuildArgs, cwd: &std::path::Path) -> ExitCode {
    let opts = match args.resolve(cwd) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let start = std::time::Instant::now();
    match kbgen::build(&opts) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            if args.timings {
                for (step, took) in &report.timings {
                    eprintln!("{:>8.1} ms  {step}", took.as_secs_f64() * 1000.0);
                }
            }
            eprintln!(
                "built {} pages from {} articles into {} in {:.2?}",
                report.pages,
                report.articles,
                opts.output.display(),
                start.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            for d in &diags.0 {
                eprintln!("{d}");
            }
            let n = diags.errors().count();
            let kept = if opts.output.exists() {
                format!("{} was left as it was", opts.output.display())
            } else {
                "nothing was written".to_string()
            };
            eprintln!(
                "build failed with {n} error{}; {kept}",
                if n == 1 { "" } else { "s" },
            );
            ExitCode::FAILURE
        }
    }
}

fn import_wordpress(args: &WordpressArgs, cwd: &std::path::Path) -> ExitCode {
    let opts = match args.resolve(cwd) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match kbgen::import(&opts) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(diags) => {
            for d in &diags.0 {
                eprintln!("{d}");
            }
            let n = diags.errors().count();
            eprintln!(
                "import failed with {n} error{}; nothing was written",
                if n == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
    }
}
