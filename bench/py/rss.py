"""Peak memory of W3 decode (bench/README.md): ``decode <view|copy> <file>`` loads a W3 frame (written by
bench/ts/rss.mjs), decodes it and prints {frame_bytes, base_peak_kb, peak_kb, delta_kb, ...} as JSON."""

from __future__ import annotations

import gc
import json
import resource
import sys

from vmp_protocol import UpdateEvent


def main() -> int:
    mode, path = sys.argv[2], sys.argv[3]
    with open(path, "rb") as f:
        frame = f.read()
    gc.collect()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    m = UpdateEvent.from_msgpack(frame, copy=mode == "copy")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    arr = m.data.nodes[0].extra["points"]
    out = {
        "lang": "py",
        "mode": mode,
        "frame_bytes": len(frame),
        "view": not arr.flags.writeable,  # views of the (bytes) frame are read-only
        "base_peak_kb": base,
        "peak_kb": peak,
        "delta_kb": peak - base,
        "elements": int(arr.size),
    }
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
