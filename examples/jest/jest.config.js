// Jest with smartasync: TypeScript and JavaScript compiled by smartasync/jest (SWC).
export default {
  transform: { "\\.[cm]?[jt]sx?$": "smartasync/jest" },
  // smartasync/runtime is an ES module: let the transformer compile it to CommonJS for Jest.
  transformIgnorePatterns: ["/node_modules/(?!smartasync/)"],
  // TypeScript's ESM imports name `./x.js` for `./x.ts`.
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
};
