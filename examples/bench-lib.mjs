// Shared by the library examples' benches (examples/*/bench/bench.mjs): the generated sync API
// side by side with the same API written by hand, with the interleaving and statistics of the
// project's own benches (bench/lib.mjs).
import { join } from "node:path";
import { balancedOrder, pairedRatios, summary } from "../bench/lib.mjs";
import { cli, linkSmartasync } from "./build.mjs";

/** Builds `dir/src` with the Babel plugin (the CLI's default) into `dir/build/bench`. */
export function buildForBench(dir) {
  linkSmartasync(dir);
  const out = join(dir, "build/bench");
  cli(["build", "src", "--out-dir", out], dir);
  return out;
}

/** CPU time of this thread's process in ms (user + system): a file system call is system time. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * `generated` against `hand`: rounds of `n` calls each (about 5 ms of work), the two in a
 * balanced order per round (bench/lib.mjs), after 5 warm-up rounds. Each round is timed in CPU
 * time, not wall time: on a shared machine the wall clock also counts the time another process
 * held the core, which is most of a round when the load is high. Returns ns per call (medians),
 * the median of the per-round ratios generated ÷ hand with its quartiles, and a printable line.
 */
export function benchPair(generated, hand, { quick = false } = {}) {
  const rounds = quick ? 30 : 100;
  const t0 = cpuMs();
  for (let i = 0; i < 200; i++) hand();
  const n = Math.max(20, Math.round(5 / Math.max((cpuMs() - t0) / 200, 1e-4)));
  const arms = [generated, hand];
  const times = [[], []];
  for (let r = -5; r < rounds; r++) {
    for (const k of balancedOrder(2, r)) {
      const f = arms[k];
      const start = cpuMs();
      for (let i = 0; i < n; i++) f();
      if (r >= 0) times[k].push(cpuMs() - start);
    }
  }
  const perCall = (ms) => (summary(ms).median * 1e6) / n;
  const ratio = summary(pairedRatios(times[0], times[1]));
  const gen = perCall(times[0]);
  const hw = perCall(times[1]);
  const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
  return {
    generatedNs: gen,
    handNs: hw,
    ratio: ratio.median,
    q1: ratio.q1,
    q3: ratio.q3,
    rounds,
    callsPerRound: n,
    line: `generated ${us(gen)}  hand-written ${us(hw)}  ratio ${ratio.median.toFixed(3)}× (quartiles ${ratio.q1.toFixed(3)}–${ratio.q3.toFixed(3)})`,
  };
}
