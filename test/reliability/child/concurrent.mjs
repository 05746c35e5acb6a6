// 200 concurrent offload calls with a pool of 2: each promise resolves to its own input's result.
import { configure, offload } from "smartasync/runtime";
import { work } from "./funcs.mjs";

configure({ poolSize: 2 });
const url = new URL("./funcs.mjs", import.meta.url).href;
const n = Number(process.argv[2] ?? 200);
const promises = Array.from({ length: n }, (_, i) => offload(url, "work", [i]));
const got = await Promise.all(promises);
let wrong = 0;
const threads = new Set();
got.forEach((r, i) => {
  const want = work(i);
  if (r.i !== i || r.x !== want.x) wrong++;
  threads.add(r.threadId);
});
console.log(JSON.stringify({ calls: n, wrong, threads: threads.size }));
