//! The `hookscope` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

// mimalloc: the capture path allocates and frees across threads (handlers
// and the store writer), where it costs a fraction of glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = hookscope::cli::Cli::parse();
    match hookscope::run(cli) {
        Ok(code) => code,
        // A closed pipe (`hookscope ls | head`) is the reader's choice, not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hookscope: {e:#}");
            ExitCode::FAILURE
        }
    }
}
