// Never imported by a worker: no code in the test registers this module.
globalThis.evilRan = true;
export const x = () => "evil";
