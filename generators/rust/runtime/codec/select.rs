//! Message type selection (spec §4.6).

use super::scalars::wrong_type;
use crate::runtime::error::{Error, ErrorKind, Result};
use crate::runtime::schema::Named;
use crate::runtime::value::Value;

/// The message type of a decoded frame (spec §4.6, rules 2 to 5): the frame must be a map with a string `etype`;
/// a catalogued `etype` const selects its type; then a catalogued `etype_pattern` (the responses of GRAB_RENDER,
/// ...); then `RpcResponse` (found in `catalogue` by name) for `{ETYPE}_RESPONSE@{uuid}` etypes and frames with
/// an `ok` entry; else `fallback` (the base `Message`), or, for a spec without one, `InvalidValue` at `etype`.
/// `catalogue` lists the message records in declaration
/// order; the envelopes in it (records whose `event.envelope` is their own name) are not selected by etype.
pub fn select_message(
    value: &Value,
    catalogue: &'static [&'static Named],
    fallback: Option<&'static Named>,
) -> Result<&'static Named> {
    let map = match value {
        Value::Map(map) => map,
        other => return Err(wrong_type("a message (a map)", other)),
    };
    let etype = match map.get("etype") {
        Some(Value::Str(s)) => s.as_str(),
        Some(other) => return Err(wrong_type("a string (etype)", other).in_key("etype")),
        None => return Err(Error::new(ErrorKind::MissingField, "a message needs an etype").in_key("etype")),
    };
    let events = || {
        catalogue.iter().copied().filter_map(|named| match named {
            Named::Record(rec) => rec
                .event
                .as_ref()
                .filter(|e| e.envelope != rec.name)
                .map(|e| (named, e)),
            _ => None,
        })
    };
    if let Some((named, _)) = events().find(|(_, e)| e.etype == Some(etype)) {
        return Ok(named);
    }
    let patterned = events().find(|(_, e)| e.etype.is_none() && e.etype_pattern.is_some_and(|p| p.is_match(etype)));
    if let Some((named, _)) = patterned {
        return Ok(named);
    }
    if response_etype(etype).is_some() || map.contains_key("ok") {
        if let Some(rpc_response) = catalogue.iter().copied().find(|named| named.name() == "RpcResponse") {
            return Ok(rpc_response);
        }
    }
    fallback.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidValue,
            format!("no message type of the spec has the etype {etype:?}"),
        )
        .in_key("etype")
    })
}

/// Splits a response etype `{ETYPE}_RESPONSE@{uuid}` into `(ETYPE, uuid)`, greedily as spec §4.6 says (in
/// `A_RESPONSE@B_RESPONSE@c`, ETYPE is `A_RESPONSE@B`); `None` when the etype is not of that form.
pub fn response_etype(etype: &str) -> Option<(&str, &str)> {
    const MARK: &str = "_RESPONSE@";
    etype
        .rmatch_indices(MARK)
        .map(|(i, _)| (&etype[..i], &etype[i + MARK.len()..]))
        .find(|(head, tail)| !head.is_empty() && !tail.is_empty())
}
