// The cost of making an object literal with annotated methods, as compiled: a factory whose
// object has two annotated async methods (the shape of fixture methods/object-returned), marked
// only (the output before its variants were made not enumerable), marked and hidden (`_sa.hide`,
// the output now), and the same literal by hand (both methods and their sync twins, no marker).
// Also the cost of a call of a variant on an object so made (a hidden property is read as fast).
// Run: node bench/object-literal.mjs (needs dist/: npm run build). Rounds interleaved, median.
import * as sa from "../dist/runtime/index.js";
import { machine } from "./lib.mjs";

const plain = (base) => ({
  async search(x) {
    return base + x;
  },
  searchSync(x) {
    return base + x;
  },
  async load(x) {
    return base + x;
  },
  loadSync(x) {
    return base + x;
  },
});
const literal = (base) => ({
  async search(x) {
    return base + x;
  },
  searchSync(x) {
    return base + x;
  },
  async load(x) {
    return base + x;
  },
  loadSync(x) {
    return base + x;
  },
});
const literal2 = (base) => ({
  async search(x) {
    return base + x;
  },
  searchSync(x) {
    return base + x;
  },
  async load(x) {
    return base + x;
  },
  loadSync(x) {
    return base + x;
  },
});
// The wrapper the compiler writes around a returned literal (`(_o => (mark…, _o))({ … })`), as
// statements: the same calls in the same order.
const marked = (base) => {
  const o = literal(base);
  sa.mark(o.search, { kind: "async", sync: o.searchSync });
  sa.mark(o.load, { kind: "async", sync: o.loadSync });
  return o;
};
const hidden = (base) => {
  const o = literal2(base);
  sa.hide(o, "searchSync", "loadSync");
  sa.mark(o.search, { kind: "async", sync: o.searchSync });
  sa.mark(o.load, { kind: "async", sync: o.loadSync });
  return o;
};

const rows = { "by hand (no marker)": plain, "marked (before)": marked, "marked and hidden (now)": hidden };
let sink = 0;
const make = (f, n) => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += f(i).loadSync(1);
  return Number(process.hrtime.bigint() - t) / n;
};
const use = (f, n) => {
  const objs = Array.from({ length: 64 }, (_, i) => f(i));
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += objs[i & 63].loadSync(i);
  return Number(process.hrtime.bigint() - t) / n;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const f of Object.values(rows)) make(f, 200_000);
const out = Object.fromEntries(Object.keys(rows).map((k) => [k, { make: [], use: [] }]));
for (let r = 0; r < 15; r++)
  for (const [k, f] of r % 2 ? Object.entries(rows).reverse() : Object.entries(rows)) {
    out[k].make.push(make(f, 100_000));
    out[k].use.push(use(f, 2_000_000));
  }
console.log(JSON.stringify(machine()));
for (const [k, v] of Object.entries(out))
  console.log(
    `${k.padEnd(26)} make ${median(v.make).toFixed(0).padStart(5)} ns   call of loadSync ${median(v.use).toFixed(1)} ns`,
  );
if (sink === 0) console.log("");
