import { runAsWorker } from "synckit";

// A number, or the options object of the payload rows (bench/runtime.mjs).
runAsWorker(async (x) => (typeof x === "number" ? x + 1 : x.id + 1));
