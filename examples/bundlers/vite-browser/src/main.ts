import { firstLine, later, summary, TextStore } from "./words.js";

const store = new TextStore({
  poem: "roses are red\nviolets are blue",
  note: "smartasync runs here too",
});
const out = document.getElementById("out") as HTMLUListElement;

function show(id: string, text: string): void {
  const item = document.createElement("li");
  item.id = id;
  item.textContent = `${id}: ${text}`;
  out.append(item);
}

/** Sync code: every call gives its value (inline sync variants, no worker). */
function render(): void {
  show("sync", summary(store, "poem"));
  show("first-line", firstLine(store.read("poem")));
  try {
    firstLine(Promise.resolve("a promise"));
  } catch (e) {
    const err = e as Error & { code?: string };
    show("guard", `${err.name} ${err.code}`);
  }
}

/** Async code: awaited calls are the async functions themselves. */
async function renderAsync(): Promise<void> {
  show("async", await summary(store, "note"));
  show("awaited", await later("only awaited"));
  document.title = "done";
}

render();
renderAsync();
