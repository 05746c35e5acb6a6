// piscina and tinypool call the default export with the task.
export default function inc(x) {
  return x + 1;
}
