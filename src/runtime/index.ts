// `import "smartasync/runtime"`: the ES module face of the Node runtime, which is CommonJS
// (index.cjs; browser builds get browser.js instead). It requires that file and hands out its
// exports, so a program that both imports and requires the runtime (ES modules beside CommonJS
// output, a CommonJS dependency, Jest) has one runtime: one configuration, one blocking worker,
// one pool per thread. The exports are the very functions of index.cjs, as plain bindings (no
// getters); test/runtime/faces.test.ts checks that both faces list the same names.
import { createRequire } from "node:module";
import type * as Runtime from "./index.cjs";

const rt: typeof Runtime = createRequire(import.meta.url)("./index.cjs");

export type {
  Both,
  MarkOptions,
  SmartAsync,
  SmartAsyncMarker,
  SmartAsyncOptions,
  SyncMethods,
  TypedForm,
} from "./index.cjs";

export const SMARTASYNC: typeof Runtime.SMARTASYNC = rt.SMARTASYNC;
export const OF: typeof Runtime.OF = rt.OF;
export const isWorker: boolean = rt.isWorker;
export const {
  mark,
  getMarker,
  isSmartAsync,
  callSync,
  callAsync,
  callSyncOf,
  callAsyncOf,
  via,
  ownVariant,
  ownVariantOf,
  hide,
  spreadOf,
  keyOf,
  viaOf,
  viaFn,
  bound,
  syncMethods,
  callVariant,
  pickVariant,
  canBlock,
  sleepSync,
  configure,
  register,
  runSync,
  offload,
  shutdown,
  allSync,
  caught,
  failed,
  attempt,
  attemptCall,
  calling,
  allOf,
  mapSync,
  mapLimitSync,
  limited,
  plainArray,
  allDone,
  pMapLoop,
  mapDone,
  expectValue,
  guard,
  started,
  rethrowGuard,
  settle,
  settleCall,
  syncElements,
  twinData,
  twinPath,
  twinVia,
  twinSame,
  twinOptions,
  later,
  settled,
  explicit,
  typed,
  smartasync,
} = rt;
