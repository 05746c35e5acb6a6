import { isWorker, smartasync } from "smartasync/runtime";

export const fetchName = smartasync(async (id: number): Promise<string> => {
  const n = await new Promise<string>((r) => setTimeout(() => r(`remote ${id}`), 5));
  return n;
});
export const hash = smartasync((s: string): number => s.length * 7);

async function main(): Promise<void> {
  console.log(fetchName.sync(2), hash(`abc`), hash.sync("ab"));
  console.log(await fetchName(1), await fetchName.async(4), await hash.async("x"));
  try {
    const n: string = fetchName(3);
    console.log(n.length);
  } catch (e) {
    console.log((e as Error).message);
  }
}
if (!isWorker) await main();
