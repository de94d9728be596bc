// The measuring harness of the TypeScript bench (bench/README.md, "Method"): warm-up, calibration, rotating
// round-robin sampling. A sample is the mean time per operation over its iterations, in nanoseconds.

/** Full runs: the method of bench/README.md (a little shorter per sample to keep `npm run bench` brief). */
export const FULL = { warmupS: 0.3, sampleS: 0.25, samples: 9, bigSamples: 7, smoke: false };
/** Smoke runs: a handful of iterations per case, to prove the cases run and their results are right. */
export const SMOKE = { warmupS: 0, sampleS: 0, samples: 2, bigSamples: 2, smoke: true };

let sink; // every result goes here, so that no call can be optimized away
export function consume() {
  return sink;
}

const now = () => Number(process.hrtime.bigint());
const gc = globalThis.gc ?? (() => {});

function timeIters(fn, n) {
  const t0 = now();
  for (let i = 0; i < n; i++) sink = fn();
  return now() - t0;
}

/**
 * Measures the cases of one suite side by side. `cases`: [{ id, fn }]; returns, per case id,
 * { samples_ns: [mean ns/op per round], iters }. Round r runs the cases in an order rotated by r, so that drifts of
 * the machine spread over all cases alike; sample r of every case comes from round r (ratios per round are fair).
 */
export function measureSuite(cases, cfg, { big = false, log = () => {} } = {}) {
  const rounds = big ? cfg.bigSamples : cfg.samples;
  const iters = new Map();
  for (const c of cases) {
    if (cfg.smoke) {
      sink = c.fn();
      iters.set(c.id, 2);
      continue;
    }
    // Warm-up: at least 3 calls, then until warmupS has passed.
    const tEnd = now() + cfg.warmupS * 1e9;
    let calls = 0;
    while (calls < 3 || now() < tEnd) {
      sink = c.fn();
      calls++;
    }
    // Calibration: double the count until a run takes a tenth of a sample, then scale to a full sample.
    let n = 1;
    let t = timeIters(c.fn, n);
    while (t < cfg.sampleS * 1e8 && n < 1 << 30) {
      n *= 2;
      t = timeIters(c.fn, n);
    }
    iters.set(c.id, Math.max(1, Math.round((n * cfg.sampleS * 1e9) / Math.max(t, 1))));
  }
  const samples = new Map(cases.map((c) => [c.id, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length];
      const n = iters.get(c.id);
      gc();
      samples.get(c.id).push(timeIters(c.fn, n) / n);
    }
    log(`  round ${r + 1}/${rounds}`);
  }
  return new Map(cases.map((c) => [c.id, { samples_ns: samples.get(c.id), iters: iters.get(c.id) }]));
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
