import assert from "node:assert/strict";
import {
  checkParameterValue,
  describeParameterType,
  injectedParametersSource,
  injectParameters,
  parameterFromText,
  resolveParameters,
} from "./parameters.ts";
import { expandGrid } from "./grid.ts";
import { csvText } from "./csv.ts";
import { flattenRecord } from "./record.ts";

// Each failed inside before ("Cannot use 'in' operator to search for 'array' in undefined",
// "declared.map is not a function", "axes is not iterable", "rows is not iterable").
Deno.test("the sweep helpers name an argument of the wrong kind", () => {
  const type =
    'a parameter type ("number", "string", "boolean", { array: type } or { object: { name: type } })';
  const cases: [() => unknown, string][] = [
    [
      () => checkParameterValue("lr", "__proto__" as never, 1),
      `Cannot set a parameter: type must be ${type}, current value is "__proto__"`,
    ],
    [
      () => parameterFromText("lr", "number", undefined as never),
      "Cannot set a parameter: text must be a string, current value is undefined",
    ],
    [
      () => describeParameterType({ array: "x" } as never),
      `Cannot describe the parameter type: type must be ${type}, current value is {"array":"x"}`,
    ],
    [
      () => injectParameters(null as never, {}),
      "Cannot set parameters: notebook must be an object, current value is null",
    ],
    [
      () => injectedParametersSource("__proto__" as never, {}),
      'Cannot write the parameters: declared must be an array, current value is "__proto__"',
    ],
    [
      () => resolveParameters([], null as never),
      "Cannot set parameters: given must be an object, current value is null",
    ],
    [
      () => expandGrid(-1 as never),
      "Cannot expand the grid: axes must be an array of { name, values }, current value is -1",
    ],
    [
      () => csvText([{ a: 1 }, 5] as never),
      "Cannot write the CSV: rows[1] must be a record, current value is 5",
    ],
    [
      () => flattenRecord(undefined as never),
      "Cannot flatten the record: it must be a stored record (from readRecords), current value is undefined",
    ],
  ];
  for (const [call, message] of cases) assert.throws(call, new TypeError(message));
  // A parameter named like an Object.prototype member is not taken as given.
  assert.equal(
    injectedParametersSource([{ name: "constructor", keyword: "const" } as never], {}),
    "// Parameters of this run (the defaults are in the cell above).",
  );
});
