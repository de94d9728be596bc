//! Framing: a 4-byte little-endian length, then that many bytes of UTF-8 JSON, both ways; and the loop that
//! answers request frames until `quit` or the end of input.

use std::io::{self, Read, Write};

use crate::json::{parse_json, Json};
use crate::ops::{error_json, handle};

/// Frames are at most 64 MiB, both ways.
pub const MAX_FRAME: usize = 64 * 1024 * 1024;

/// Reads one request frame's body; `Ok(None)` at a clean end of input.
pub(crate) fn read_frame(input: &mut impl Read) -> Result<Option<Vec<u8>>, String> {
    let mut head = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match input.read(&mut head[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(format!("input ended inside a frame header ({got} bytes)")),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read stdin: {e}")),
        }
    }
    let n = u32::from_le_bytes(head) as usize;
    if n > MAX_FRAME {
        return Err(format!("request frame of {n} bytes is over the limit of {MAX_FRAME}"));
    }
    let mut body = vec![0u8; n];
    input
        .read_exact(&mut body)
        .map_err(|e| format!("input ended inside a frame of {n} bytes: {e}"))?;
    Ok(Some(body))
}

fn write_frame(output: &mut impl Write, body: &str) -> io::Result<()> {
    let n = u32::try_from(body.len()).map_err(|_| io::Error::other("response frame over 4 GiB"))?;
    output.write_all(&n.to_le_bytes())?;
    output.write_all(body.as_bytes())?;
    output.flush()
}

/// The protocol loop: returns the exit code (0 on quit or end of input, 2 on a broken stream).
pub fn serve(input: &mut impl Read, output: &mut impl Write) -> i32 {
    loop {
        let body = match read_frame(input) {
            Ok(Some(body)) => body,
            Ok(None) => return 0,
            Err(e) => {
                eprintln!("vmp-protocol testee: {e}");
                return 2;
            }
        };
        let response = match std::str::from_utf8(&body) {
            Err(e) => error_json("BadRequest", None, &format!("the request is not UTF-8: {e}")),
            Ok(text) => {
                if is_quit(text) {
                    return 0;
                }
                let mut response = handle(text);
                if response.len() > MAX_FRAME {
                    response = error_json(
                        "Internal",
                        None,
                        &format!("response of {} bytes is over the frame limit", response.len()),
                    );
                }
                response
            }
        };
        if let Err(e) = write_frame(output, &response) {
            eprintln!("vmp-protocol testee: cannot write stdout: {e}");
            return 2;
        }
    }
}

/// Whether a request is `{"op": "quit"}`.
fn is_quit(text: &str) -> bool {
    matches!(parse_json(text), Ok(ref r) if r.get("op") == Some(&Json::Str("quit".to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(text: &str) -> Vec<u8> {
        let mut out = (text.len() as u32).to_le_bytes().to_vec();
        out.extend_from_slice(text.as_bytes());
        out
    }

    fn responses(mut bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(body) = read_frame(&mut bytes).unwrap() {
            out.push(String::from_utf8(body).unwrap());
        }
        out
    }

    #[test]
    fn the_loop_answers_in_order_and_stops_on_quit() {
        let mut input = frame(r#"{"op":"hello"}"#);
        input.extend(frame(r#"{"op":"fly"}"#));
        input.extend(frame(
            r#"{"op":"decode","type":"any","hex":"c0","options":{"lossy":true}}"#,
        ));
        input.extend(frame(r#"{"op":"decode","type":"NoSuchType","hex":"c0"}"#));
        input.extend(frame(r#"{"op":"encode","type":"any","value":{"$what":1}}"#));
        input.extend(frame("[1]"));
        input.extend(frame(r#"{"op":"quit"}"#));
        input.extend(frame(r#"{"op":"hello"}"#));
        let mut output = Vec::new();
        assert_eq!(serve(&mut input.as_slice(), &mut output), 0);
        let got = responses(&output);
        assert_eq!(got.len(), 6, "{got:?}");
        let hello = format!(
            r#"{{"ok":true,"name":"vmp-protocol","version":"{}","ops":["decode","encode","reencode","validate"]}}"#,
            vmp_protocol::VERSION
        );
        assert_eq!(got[0], hello);
        assert_eq!(got[1], r#"{"ok":false,"skipped":"unknown op \"fly\""}"#);
        assert_eq!(got[2], r#"{"ok":false,"skipped":"option lossy is not supported"}"#);
        assert!(
            got[3].starts_with(r#"{"ok":false,"error":{"kind":"BadRequest","message":"unknown type"#),
            "{}",
            got[3]
        );
        assert!(got[4].starts_with(r#"{"ok":false,"error":{"kind":"BadRequest","message":"unknown typed-JSON tag"#));
        assert!(got[5].starts_with(r#"{"ok":false,"error":{"kind":"BadRequest""#));
    }

    #[test]
    fn a_broken_stream_ends_with_code_2() {
        let mut output = Vec::new();
        assert_eq!(serve(&mut &[1u8, 0][..], &mut output), 2, "end inside a header");
        let mut input = frame(r#"{"op":"hello"}"#);
        input.truncate(input.len() - 1);
        assert_eq!(serve(&mut input.as_slice(), &mut output), 2, "end inside a body");
        let over = ((MAX_FRAME + 1) as u32).to_le_bytes();
        assert_eq!(serve(&mut &over[..], &mut output), 2, "a frame over 64 MiB");
        assert!(output.is_empty());
        assert_eq!(serve(&mut &[][..], &mut output), 0, "a clean end of input");
    }
}
