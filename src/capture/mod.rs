//! The capture server: an accept loop serving HTTP/1.1 and HTTP/2 (prior
//! knowledge) on one port, handing every request to the store writer.

mod body;
mod forward;
mod service;

pub use forward::Forward;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::model::AnswerTemplate;
use crate::store::{WriterHandle, WriterTask};
use crate::verifier::SharedVerifier;

/// How long in-flight requests get to finish after shutdown is asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Everything a capture needs besides the socket.
#[derive(Clone, Debug)]
pub struct CaptureConfig {
    /// Bodies beyond this many bytes are stored truncated and answered 413.
    pub max_body: u64,
    /// A client must send its whole request head within this time.
    pub header_timeout: Duration,
    /// ... and its whole body within this time.
    pub body_timeout: Duration,
    pub answer: Arc<AnswerTemplate>,
    /// Checks each request's signature before it is stored.
    pub verifier: SharedVerifier,
    /// Sends each stored request on to the user's app and answers with its answer.
    pub forward: Option<Forward>,
}

/// Serves captures on `listener` until `shutdown` resolves, then lets
/// in-flight requests finish (their commits included) and returns.
async fn serve(
    listener: TcpListener,
    config: CaptureConfig,
    writer: WriterHandle,
    shutdown: impl Future<Output = ()>,
) {
    let ctx = Arc::new(service::Ctx { config, writer });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(ctx.config.header_timeout)
        .keep_alive(true);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => {
                    let _ = stream.set_nodelay(true);
                    let conn = builder
                        .serve_connection(TokioIo::new(stream), service::for_connection(ctx.clone(), remote))
                        .into_owned();
                    let conn = graceful.watch(conn);
                    tokio::spawn(async move {
                        if let Err(e) = conn.await {
                            tracing::debug!(%remote, "connection ended: {e}");
                        }
                    });
                }
                Err(e) => {
                    // Usually out of file descriptors: back off instead of
                    // spinning, and keep serving the connections we have.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some connections did not finish within {SHUTDOWN_GRACE:?}");
    }
}

/// Runs `serve` and the store writer together on a thread of their own,
/// with a single-threaded runtime. Every request is parsed, committed and
/// answered on that one thread: the writer commits once the connections that
/// were ready have queued their requests, and nothing crosses threads on the
/// way (10 % less CPU per request than a writer thread of its own, and 5 %
/// less than a shared multi-thread runtime, measured with
/// `scripts/bench-capture.sh`). The UI never competes with capturing for a
/// runtime.
pub fn spawn(
    listener: std::net::TcpListener,
    config: CaptureConfig,
    store: WriterTask,
    writer: WriterHandle,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<Running> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    listener.set_nonblocking(true)?;
    let listener = {
        // Registers the socket with the capture runtime, not the caller's.
        let _entered = runtime.enter();
        TcpListener::from_std(listener)?
    };
    let (served_tx, served) = oneshot::channel();
    let (stored_tx, stored) = oneshot::channel();
    std::thread::Builder::new()
        .name("capture".into())
        .spawn(move || {
            runtime.block_on(async move {
                let (close, closing) = oneshot::channel::<()>();
                let store = tokio::spawn(store.run(async {
                    let _ = closing.await;
                }));
                serve(listener, config, writer, shutdown).await;
                let _ = served_tx.send(());
                let _ = close.send(());
                // A panic in the writer has already been reported by the panic hook.
                let _ = store.await;
            });
            let _ = stored_tx.send(());
        })?;
    Ok(Running {
        served: Some(served),
        stored,
    })
}

/// The capture thread at work (see `spawn`).
pub struct Running {
    served: Option<oneshot::Receiver<()>>,
    stored: oneshot::Receiver<()>,
}

impl Running {
    /// Resolves once the server has stopped: every request it answered is
    /// committed by then.
    pub async fn served(&mut self) -> std::io::Result<()> {
        match self.served.take() {
            Some(served) => served.await.map_err(|_| stopped()),
            None => Ok(()),
        }
    }

    /// Resolves once the store has committed what was still queued and
    /// folded its log into the capture file.
    pub async fn stored(self) -> std::io::Result<()> {
        self.stored.await.map_err(|_| stopped())
    }
}

fn stopped() -> std::io::Error {
    std::io::Error::other("the capture thread stopped unexpectedly")
}

/// True when binding `addr` exposes captures beyond this machine.
pub fn is_exposed(addr: &SocketAddr) -> bool {
    !addr.ip().is_loopback()
}
