//! Copying text: the system clipboard (arboard) where one exists, else the
//! OSC 52 escape sequence, which terminals (also over SSH) turn into a copy.

use std::sync::mpsc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// How long a system clipboard may take before we fall back to OSC 52.
const TIMEOUT: Duration = Duration::from_secs(2);

type Job = (String, mpsc::Sender<Result<(), String>>);

/// Owns one arboard handle on its own thread for the life of the process:
/// on X11 and Wayland the copied text lives only as long as the handle, and
/// a slow clipboard must never stall the UI.
pub struct Clipboard {
    jobs: Option<mpsc::Sender<Job>>,
}

impl Clipboard {
    pub fn new() -> Clipboard {
        let (tx, rx) = mpsc::channel::<Job>();
        let started = std::thread::Builder::new()
            .name("clipboard".into())
            .spawn(move || {
                let mut clipboard = arboard::Clipboard::new().map_err(|e| e.to_string());
                for (text, reply) in rx {
                    let result = match clipboard.as_mut() {
                        Ok(c) => c.set_text(text).map_err(|e| e.to_string()),
                        Err(e) => Err(e.clone()),
                    };
                    let _ = reply.send(result);
                }
            })
            .is_ok();
        Clipboard {
            jobs: started.then_some(tx),
        }
    }

    /// Puts `text` on the system clipboard; `Err` names why it is not
    /// available (no display, timeout), so the caller can use OSC 52.
    pub fn set_system(&self, text: String) -> Result<(), String> {
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            return Err("no display, so no system clipboard".into());
        }
        let jobs = self.jobs.as_ref().ok_or("no clipboard thread")?;
        let (reply, result) = mpsc::channel();
        jobs.send((text, reply))
            .map_err(|_| "clipboard thread stopped")?;
        result
            .recv_timeout(TIMEOUT)
            .map_err(|_| "system clipboard did not answer".to_owned())?
    }
}

impl Default for Clipboard {
    fn default() -> Clipboard {
        Clipboard::new()
    }
}

/// The OSC 52 sequence that asks the terminal to copy `text`.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", STANDARD.encode(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_is_base64_in_the_escape() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn a_missing_display_is_an_error_not_a_hang() {
        // With or without a display this returns within the timeout.
        let result = Clipboard::new().set_system("x".into());
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            assert!(result.is_err());
        }
    }
}
