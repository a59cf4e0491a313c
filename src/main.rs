//! The `kbgen` binary: parse the command line, run the library, print the report, exit.

use clap::Parser;
use kbgen::cli::{
    BuildArgs, CheckArgs, Cli, Command, Format, ImportSource, NewArgs, ServeArgs, TranslatedArgs,
    WordpressArgs,
};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    // No transparent huge pages: the kernel zeroes (and first compacts memory for) a whole
    // 2 MiB page where the allocator touches a part of it. A large build spent 0.5 s more in
    // the kernel with them, and varied more (bench/README.md).
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
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
        Command::Check(args) => check(&args, &cwd),
        Command::New(args) => new(&args, &cwd),
        Command::Translated(args) => translated(&args, &cwd),
        Command::Serve(args) => serve(&args, &cwd),
    }
}

fn serve(args: &ServeArgs, cwd: &Path) -> ExitCode {
    let result = args.root.resolve(cwd).and_then(|root| {
        kbgen::serve::serve(&kbgen::serve::ServeOptions {
            root,
            port: args.port,
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The resolved site root, or `None` after saying why there is none.
fn site_root(arg: &kbgen::cli::RootArg, cwd: &Path) -> Option<std::path::PathBuf> {
    arg.resolve(cwd).map_err(|e| eprintln!("error: {e}")).ok()
}

/// Prints the diagnostics and the closing line `<what> failed with N error(s)<tail>`.
fn report_failure(diags: &kbgen::diag::Diagnostics, what: &str, tail: &str) -> ExitCode {
    for d in &diags.0 {
        eprintln!("{d}");
    }
    let n = kbgen::diag::count(diags.errors().count(), "error");
    eprintln!("{what} failed with {n}{tail}");
    ExitCode::FAILURE
}

fn check(args: &CheckArgs, cwd: &Path) -> ExitCode {
    let Some(root) = site_root(&args.root, cwd) else {
        return ExitCode::FAILURE;
    };
    let report = kbgen::check::check(&root);
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => eprintln!("error: {e}"),
        },
        Format::Text => {
            for d in &report.diagnostics {
                eprintln!("{d}");
            }
            print!("{}", kbgen::status::status_text(&report.status));
            let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
            let warnings = report.diagnostics.len() - errors;
            eprintln!(
                "{}, {}",
                kbgen::diag::count(errors, "error"),
                kbgen::diag::count(warnings, "warning")
            );
        }
    }
    if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn new(args: &NewArgs, cwd: &Path) -> ExitCode {
    let Some(root) = site_root(&args.root, cwd) else {
        return ExitCode::FAILURE;
    };
    let today = match kbgen::load::today() {
        Ok(d) => d,
        Err(d) => return report_failure(&d.into(), "kbgen new", ""),
    };
    let owner = kbgen::author::git_user_name(&root);
    match kbgen::author::new_article(&root, &args.path, today, owner.as_deref()) {
        Ok(files) => {
            for f in files {
                println!("wrote {}", kbgen::diag::display_path(&f));
            }
            ExitCode::SUCCESS
        }
        Err(d) => report_failure(&d, "kbgen new", ""),
    }
}

fn translated(args: &TranslatedArgs, cwd: &Path) -> ExitCode {
    let Some(root) = site_root(&args.root, cwd) else {
        return ExitCode::FAILURE;
    };
    // Resolved as the root is, so a path through a symbolic link names the same article.
    let files: Vec<_> = args
        .files
        .iter()
        .map(|f| kbgen::paths::resolve(cwd, f))
        .collect();
    match kbgen::author::mark_translated(&root, &files) {
        Ok(done) => {
            for (f, hash) in done {
                println!("{}: source_hash {hash}", kbgen::diag::display_path(&f));
            }
            ExitCode::SUCCESS
        }
        Err(d) => report_failure(&d, "kbgen translated", ""),
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
    keep_freed_memory();
    let start = std::time::Instant::now();
    match kbgen::build(&opts) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            if args.timings {
                for lap in &report.timings {
                    let cpu = lap.cpu.map_or(String::new(), |c| {
                        format!("  cpu {:.0} ms", c.as_secs_f64() * 1000.0)
                    });
                    let memory = lap.peak_memory.map_or(String::new(), |b| {
                        format!("  peak memory {} MiB", b / (1024 * 1024))
                    });
                    eprintln!(
                        "{:>8.1} ms  {:<30}{cpu}{memory}",
                        lap.took.as_secs_f64() * 1000.0,
                        lap.step
                    );
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
            let kept = if opts.output.exists() {
                format!("; {} was left as it was", opts.output.display())
            } else {
                "; nothing was written".to_string()
            };
            report_failure(&diags, "build", &kept)
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
        Err(diags) => report_failure(&diags, "import", "; nothing was written"),
    }
}

/// Tells the allocator to keep the memory a build frees for its next allocations rather than
/// give it back to the system: given back, it comes back as fresh pages the kernel has to
/// zero on first touch. A 10,000-article build took 124,000 page faults with the default
/// (memory unused for a second is returned) and 98,000 without, for 1.5 % less CPU time
/// (bench/README.md). A build is short; `kbgen serve`, which runs for hours, keeps the
/// default.
fn keep_freed_memory() {
    /// `mi_option_purge_delay` in mimalloc.h's `mi_option_t` (the crate names no constant
    /// for it): milliseconds before freed memory is returned, -1 for never.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is allowed at any time, from any thread.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

// Many threads allocate many small strings while pages render; glibc's allocator spent a
// fifth of the build in malloc and free (perf), mimalloc much less.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
