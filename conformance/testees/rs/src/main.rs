//! `vmp-testee`: the Rust binding's conformance testee on stdin/stdout (see the library's documentation).

use std::io::{self, BufReader, BufWriter};

use vmp_testee::serve;

/// The stack of the thread that answers requests: the JSON reader, the typed-JSON mapping and the checker recurse
/// once per container, and a request may hold a value 512 containers deep.
const STACK_SIZE: usize = 256 * 1024 * 1024;

fn main() {
    // Panics are answered as `Internal`; their default report goes to stderr, which the protocol allows.
    let worker = std::thread::Builder::new()
        .name("testee".to_owned())
        .stack_size(STACK_SIZE)
        .spawn(|| {
            let mut input = BufReader::new(io::stdin().lock());
            let mut output = BufWriter::new(io::stdout().lock());
            serve(&mut input, &mut output)
        });
    let code = match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => 3,
        Err(e) => {
            eprintln!("vmp-protocol testee: cannot start: {e}");
            3
        }
    };
    std::process::exit(code);
}
