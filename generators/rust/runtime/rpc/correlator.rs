//! [`RpcCorrelator`]: the pending requests, shared by its clones, and the dispatch of responses to them.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::{Entry, PendingResponse, RpcError, RpcMessage, RpcOutcome, RpcResult, Shared};
use crate::runtime::value::Value;

/// Pairs responses with requests (spec §6.3). Register the response type with [`expect`](Self::expect) before
/// sending the request, and hand every incoming message to [`dispatch`](Self::dispatch).
pub struct RpcCorrelator<M: RpcMessage = Value> {
    shared: Arc<Shared<M>>,
}

impl<M: RpcMessage> Clone for RpcCorrelator<M> {
    fn clone(&self) -> Self {
        RpcCorrelator {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<M: RpcMessage> Default for RpcCorrelator<M> {
    fn default() -> Self {
        RpcCorrelator {
            shared: Arc::new(Shared {
                pending: Mutex::new(HashMap::new()),
                next_id: AtomicU64::new(0),
            }),
        }
    }
}

impl<M: RpcMessage> fmt::Debug for RpcCorrelator<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RpcCorrelator").field("pending", &self.len()).finish()
    }
}

impl<M: RpcMessage> RpcCorrelator<M> {
    /// A correlator with nothing pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `rtype` and returns the future of its response, which ends with [`RpcError::Timeout`] when
    /// `timeout` passes first (`None` waits until a response or a cancellation). The clock starts now. Dropping
    /// the future withdraws the registration. Awaiting it needs a tokio runtime with the time driver enabled.
    pub fn expect(&self, rtype: impl Into<String>, timeout: Option<Duration>) -> Result<PendingResponse<M>, RpcError> {
        let rtype = rtype.into();
        let mut pending = self.shared.lock();
        if pending.contains_key(&rtype) {
            return Err(RpcError::AlreadyPending { rtype });
        }
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = oneshot::channel();
        let timeout = timeout.map(|t| (t, Instant::now().checked_add(t)));
        let deadline = timeout.and_then(|(_, deadline)| deadline);
        pending.insert(rtype.clone(), Entry { id, sender, deadline });
        drop(pending);
        Ok(PendingResponse {
            rtype,
            id,
            receiver,
            timeout,
            sleep: None,
            shared: Arc::downgrade(&self.shared),
            done: false,
        })
    }

    /// Resolves the request a message answers and returns `true`; returns `false` and drops the message when it
    /// answers nothing pending: an unknown, late (after its timeout) or duplicate response, or not a response.
    pub fn dispatch(&self, message: M) -> bool {
        self.dispatch_or_return(message).is_ok()
    }

    /// Like [`dispatch`](Self::dispatch), but gives back a message that answers nothing pending, for the caller to
    /// handle as an ordinary message.
    pub fn dispatch_or_return(&self, message: M) -> Result<(), M> {
        let entry = match message.etype() {
            Some(etype) => {
                let mut pending = self.shared.lock();
                // Past its deadline the request has timed out, whether or not its future has noticed yet: the
                // response is late and dropped; the registration stays for the future to end with its timeout.
                if pending
                    .get(etype)
                    .and_then(|e| e.deadline)
                    .is_some_and(|d| Instant::now() >= d)
                {
                    return Err(message);
                }
                pending.remove(etype)
            }
            None => None,
        };
        let Some(entry) = entry else { return Err(message) };
        let outcome = if message.is_failure() {
            RpcOutcome::Failed
        } else {
            RpcOutcome::Succeeded
        };
        // The receiver is gone only when its future was dropped at this very moment: the response is then late.
        match entry.sender.send(Ok(RpcResult { outcome, message })) {
            Ok(()) => Ok(()),
            Err(Ok(result)) => Err(result.message),
            // `send` hands back what it was given, which is a response: this arm is never taken.
            Err(Err(_)) => Ok(()),
        }
    }

    /// Ends a pending request with [`RpcError::Cancelled`]; `false` when nothing was pending under `rtype`.
    pub fn cancel(&self, rtype: &str) -> bool {
        let entry = self.shared.lock().remove(rtype);
        match entry {
            Some(entry) => {
                // A receiver dropped meanwhile needs no answer; the request was pending all the same.
                let _ = entry.sender.send(Err(RpcError::Cancelled {
                    rtype: rtype.to_owned(),
                }));
                true
            }
            None => false,
        }
    }

    /// Cancels every pending request (on disconnect).
    pub fn cancel_all(&self) {
        let entries: Vec<(String, Entry<M>)> = self.shared.lock().drain().collect();
        for (rtype, entry) in entries {
            // A receiver dropped meanwhile needs no answer.
            let _ = entry.sender.send(Err(RpcError::Cancelled { rtype }));
        }
    }

    /// Whether a request is waiting for `rtype`.
    pub fn is_pending(&self, rtype: &str) -> bool {
        self.shared.lock().contains_key(rtype)
    }

    /// The number of requests waiting for a response.
    pub fn len(&self) -> usize {
        self.shared.lock().len()
    }

    /// Whether no request is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
