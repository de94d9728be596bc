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
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::oneshot;

use super::value::Value;

mod correlator;
mod pending;
#[cfg(test)]
mod tests;

pub use correlator::RpcCorrelator;
pub use pending::PendingResponse;

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
    /// When the request times out (`None`: never). A response dispatched after it is late, even before the
    /// pending future is polled again (spec §6.3).
    deadline: Option<tokio::time::Instant>,
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
