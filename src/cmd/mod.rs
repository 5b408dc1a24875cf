//! One module per subcommand: each turns parsed arguments into work and output.

/// `println!` that returns the write's error instead of panicking on it:
/// stdout may be a pipe its reader closed (`hookscope verify … | head -1`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

pub mod completions;
pub mod export;
pub mod import;
pub mod listen;
pub mod ls;
pub mod resend;
pub mod send;
pub mod show;
pub mod verify;

use std::path::PathBuf;

/// The capture file a reading command should open: `--db`, else the config's, else the default.
fn db_path(explicit: Option<&PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.clone());
    }
    let (config, _) = crate::config::Config::load(None)?;
    Ok(config.db_path())
}

/// Logs go to stderr when headless; with the UI on screen they go to a file
/// (`$XDG_STATE_HOME/hookscope/hookscope.log`), since the terminal is the UI's.
fn init_tracing(headless: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("HOOKSCOPE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("hookscope=info"));
    if headless {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            // Colour only for a terminal: a log redirected to a file stays plain text.
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_target(false)
            .try_init();
        return;
    }
    let Some(dir) =
        directories::BaseDirs::new().and_then(|d| d.state_dir().map(|s| s.join("hookscope")))
    else {
        return;
    };
    let file = std::fs::create_dir_all(&dir).and_then(|()| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("hookscope.log"))
    });
    if let Ok(file) = file {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::sync::Mutex::new(file))
            .with_ansi(false)
            .try_init();
    }
}
