// Shared by the library examples' benches (examples/*/bench/bench.mjs): the generated sync API
// side by side with the same API written by hand.
import { join } from "node:path";
import { cli } from "./build.mjs";

/** Builds `dir/src` with the Babel plugin (the CLI's default) into `dir/build/bench`. */
export function buildForBench(dir) {
  const out = join(dir, "build/bench");
  cli(["build", "src", "--out-dir", out], dir);
  return out;
}

/** Median of a list of numbers. */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Nanoseconds per call of `f` over `n` calls. */
function time(f, n) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - t) / n;
}

/**
 * `generated` against `hand` in interleaved rounds (A B, B A, …) after a warm-up; returns the
 * medians in ns per call, their ratio (generated ÷ hand) and a printable line.
 */
export function benchPair(generated, hand, { quick = false } = {}) {
  const rounds = quick ? 30 : 100;
  // Calls per round: about 5 ms of work, from a first estimate.
  const estimate = time(hand, 200);
  const n = Math.max(20, Math.round(5e6 / estimate));
  time(generated, n);
  time(hand, n);
  const a = [];
  const b = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2) {
      b.push(time(hand, n));
      a.push(time(generated, n));
    } else {
      a.push(time(generated, n));
      b.push(time(hand, n));
    }
  }
  const gen = median(a);
  const hw = median(b);
  const ratio = gen / hw;
  const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
  return {
    generated: gen,
    hand: hw,
    ratio,
    line: `generated ${us(gen)}  hand-written ${us(hw)}  ratio ${ratio.toFixed(3)}×`,
  };
}
