// piscina and tinypool call the default export with the task.
// A number, or the options object of the payload rows (bench/runtime.mjs).
export default function inc(x) {
  return typeof x === "number" ? x + 1 : x.id + 1;
}
