//! The measuring harness of the Rust bench (bench/README.md, "Method"), the same as bench/ts/harness.mjs: warm-up,
//! calibration, rotating round-robin sampling. A sample is the mean time per operation over its iterations, in ns.
//! Rust has no GC, so nothing runs between samples.

use std::hint::black_box;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub warmup_s: f64,
    pub sample_s: f64,
    pub samples: usize,
    pub big_samples: usize,
    pub smoke: bool,
}

/// Full runs: the method of bench/README.md (as the TypeScript bench).
pub const FULL: Config = Config { warmup_s: 0.3, sample_s: 0.25, samples: 9, big_samples: 7, smoke: false };
/// Smoke runs: a handful of iterations per case, to prove the cases run and their results are right.
pub const SMOKE: Config = Config { warmup_s: 0.0, sample_s: 0.0, samples: 2, big_samples: 2, smoke: true };

/// Runs an operation `n` times; every result goes through `black_box`, so that no call can be optimized away.
pub type Runner<'a> = Box<dyn FnMut(u64) + 'a>;

/// Wraps an operation into a [`Runner`] whose loop is monomorphized for it (no indirect call per iteration).
pub fn runner<'a, R, F: FnMut() -> R + 'a>(mut f: F) -> Runner<'a> {
    Box::new(move |n| {
        for _ in 0..n {
            black_box(f());
        }
    })
}

fn time_iters(run: &mut Runner<'_>, n: u64) -> f64 {
    let t0 = Instant::now();
    run(black_box(n));
    t0.elapsed().as_nanos() as f64
}

pub struct Measured {
    pub samples_ns: Vec<f64>,
    pub iters: u64,
}

/// Measures the cases of one suite side by side. Round r runs the cases in an order rotated by r, so that drifts of
/// the machine spread over all cases alike; sample r of every case comes from round r (ratios per round are fair).
pub fn measure_suite(runs: &mut [Runner<'_>], cfg: &Config, big: bool, log: &dyn Fn(&str)) -> Vec<Measured> {
    let rounds = if big { cfg.big_samples } else { cfg.samples };
    let mut iters = vec![0u64; runs.len()];
    for (i, run) in runs.iter_mut().enumerate() {
        if cfg.smoke {
            run(1);
            iters[i] = 2;
            continue;
        }
        // Warm-up: at least 3 calls, then until warmup_s has passed.
        let t_end = Instant::now() + Duration::from_secs_f64(cfg.warmup_s);
        let mut calls = 0;
        while calls < 3 || Instant::now() < t_end {
            run(1);
            calls += 1;
        }
        // Calibration: double the count until a run takes a tenth of a sample, then scale to a full sample.
        let mut n: u64 = 1;
        let mut t = time_iters(run, n);
        while t < cfg.sample_s * 1e8 && n < 1 << 30 {
            n *= 2;
            t = time_iters(run, n);
        }
        iters[i] = ((n as f64 * cfg.sample_s * 1e9) / t.max(1.0)).round().max(1.0) as u64;
    }
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); runs.len()];
    let k = runs.len();
    for r in 0..rounds {
        for j in 0..k {
            let c = (j + r) % k;
            let n = iters[c];
            let t = time_iters(&mut runs[c], n);
            samples[c].push(t / n as f64);
        }
        if !cfg.smoke {
            log(&format!("  round {}/{}", r + 1, rounds));
        }
    }
    samples
        .into_iter()
        .zip(iters)
        .map(|(samples_ns, iters)| Measured { samples_ns, iters })
        .collect()
}

pub fn median(xs: &[f64]) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        (s[m - 1] + s[m]) / 2.0
    }
}
