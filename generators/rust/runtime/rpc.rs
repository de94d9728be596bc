//! RPC correlation (spec §6, feature `rpc`): a request's `rtype` is `"{ETYPE}_RESPONSE@{uuid}"` and its response's
//! `etype` is that string. [`RpcCorrelator`] pairs responses with pending requests; a timeout and a cancellation end
//! a request with their own outcomes ([`RpcError`]), distinct from a failed response and from the VMP error kinds
//! (spec §6.3, §8.3).
//!
//! ```no_run
//! # async fn demo(rpc: vmp_protocol::runtime::rpc::RpcCorrelator) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! // Register before sending, so that a fast response cannot be missed.
//! let reply = rpc.expect("GRAB_RENDER_RESPONSE@u-1", Some(Duration::from_secs(5)))?;
//! // ... send the request; the task that reads the socket calls `rpc.dispatch(message)` for every message ...
//! let result = reply.await?; // RpcResult, or RpcError::Timeout / RpcError::Cancelled
//! # let _ = result; Ok(()) }
//! ```
//!
//! The correlator works on any message type that can say its `etype` ([`RpcMessage`]); [`Value`] is one, so it
//! needs nothing from the generated types. It is cheap to clone: clones share the pending requests, so one task
//! can wait while another dispatches.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::{Instant, Sleep};

use super::value::Value;

/// The `rtype` of a request (spec §6.1): `rpc_response_type("GRAB_RENDER", "u-1")` is `GRAB_RENDER_RESPONSE@u-1`.
pub fn rpc_response_type(etype: &str, uuid: &str) -> String {
    format!("{etype}_RESPONSE@{uuid}")
}

/// A message the correlator can route: it says its `etype` and whether it reports a failure.
pub trait RpcMessage: Send + 'static {
    /// The message's `etype`, when it has a string one.
    fn etype(&self) -> Option<&str>;
    /// Whether a response reports a failure: `ok` is `false` or `error` is a string (spec §6.2).
    fn is_failure(&self) -> bool;
}

impl RpcMessage for Value {
    fn etype(&self) -> Option<&str> {
        self.get("etype").and_then(Value::as_str)
    }

    fn is_failure(&self) -> bool {
        matches!(self.get("ok"), Some(Value::Bool(false))) || matches!(self.get("error"), Some(Value::Str(_)))
    }
}

/// How a request ended with a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RpcOutcome {
    /// The response reports success.
    Succeeded,
    /// The response reports a failure (`ok: false` or a string `error`).
    Failed,
}

/// A request's response and what it says.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcResult<M = Value> {
    /// Whether the response reports success or failure.
    pub outcome: RpcOutcome,
    /// The response itself.
    pub message: M,
}

impl<M> RpcResult<M> {
    /// Whether the response reports success.
    pub fn succeeded(&self) -> bool {
        self.outcome == RpcOutcome::Succeeded
    }
}

/// A request that ended without a response, or a registration that was refused. Not a VMP error (spec §8.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RpcError {
    /// No response arrived within the timeout.
    Timeout {
        /// The response type that was awaited.
        rtype: String,
        /// The timeout that passed.
        timeout: Duration,
    },
    /// The request was cancelled ([`RpcCorrelator::cancel`]), or the correlator went away, before its response.
    Cancelled {
        /// The response type that was awaited.
        rtype: String,
    },
    /// [`RpcCorrelator::expect`] was called for an `rtype` that is already pending (uuids must be unique).
    AlreadyPending {
        /// The response type that is already registered.
        rtype: String,
    },
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RpcError::Timeout { rtype, timeout } => write!(f, "no {rtype} within {} ms", timeout.as_millis()),
            RpcError::Cancelled { rtype } => write!(f, "{rtype} was cancelled"),
            RpcError::AlreadyPending { rtype } => write!(f, "{rtype} is already pending (uuids must be unique)"),
        }
    }
}

impl std::error::Error for RpcError {}

type Reply<M> = Result<RpcResult<M>, RpcError>;

struct Entry<M> {
    /// Tells this registration apart from a later one under the same `rtype`.
    id: u64,
    sender: oneshot::Sender<Reply<M>>,
}

struct Shared<M> {
    pending: Mutex<HashMap<String, Entry<M>>>,
    next_id: AtomicU64,
}

impl<M> Shared<M> {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry<M>>> {
        // No code panics while holding the lock; a poisoned map is still consistent.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes the registration `id` of `rtype`, if it is still the current one.
    fn forget(&self, rtype: &str, id: u64) {
        let mut pending = self.lock();
        if pending.get(rtype).is_some_and(|e| e.id == id) {
            pending.remove(rtype);
        }
    }
}

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
        pending.insert(rtype.clone(), Entry { id, sender });
        drop(pending);
        Ok(PendingResponse {
            rtype,
            id,
            receiver,
            timeout: timeout.map(|t| (t, Instant::now().checked_add(t))),
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
            Some(etype) => self.shared.lock().remove(etype),
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

/// The response of one request: a future that ends with the [`RpcResult`], or with [`RpcError::Timeout`] /
/// [`RpcError::Cancelled`]. Dropping it withdraws the registration.
pub struct PendingResponse<M: RpcMessage = Value> {
    rtype: String,
    id: u64,
    receiver: oneshot::Receiver<Reply<M>>,
    /// The timeout and its deadline (`None` when the deadline is beyond what `Instant` holds: no timeout).
    timeout: Option<(Duration, Option<Instant>)>,
    sleep: Option<Pin<Box<Sleep>>>,
    /// Weak, so that dropping every clone of the correlator drops the senders and ends the waits.
    shared: Weak<Shared<M>>,
    done: bool,
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

#[cfg(all(test, feature = "rpc"))]
mod tests {
    use super::*;
    use crate::runtime::value::Map;

    const MS: Duration = Duration::from_millis(1);

    fn response(rtype: &str, ok: bool, error: Value) -> Value {
        let mut m = Map::new();
        m.insert("ts", 1u64);
        m.insert("etype", rtype);
        m.insert("ok", ok);
        m.insert("error", error);
        Value::Map(m)
    }

    #[test]
    fn rtype_follows_the_spec() {
        assert_eq!(rpc_response_type("GRAB_RENDER", "u-1"), "GRAB_RENDER_RESPONSE@u-1");
    }

    #[tokio::test]
    async fn a_response_resolves_its_request() {
        let rpc = RpcCorrelator::<Value>::new();
        let reply = rpc.expect("RPC_RESPONSE@1", Some(1000 * MS)).unwrap();
        assert!(rpc.is_pending("RPC_RESPONSE@1"));
        let msg = response("RPC_RESPONSE@1", true, Value::Nil);
        assert!(rpc.dispatch(msg.clone()));
        let result = reply.await.unwrap();
        assert_eq!(
            result,
            RpcResult {
                outcome: RpcOutcome::Succeeded,
                message: msg.clone()
            }
        );
        assert!(result.succeeded());
        assert!(rpc.is_empty());
        // A duplicate of the response answers nothing any more.
        assert!(!rpc.dispatch(msg));
    }

    #[tokio::test]
    async fn failures_are_responses_with_their_own_outcome() {
        let rpc = RpcCorrelator::<Value>::new();
        let a = rpc.expect("X_RESPONSE@a", None).unwrap();
        let b = rpc.expect("X_RESPONSE@b", None).unwrap();
        assert!(rpc.dispatch(response("X_RESPONSE@a", false, Value::Nil)));
        assert!(rpc.dispatch(response("X_RESPONSE@b", true, Value::from("boom"))));
        assert_eq!(a.await.unwrap().outcome, RpcOutcome::Failed);
        assert_eq!(b.await.unwrap().outcome, RpcOutcome::Failed);
    }

    #[tokio::test]
    async fn a_timeout_is_its_own_outcome_and_late_responses_are_dropped() {
        let rpc = RpcCorrelator::<Value>::new();
        let reply = rpc.expect("GRAB_RENDER_RESPONSE@u", Some(20 * MS)).unwrap();
        let err = reply.await.unwrap_err();
        assert_eq!(
            err,
            RpcError::Timeout {
                rtype: "GRAB_RENDER_RESPONSE@u".into(),
                timeout: 20 * MS
            }
        );
        assert_eq!(err.to_string(), "no GRAB_RENDER_RESPONSE@u within 20 ms");
        assert!(rpc.is_empty(), "the registration ends with the timeout");
        let late = response("GRAB_RENDER_RESPONSE@u", true, Value::Nil);
        assert_eq!(
            rpc.dispatch_or_return(late.clone()),
            Err(late),
            "a late response is not a pending one"
        );
    }

    #[tokio::test]
    async fn cancel_ends_a_request_with_its_own_outcome() {
        let rpc = RpcCorrelator::<Value>::new();
        let reply = rpc.expect("R_RESPONSE@1", None).unwrap();
        let waiter = tokio::spawn(reply);
        tokio::time::sleep(5 * MS).await;
        assert!(rpc.cancel("R_RESPONSE@1"));
        assert_eq!(
            waiter.await.unwrap(),
            Err(RpcError::Cancelled {
                rtype: "R_RESPONSE@1".into()
            })
        );
        assert!(!rpc.cancel("R_RESPONSE@1"), "nothing pending any more");
        assert!(!rpc.dispatch(response("R_RESPONSE@1", true, Value::Nil)));
    }

    #[tokio::test]
    async fn cancel_all_ends_every_request() {
        let rpc = RpcCorrelator::<Value>::new();
        let replies: Vec<_> = (0..3)
            .map(|i| rpc.expect(format!("R_RESPONSE@{i}"), None).unwrap())
            .collect();
        assert_eq!(rpc.len(), 3);
        rpc.cancel_all();
        assert!(rpc.is_empty());
        for (i, reply) in replies.into_iter().enumerate() {
            assert_eq!(
                reply.await,
                Err(RpcError::Cancelled {
                    rtype: format!("R_RESPONSE@{i}")
                })
            );
        }
    }

    #[tokio::test]
    async fn concurrent_requests_get_their_own_responses() {
        let rpc = RpcCorrelator::<Value>::new();
        let mut waiters = Vec::new();
        for i in 0..50 {
            let reply = rpc
                .expect(rpc_response_type("MJ_STEP", &i.to_string()), Some(5000 * MS))
                .unwrap();
            waiters.push(tokio::spawn(reply));
        }
        let dispatcher = rpc.clone();
        for i in (0..50).rev() {
            let mut m = Map::new();
            m.insert("etype", rpc_response_type("MJ_STEP", &i.to_string()));
            m.insert("data", i);
            assert!(dispatcher.dispatch(Value::Map(m)));
        }
        for (i, w) in waiters.into_iter().enumerate() {
            let result = w.await.unwrap().unwrap();
            assert_eq!(result.message.get("data"), Some(&Value::from(i)));
        }
    }

    #[tokio::test]
    async fn registrations_are_unique_and_withdrawn_on_drop() {
        let rpc = RpcCorrelator::<Value>::new();
        let first = rpc.expect("S_RESPONSE@1", None).unwrap();
        assert_eq!(
            rpc.expect("S_RESPONSE@1", None).unwrap_err(),
            RpcError::AlreadyPending {
                rtype: "S_RESPONSE@1".into()
            }
        );
        assert_eq!(first.rtype(), "S_RESPONSE@1");
        drop(first);
        assert!(rpc.is_empty(), "a dropped future withdraws its registration");
        let again = rpc.expect("S_RESPONSE@1", Some(1000 * MS)).unwrap();
        assert!(rpc.dispatch(response("S_RESPONSE@1", true, Value::Nil)));
        assert!(again.await.unwrap().succeeded());
    }

    #[tokio::test]
    async fn messages_that_are_not_pending_responses_come_back() {
        let rpc = RpcCorrelator::<Value>::new();
        let _reply = rpc.expect("A_RESPONSE@1", None).unwrap();
        let set = {
            let mut m = Map::new();
            m.insert("etype", "SET");
            Value::Map(m)
        };
        assert_eq!(rpc.dispatch_or_return(set.clone()), Err(set));
        assert!(!rpc.dispatch(Value::from(3)), "not a map");
        let mut odd = Map::new();
        odd.insert("etype", 1);
        assert!(!rpc.dispatch(Value::Map(odd)), "etype not a string");
        assert_eq!(rpc.len(), 1);
    }

    #[tokio::test]
    async fn a_response_to_a_dropped_correlator_cancels() {
        let rpc = RpcCorrelator::<Value>::new();
        let reply = rpc.expect("Z_RESPONSE@1", Some(1000 * MS)).unwrap();
        drop(rpc);
        assert_eq!(
            reply.await,
            Err(RpcError::Cancelled {
                rtype: "Z_RESPONSE@1".into()
            })
        );
    }
}
