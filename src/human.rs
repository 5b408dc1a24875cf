//! Human-readable renderings of sizes and timestamps shared by the CLI and
//! the UI.

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// `512 B`, `1.2 KiB`, `16.0 MiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    // Precision loss is fine: this is for reading, one decimal shown.
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Local wall-clock time with milliseconds, `2026-11-22 07:41:11.123`.
pub fn datetime(unix_us: i64) -> String {
    format_us(unix_us, "%Y-%m-%d %H:%M:%S%.3f")
}

/// Local time of day with milliseconds, `07:41:11.123`.
pub fn time_of_day(unix_us: i64) -> String {
    format_us(unix_us, "%H:%M:%S%.3f")
}

/// RFC 3339 in UTC with microseconds, for machine-readable output.
pub fn rfc3339(unix_us: i64) -> String {
    Timestamp::from_microsecond(unix_us).map_or_else(|_| unix_us.to_string(), |t| t.to_string())
}

fn format_us(unix_us: i64, pattern: &str) -> String {
    match Timestamp::from_microsecond(unix_us) {
        Ok(ts) => ts
            .to_zoned(local_zone().clone())
            .strftime(pattern)
            .to_string(),
        Err(_) => format!("@{unix_us}"),
    }
}

/// Looked up once: finding the system zone reads files.
fn local_zone() -> &'static TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(TimeZone::system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(16 << 20), "16.0 MiB");
    }

    #[test]
    fn rfc3339_is_utc() {
        assert_eq!(
            rfc3339(1_735_732_800_123_456),
            "2025-01-01T12:00:00.123456Z"
        );
    }
}
