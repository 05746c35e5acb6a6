import { isWorker } from "smartasync/runtime";
import { cli, handler } from "./main.js";

if (!isWorker) {
  cli();
  await handler();
}
