/**
 * The typed-array classes of the language (each a subclass of `%TypedArray%`), the one list the
 * rules that name them read: a typed array reads the elements of what it is built from as
 * numbers at once and gives none back (keepers.ts `readsElements`, SA210), and its instances have
 * no `then` (return-type.ts, a declared return type). `Float16Array` is Node 22's (behind a flag
 * before): where it is missing, a call of it throws, which no rule needs to tell apart.
 * `test/core/typed-arrays.test.ts` checks the list against the running Node. No imports: a leaf.
 */
export const TYPED_ARRAYS: readonly string[] = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
];
