//! [`PendingResponse`]: the future a request's caller awaits, with its timeout.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Weak;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::{Instant, Sleep};

use super::{Reply, RpcError, RpcMessage, Shared};
use crate::runtime::value::Value;

/// The response of one request: a future that ends with the [`RpcResult`](super::RpcResult), or with
/// [`RpcError::Timeout`] / [`RpcError::Cancelled`]. Dropping it withdraws the registration.
pub struct PendingResponse<M: RpcMessage = Value> {
    pub(super) rtype: String,
    pub(super) id: u64,
    pub(super) receiver: oneshot::Receiver<Reply<M>>,
    /// The timeout and its deadline (`None` when the deadline is beyond what `Instant` holds: no timeout).
    pub(super) timeout: Option<(Duration, Option<Instant>)>,
    pub(super) sleep: Option<Pin<Box<Sleep>>>,
    /// Weak, so that dropping every clone of the correlator drops the senders and ends the waits.
    pub(super) shared: Weak<Shared<M>>,
    pub(super) done: bool,
}

impl<M: RpcMessage> PendingResponse<M> {
    /// The `rtype` this future waits for.
    pub fn rtype(&self) -> &str {
        &self.rtype
    }

    fn finish(&mut self, reply: Reply<M>) -> Poll<Reply<M>> {
        self.done = true;
        Poll::Ready(reply)
    }
}

impl<M: RpcMessage> fmt::Debug for PendingResponse<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingResponse")
            .field("rtype", &self.rtype)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl<M: RpcMessage> Future for PendingResponse<M> {
    type Output = Reply<M>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(Err(RpcError::Cancelled {
                rtype: this.rtype.clone(),
            }));
        }
        match Pin::new(&mut this.receiver).poll(cx) {
            Poll::Ready(Ok(reply)) => return this.finish(reply),
            // The correlator (every clone of it) is gone: nothing can answer any more.
            Poll::Ready(Err(_)) => {
                let rtype = this.rtype.clone();
                return this.finish(Err(RpcError::Cancelled { rtype }));
            }
            Poll::Pending => {}
        }
        let Some((timeout, Some(deadline))) = this.timeout else {
            return Poll::Pending;
        };
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        if let Some(shared) = this.shared.upgrade() {
            shared.forget(&this.rtype, this.id);
        }
        // A response may have been dispatched between the two polls: it wins over the timeout.
        if let Ok(reply) = this.receiver.try_recv() {
            return this.finish(reply);
        }
        let rtype = this.rtype.clone();
        this.finish(Err(RpcError::Timeout { rtype, timeout }))
    }
}

impl<M: RpcMessage> Drop for PendingResponse<M> {
    fn drop(&mut self) {
        if let (false, Some(shared)) = (self.done, self.shared.upgrade()) {
            shared.forget(&self.rtype, self.id);
        }
    }
}
