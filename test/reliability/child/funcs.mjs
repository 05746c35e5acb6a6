// Functions the reliability suite runs in smartasync workers (registered like generated code does).
import { threadId } from "node:worker_threads";
import { register } from "smartasync/runtime";

export async function add(a, b) {
  return a + b;
}
export function mul(a, b) {
  return a * b;
}
/** Sync, a little CPU work so tasks overlap in the pool. */
export function work(i) {
  let x = 0;
  for (let k = 0; k < 2000 + (i % 7) * 500; k++) x = (x + k * i) % 1_000_003;
  return { i, x, threadId };
}
export async function throws(msg) {
  throw new RangeError(msg);
}
export function throwsSync(msg) {
  throw new RangeError(msg);
}
export async function rejects(msg) {
  return Promise.reject(new TypeError(msg));
}
export async function exits(code) {
  process.exit(code);
}
export function exitsSync(code) {
  process.exit(code);
}
export async function never() {
  await new Promise(() => {});
}
export function spin() {
  for (;;) {}
}
export async function oom() {
  const keep = [];
  for (;;) keep.push(new Array(1_000_000).fill(keep.length));
}
export function oomSync() {
  const keep = [];
  for (;;) keep.push(new Array(1_000_000).fill(keep.length));
}
export async function echo(...args) {
  return args;
}
export function echoSync(...args) {
  return args;
}
class Point {
  constructor(x) {
    this.x = x;
  }
  norm() {
    return Math.abs(this.x);
  }
}
export async function returnFunction() {
  return () => 1;
}
export async function returnInstance() {
  return new Point(2);
}
export async function returnSymbol() {
  return Symbol("s");
}
/** Writes into a SharedArrayBuffer it receives (shared memory is not copied by structured clone). */
export function writeShared(sab, value) {
  new Int32Array(sab)[0] = value;
  return new Int32Array(sab)[0];
}
export async function writeSharedAsync(sab, value) {
  return writeShared(sab, value);
}
/** Receives an ArrayBuffer (copied, not transferred): writes to it stay in the worker. */
export function writeBuffer(buf) {
  new Uint8Array(buf)[0] = 42;
  return buf.byteLength;
}

register(import.meta.url, {
  add,
  mul,
  work,
  throws,
  throwsSync,
  rejects,
  exits,
  exitsSync,
  never,
  spin,
  oom,
  oomSync,
  echo,
  echoSync,
  returnFunction,
  returnInstance,
  returnSymbol,
  writeShared,
  writeSharedAsync,
  writeBuffer,
});
