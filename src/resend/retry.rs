//! Delivery with retries: the first try at once, then one retry after each
//! wait of a schedule, while the app is unreachable, too slow or answers 5xx.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::resend::client::{Client, Response};
use crate::resend::error::SendError;
use crate::resend::outgoing::OutgoingRequest;

/// Waits before retries 1 to 4: 1 s, 10 s, 1 min, 5 min.
pub const DEFAULT_SCHEDULE: [Duration; 4] = [
    Duration::from_secs(1),
    Duration::from_secs(10),
    Duration::from_secs(60),
    Duration::from_secs(300),
];

/// One try and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptResult {
    /// 1 for the first try.
    pub number: usize,
    /// Unix microseconds when the try started.
    pub started_at_us: i64,
    pub outcome: Result<Response, SendError>,
}

impl AttemptResult {
    /// Whether another try may go better: a 5xx answer, or an error that
    /// [`SendError::is_retryable`] calls temporary.
    pub fn is_retryable(&self) -> bool {
        match &self.outcome {
            Ok(response) => (500..=599).contains(&response.status),
            Err(e) => e.is_retryable(),
        }
    }
}

/// Sends `req` until it gets an answer other than 5xx, or a failure that
/// waiting will not fix, or the schedule runs out: the first try goes at
/// once, retry `i + 1` after waiting `schedule[i]`, so at most
/// `schedule.len() + 1` tries. `on_attempt` sees every try as it ends.
/// Returns the last try.
///
/// Dropping the future cancels the delivery, including a pending wait.
pub async fn deliver(
    client: &Client,
    req: &OutgoingRequest,
    schedule: &[Duration],
    mut on_attempt: impl FnMut(&AttemptResult),
) -> AttemptResult {
    let mut number = 1;
    loop {
        let started_at_us = now_us();
        let outcome = client.send(req).await;
        let attempt = AttemptResult {
            number,
            started_at_us,
            outcome,
        };
        on_attempt(&attempt);
        let wait = match schedule.get(number - 1) {
            Some(wait) if attempt.is_retryable() => *wait,
            _ => return attempt,
        };
        tokio::time::sleep(wait).await;
        number += 1;
    }
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_status(status: u16) -> AttemptResult {
        AttemptResult {
            number: 1,
            started_at_us: now_us(),
            outcome: Ok(Response {
                status,
                headers: Vec::new(),
                body: bytes::Bytes::new(),
                body_truncated: false,
                duration: Duration::ZERO,
            }),
        }
    }

    #[test]
    fn only_5xx_answers_are_retried() {
        assert!(with_status(500).is_retryable());
        assert!(with_status(503).is_retryable());
        assert!(!with_status(200).is_retryable());
        assert!(!with_status(404).is_retryable());
        assert!(!with_status(429).is_retryable());
        assert!(with_status(200).started_at_us > 1_600_000_000_000_000);
    }
}
