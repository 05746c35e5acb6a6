// Jest with smartasync: TypeScript and JavaScript compiled by smartasync/jest (SWC).
// smartasync/runtime is CommonJS for `require` (what Jest's CommonJS mode loads), so nothing in
// node_modules needs compiling: Jest's default transformIgnorePatterns stay.
export default {
  transform: { "\\.[cm]?[jt]sx?$": "smartasync/jest" },
  // TypeScript's ESM imports name `./x.js` for `./x.ts`.
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
};
