//! The correlator's unit tests (spec §6.3).

use std::time::Duration;

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
async fn a_response_after_the_deadline_is_late_even_before_the_next_poll() {
    let rpc = RpcCorrelator::<Value>::new();
    let reply = rpc.expect("GRAB_RENDER_RESPONSE@v", Some(20 * MS)).unwrap();
    // Nobody polls the future while the clock passes the deadline.
    std::thread::sleep(30 * MS);
    let late = response("GRAB_RENDER_RESPONSE@v", true, Value::Nil);
    assert_eq!(
        rpc.dispatch_or_return(late.clone()),
        Err(late),
        "past its deadline the request has timed out"
    );
    assert_eq!(
        reply.await.unwrap_err(),
        RpcError::Timeout {
            rtype: "GRAB_RENDER_RESPONSE@v".into(),
            timeout: 20 * MS
        }
    );
    assert!(rpc.is_empty());
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
