import { checkCall } from "../_checks.ts";
/**
 * A notebook's parameters: the cell tagged `parameters` (as papermill marks it) declares each one
 * with a literal default, `const lr = 0.05;`. Those defaults give every parameter its type, so a
 * value from a command line, a JSON/YAML file or a grid is typed as the default is, and a run
 * injects one cell after the defaults that declares the given values again.
 *
 * @module
 */

/** A parameter's type, read from its default: a scalar, an array or an object of them. */
export type ParameterType =
  | "number"
  | "string"
  | "boolean"
  | { array: ParameterType }
  | { object: Record<string, ParameterType> };

/** A parameter value: JSON without null. */
export type ParameterValue =
  | number
  | string
  | boolean
  | ParameterValue[]
  | { [key: string]: ParameterValue };

/** One declared parameter. */
export interface ParameterDeclaration {
  /** The variable's name. */
  name: string;
  /** `const` or `let`, as declared (the injected cell declares it the same way). */
  keyword: "const" | "let";
  /** The default value. */
  value: ParameterValue;
  /** Its type. */
  type: ParameterType;
  /** The 1-based line of the declaration in the cell. */
  line: number;
}

/** The tag that marks the defaults cell. */
export const PARAMETERS_TAG = "parameters";

/** The tag of the cell a run injects after it. */
export const INJECTED_PARAMETERS_TAG = "injected-parameters";

/**
 * The parameter every notebook accepts whether it declares it or not: the profile (`fast` or
 * `full`), which a run passes to the kernel as `MINIMA_PROFILE` so `byProfile` picks it.
 */
export const PROFILE_PARAMETER = "profile";

/**
 * Reads the declarations of a parameters cell: `const` or `let` declarations whose initializers
 * are literals (numbers, strings, booleans, and arrays or objects of them), with optional type
 * annotations, `as const`, semicolons and comments. Anything else is an error naming the line,
 * because a value computed in the cell would not follow an injected parameter.
 *
 * @example
 * ```ts
 * import { parseParametersCell } from "minima";
 * import assert from "node:assert/strict";
 *
 * const params = parseParametersCell('const lr = 0.05; // step size\nlet widths: number[] = [8, 16];');
 * assert.deepEqual(params.map((p) => [p.name, p.value]), [["lr", 0.05], ["widths", [8, 16]]]);
 * assert.deepEqual(params[1].type, { array: "number" });
 * ```
 *
 * @param source The cell's source.
 * @returns The declarations, in order.
 */
export function parseParametersCell(source: string): ParameterDeclaration[] {
  checkCall("parseParametersCell", arguments);
  if (typeof source !== "string") {
    throw new TypeError(
      `Cannot read the parameters cell: source must be a string, current value is ${
        JSON.stringify(source)
      }`,
    );
  }
  const reader = new Reader(source);
  const declarations: ParameterDeclaration[] = [];
  const seen = new Set<string>();
  for (reader.skip(); !reader.done(); reader.skip()) {
    const line = reader.line();
    const keyword = reader.word();
    if (keyword !== "const" && keyword !== "let") {
      reader.fail(
        `expected a const or let declaration, found ${reader.preview(keyword)}; the parameters ` +
          "cell may hold only declarations with literal values (compute derived values in a later cell)",
      );
    }
    do {
      reader.skip();
      const declLine = reader.line();
      const name = reader.word();
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
        reader.fail(`expected a variable name after ${keyword}, found ${reader.preview(name)}`);
      }
      if (seen.has(name)) reader.fail(`${name} is declared twice`);
      seen.add(name);
      reader.skip();
      if (reader.peek() === ":") reader.skipTypeAnnotation();
      reader.skip();
      if (reader.peek() !== "=") {
        reader.fail(`${name} has no default value; give it a literal, e.g. ${keyword} ${name} = 1`);
      }
      reader.next();
      reader.skip();
      const valueStart = reader.pos;
      const value = reader.literal(name);
      const after = reader.source.slice(reader.pos).split("\n")[0].trim();
      if (after !== "" && !/^(;|,|as\s|\/\/|\/\*)/.test(after)) {
        reader.pos = valueStart;
        reader.notLiteral(name);
      }
      reader.skip();
      if (reader.source.startsWith("as", reader.pos) && /\s/.test(reader.source[reader.pos + 2])) {
        reader.pos += 2;
        reader.skip();
        if (reader.word() !== "const") reader.fail(`only "as const" may follow ${name}'s value`);
        reader.skip();
      }
      declarations.push({
        name,
        keyword: keyword as "const" | "let",
        value,
        type: typeOf(value, name, declLine),
        line: declLine,
      });
    } while (reader.peek() === "," && reader.next());
    reader.skip();
    if (reader.peek() === ";") reader.next();
    else if (!reader.done() && reader.line() === line) {
      reader.fail(`expected ";" or a new line, found ${reader.preview(reader.peek())}`);
    }
  }
  return declarations;
}

/**
 * The type of a parameter's default, or an error when it cannot be typed (an empty array, an
 * array mixing types, null).
 *
 * @param value The default.
 * @param name The parameter, for messages.
 * @param line The line, for messages.
 * @returns Its type.
 */
function typeOf(value: ParameterValue, name: string, line: number): ParameterType {
  const where = `Cannot read the parameters cell: line ${line}: ${name}`;
  if (typeof value === "number") return "number";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  if (Array.isArray(value)) {
    if (value.length === 0) {
      throw new TypeError(
        `${where} is an empty array, whose element type cannot be told; give at least one element`,
      );
    }
    const types = value.map((v) => typeOf(v, name, line));
    const first = JSON.stringify(types[0]);
    if (types.some((t) => JSON.stringify(t) !== first)) {
      throw new TypeError(`${where} mixes element types; every element must have the same type`);
    }
    return { array: types[0] };
  }
  const object: Record<string, ParameterType> = {};
  for (const [k, v] of Object.entries(value)) object[k] = typeOf(v, `${name}.${k}`, line);
  return { object };
}

/**
 * Describes a parameter type in TypeScript terms, e.g. `number[]`, `{ a: number }`.
 *
 * @example
 * ```ts
 * import { describeParameterType } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal(describeParameterType({ array: "number" }), "number[]");
 * ```
 *
 * @param type The type.
 * @returns Its description.
 */
export function describeParameterType(type: ParameterType): string {
  checkCall("describeParameterType", arguments);
  checkArguments("Cannot describe the parameter type", [["type", type, "type"]]);
  if (typeof type === "string") return type;
  if ("array" in type) return `${describeParameterType(type.array)}[]`;
  return `{ ${
    Object.entries(type.object).map(([k, t]) => `${k}: ${describeParameterType(t)}`).join("; ")
  } }`;
}

/**
 * Checks that a value has a parameter's type (JSON values: numbers stay numbers, no strings that
 * look like numbers), and returns it.
 *
 * @example
 * ```ts
 * import { checkParameterValue } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checkParameterValue("lr", "number", 0.1), 0.1);
 * assert.throws(() => checkParameterValue("lr", "number", "0.1"), /expected number, got "0.1"/);
 * ```
 *
 * @param name The parameter, for messages.
 * @param type Its type.
 * @param value The value.
 * @returns The value.
 */
export function checkParameterValue(
  name: string,
  type: ParameterType,
  value: unknown,
): ParameterValue {
  checkCall("checkParameterValue", arguments);
  checkArguments("Cannot set a parameter", [["name", name, "string"], ["type", type, "type"]]);
  const fail = (): never => {
    throw new TypeError(
      `Cannot set parameter ${name}: expected ${describeParameterType(type)}, got ${
        preview(value)
      }`,
    );
  };
  if (type === "number") {
    if (typeof value !== "number" || !Number.isFinite(value)) fail();
  } else if (type === "string") {
    if (typeof value !== "string") fail();
  } else if (type === "boolean") {
    if (typeof value !== "boolean") fail();
  } else if ("array" in type) {
    if (!Array.isArray(value)) fail();
    (value as unknown[]).forEach((v, i) => checkParameterValue(`${name}[${i}]`, type.array, v));
  } else {
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail();
    const given = value as Record<string, unknown>;
    for (const key of Object.keys(given)) {
      if (!(key in type.object)) {
        throw new TypeError(
          `Cannot set parameter ${name}: unknown key ${key}; its keys are ${
            Object.keys(type.object).join(", ")
          }`,
        );
      }
    }
    for (const [key, t] of Object.entries(type.object)) {
      if (!(key in given)) {
        throw new TypeError(`Cannot set parameter ${name}: the key ${key} is missing`);
      }
      checkParameterValue(`${name}.${key}`, t, given[key]);
    }
  }
  return value as ParameterValue;
}

/**
 * Types a value written as text (a command line's `-p lr=0.05`, a grid's `0.01,0.02`) as the
 * parameter's default is typed: a number parses as a number, `true`/`false` as a boolean, a
 * string stays as given, arrays and objects are JSON.
 *
 * @example
 * ```ts
 * import { parameterFromText } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parameterFromText("lr", "number", "0.05"), 0.05);
 * assert.deepEqual(parameterFromText("widths", { array: "number" }, "[8, 16]"), [8, 16]);
 * assert.throws(() => parameterFromText("lr", "number", "fast"), /expected number/);
 * ```
 *
 * @param name The parameter, for messages.
 * @param type Its type.
 * @param text The text.
 * @returns The typed value.
 */
export function parameterFromText(name: string, type: ParameterType, text: string): ParameterValue {
  checkCall("parameterFromText", arguments);
  checkArguments("Cannot set a parameter", [
    ["name", name, "string"],
    ["type", type, "type"],
    ["text", text, "string"],
  ]);
  if (type === "string") return text;
  if (type === "number") {
    const t = text.trim().replace(/_/g, "");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
      throw new TypeError(`Cannot set parameter ${name}: expected number, got ${preview(text)}`);
    }
    return Number(t);
  }
  if (type === "boolean") {
    const t = text.trim();
    if (t !== "true" && t !== "false") {
      throw new TypeError(
        `Cannot set parameter ${name}: expected boolean (true or false), got ${preview(text)}`,
      );
    }
    return t === "true";
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TypeError(
      `Cannot set parameter ${name}: expected ${describeParameterType(type)} written as JSON, got ${
        preview(text)
      }`,
    );
  }
  return checkParameterValue(name, type, parsed);
}

/** Options for {@linkcode resolveParameters}. */
export interface ResolveParametersOptions {
  /**
   * The given values are text (from a command line) to be typed by the declared defaults.
   * @default {false}
   */
  fromText?: boolean;
  /** The notebook's name, for messages. */
  notebook?: string;
}

/**
 * Checks given parameters against the declared ones: every name must be declared (the error
 * lists the known ones) and every value typed as its default. `profile` is always accepted
 * (`fast` or `full`), declared or not.
 *
 * @example
 * ```ts
 * import { parseParametersCell, resolveParameters } from "minima";
 * import assert from "node:assert/strict";
 *
 * const declared = parseParametersCell("const lr = 0.1;\nconst seed = 0;");
 * assert.deepEqual(resolveParameters(declared, { lr: "0.05" }, { fromText: true }), { lr: 0.05 });
 * assert.throws(() => resolveParameters(declared, { eta: 1 }), /unknown parameter eta; the notebook declares lr, seed/);
 * ```
 *
 * @param declared The notebook's declarations.
 * @param given The given values (text when `fromText`).
 * @param options `fromText`: the values are strings to type; `notebook`: its name for messages.
 * @returns The typed values.
 */
export function resolveParameters(
  declared: readonly ParameterDeclaration[],
  given: Record<string, unknown>,
  options: ResolveParametersOptions = {},
): Record<string, ParameterValue> {
  checkCall("resolveParameters", arguments);
  checkArguments("Cannot set parameters", [["declared", declared, "array"], [
    "given",
    given,
    "object",
  ]]);
  const byName = new Map(declared.map((d) => [d.name, d]));
  const out: Record<string, ParameterValue> = {};
  for (const [name, value] of Object.entries(given)) {
    const declaration = byName.get(name);
    if (!declaration && name !== PROFILE_PARAMETER) {
      const known = [...byName.keys(), ...(byName.has(PROFILE_PARAMETER) ? [] : ["profile"])];
      throw new TypeError(
        `Cannot set parameters${options.notebook ? ` of ${options.notebook}` : ""}: unknown ` +
          `parameter ${name}; the notebook declares ${known.join(", ")}`,
      );
    }
    const type = declaration?.type ?? "string";
    const typed = options.fromText && typeof value === "string"
      ? parameterFromText(name, type, value)
      : checkParameterValue(name, type, value);
    if (name === PROFILE_PARAMETER && typed !== "fast" && typed !== "full") {
      throw new TypeError(
        `Cannot set parameter profile: expected "fast" or "full", got ${preview(typed)}`,
      );
    }
    out[name] = typed;
  }
  return out;
}

/**
 * The source of the cell a run injects after the defaults: the given values declared again, in
 * the order and with the keyword of their declarations.
 *
 * @example
 * ```ts
 * import { injectedParametersSource, parseParametersCell } from "minima";
 * import assert from "node:assert/strict";
 *
 * const declared = parseParametersCell('const lr = 0.1;\nconst name = "a";');
 * assert.match(injectedParametersSource(declared, { lr: 0.05 }), /^const lr = 0\.05;$/m);
 * ```
 *
 * @param declared The notebook's declarations.
 * @param values The typed values (from {@linkcode resolveParameters}).
 * @returns The cell's source.
 */
export function injectedParametersSource(
  declared: readonly ParameterDeclaration[],
  values: Record<string, ParameterValue>,
): string {
  checkCall("injectedParametersSource", arguments);
  checkArguments("Cannot write the parameters", [["declared", declared, "array"], [
    "values",
    values,
    "object",
  ]]);
  const lines = declared.filter((d) => Object.hasOwn(values, d.name)).map((d) =>
    `${d.keyword} ${d.name} = ${JSON.stringify(values[d.name])};`
  );
  return ["// Parameters of this run (the defaults are in the cell above).", ...lines].join("\n");
}

/** A notebook as stored (.ipynb JSON), the parts parameters need. */
export interface NotebookJson {
  /** The cells: their type, source (one string or lines) and metadata (tags). */
  cells: { cell_type: string; source: string | string[]; metadata?: Record<string, unknown> }[];
  /** The rest of the notebook (metadata, nbformat), kept as it is. */
  [key: string]: unknown;
}

/**
 * Finds the cell tagged `parameters` and reads its declarations.
 *
 * @example
 * ```ts
 * import { notebookParameters } from "minima";
 * import assert from "node:assert/strict";
 *
 * const nb = { cells: [{ cell_type: "code", metadata: { tags: ["parameters"] }, source: ["const lr = 0.1;\n"] }] };
 * assert.equal(notebookParameters(nb).declarations[0].name, "lr");
 * assert.throws(() => notebookParameters({ cells: [] }, "a.ipynb"), /no cell tagged "parameters"/);
 * ```
 *
 * @param notebook The notebook.
 * @param name The notebook's name, for messages.
 * @returns The cell's index and its declarations.
 */
export function notebookParameters(
  notebook: NotebookJson,
  name = "the notebook",
): { index: number; declarations: ParameterDeclaration[] } {
  checkCall("notebookParameters", arguments);
  const tagged = (notebook?.cells ?? []).flatMap((c, i) =>
    ((c.metadata?.tags as string[] | undefined) ?? []).includes(PARAMETERS_TAG) ? [i] : []
  );
  if (tagged.length === 0) {
    throw new TypeError(
      `Cannot set parameters of ${name}: it has no cell tagged "parameters". Tag the code cell ` +
        'that declares the defaults (const lr = 0.05; ...) with "parameters", as papermill does: ' +
        'in a percent script, start it with // %% tags=["parameters"]; in Jupyter, add the tag ' +
        "in the cell's property inspector (or View > Cell Toolbar > Tags)",
    );
  }
  if (tagged.length > 1) {
    throw new TypeError(
      `Cannot set parameters of ${name}: cells ${tagged.join(" and ")} are both tagged ` +
        '"parameters"; tag only the cell that declares the defaults',
    );
  }
  const cell = notebook.cells[tagged[0]];
  if (cell.cell_type !== "code") {
    throw new TypeError(
      `Cannot set parameters of ${name}: the cell tagged "parameters" is not a code cell`,
    );
  }
  const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
  return { index: tagged[0], declarations: parseParametersCell(source) };
}

/** Options for {@linkcode injectParameters}. */
export interface InjectParametersOptions {
  /**
   * The given values are text (from a command line) to be typed by the declared defaults.
   * @default {false}
   */
  fromText?: boolean;
  /** The notebook's name, for messages. */
  name?: string;
}

/**
 * A copy of the notebook with the given parameters injected: a code cell tagged
 * `injected-parameters` right after the defaults cell. Names are checked and values typed as in
 * {@linkcode resolveParameters}. With no parameters other than `profile` the notebook is returned
 * unchanged (any notebook can be run with a profile).
 *
 * @example
 * ```ts
 * import { injectParameters } from "minima";
 * import assert from "node:assert/strict";
 *
 * const nb = { cells: [{ cell_type: "code", metadata: { tags: ["parameters"] }, source: "const lr = 0.1;" }] };
 * const { notebook, parameters } = injectParameters(nb, { lr: "0.05" }, { fromText: true });
 * assert.equal(notebook.cells.length, 2);
 * assert.deepEqual(parameters, { lr: 0.05 });
 * ```
 *
 * @param notebook The notebook (not changed).
 * @param given The parameters.
 * @param options `fromText` to type strings; `name` of the notebook for messages.
 * @returns The new notebook and the typed parameters.
 */
export function injectParameters<N extends NotebookJson>(
  notebook: N,
  given: Record<string, unknown>,
  options: InjectParametersOptions = {},
): { notebook: N; parameters: Record<string, ParameterValue> } {
  checkCall("injectParameters", arguments);
  checkArguments("Cannot set parameters", [["notebook", notebook, "object"], [
    "given",
    given,
    "object",
  ]]);
  const names = Object.keys(given).filter((k) => k !== PROFILE_PARAMETER);
  if (names.length === 0) {
    const parameters = resolveParameters([], given, { ...options, notebook: options.name });
    return { notebook, parameters };
  }
  const { index, declarations } = notebookParameters(notebook, options.name);
  const parameters = resolveParameters(declarations, given, {
    fromText: options.fromText,
    notebook: options.name,
  });
  const source = injectedParametersSource(declarations, parameters);
  const cell = {
    cell_type: "code",
    id: `injected-parameters-${index}`,
    metadata: { tags: [INJECTED_PARAMETERS_TAG] },
    source: source.split("\n").map((l, i, all) => (i < all.length - 1 ? l + "\n" : l)),
    outputs: [],
    execution_count: null,
  };
  const cells = [...notebook.cells];
  cells.splice(index + 1, 0, cell);
  return { notebook: { ...notebook, cells }, parameters };
}

/** Whether a value is a parameter type ("number", { array: … }, { object: { … } }). */
function isParameterType(type: unknown): type is ParameterType {
  if (type === "number" || type === "string" || type === "boolean") return true;
  if (type === null || typeof type !== "object" || Array.isArray(type)) return false;
  const keys = Object.keys(type);
  if (keys.length !== 1) return false;
  const t = type as Record<string, unknown>;
  if (keys[0] === "array") return isParameterType(t.array);
  return keys[0] === "object" && t.object !== null && typeof t.object === "object" &&
    Object.values(t.object as object).every(isParameterType);
}

/** Throws unless the arguments of the parameter functions are what they take. */
function checkArguments(
  what: string,
  checks: [name: string, value: unknown, kind: "string" | "type" | "object" | "array"][],
): void {
  for (const [name, value, kind] of checks) {
    const ok = kind === "string"
      ? typeof value === "string"
      : kind === "type"
      ? isParameterType(value)
      : kind === "array"
      ? Array.isArray(value)
      : value !== null && typeof value === "object" && !Array.isArray(value);
    if (!ok) {
      const expected = kind === "string"
        ? "a string"
        : kind === "type"
        ? 'a parameter type ("number", "string", "boolean", { array: type } or { object: { name: type } })'
        : kind === "array"
        ? "an array"
        : "an object";
      throw new TypeError(
        `${what}: ${name} must be ${expected}, current value is ${
          typeof value === "function" ? "a function" : preview(value)
        }`,
      );
    }
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? text.slice(0, 57) + "..." : text;
}

/** A small reader of TypeScript literal syntax, strict about everything else. */
class Reader {
  pos = 0;
  constructor(readonly source: string) {}

  done(): boolean {
    return this.pos >= this.source.length;
  }

  peek(): string {
    return this.source[this.pos] ?? "";
  }

  next(): true {
    this.pos++;
    return true;
  }

  line(): number {
    return this.source.slice(0, this.pos).split("\n").length;
  }

  fail(message: string): never {
    throw new TypeError(`Cannot read the parameters cell: line ${this.line()}: ${message}`);
  }

  preview(text: string): string {
    return text === ""
      ? `"${this.source.slice(this.pos, this.pos + 20).split("\n")[0]}"`
      : `"${text}"`;
  }

  /** Skips white space and comments. */
  skip(): void {
    for (;;) {
      const rest = this.source.slice(this.pos);
      const m = /^(\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)/.exec(rest);
      if (!m) return;
      this.pos += m[0].length;
    }
  }

  word(): string {
    const m = /^[A-Za-z_$][\w$]*/.exec(this.source.slice(this.pos));
    if (!m) return "";
    this.pos += m[0].length;
    return m[0];
  }

  /** Skips `: Type` up to the `=` at bracket depth 0. */
  skipTypeAnnotation(): void {
    this.next();
    let depth = 0;
    while (!this.done()) {
      const c = this.peek();
      if ("([{<".includes(c)) depth++;
      else if (")]}>".includes(c)) depth--;
      else if (c === "=" && depth === 0 && this.source[this.pos + 1] !== ">") return;
      else if (c === "\n" && depth === 0) break;
      this.next();
    }
    this.fail("cannot read the type annotation; write it on one line before =");
  }

  literal(name: string): ParameterValue {
    this.skip();
    const c = this.peek();
    const rest = this.source.slice(this.pos);
    if (c === '"' || c === "'" || c === "`") return this.string(c);
    if (c === "[") {
      this.next();
      const items: ParameterValue[] = [];
      for (;;) {
        this.skip();
        if (this.peek() === "]") break;
        items.push(this.literal(`${name}[${items.length}]`));
        this.skip();
        if (this.peek() === ",") this.next();
        else if (this.peek() !== "]") this.fail(`expected "," or "]" in ${name}`);
      }
      this.next();
      return items;
    }
    if (c === "{") {
      this.next();
      const object: Record<string, ParameterValue> = {};
      for (;;) {
        this.skip();
        if (this.peek() === "}") break;
        const q = this.peek();
        const key = q === '"' || q === "'" ? this.string(q) : this.word();
        if (key === "") this.fail(`expected a key in ${name}`);
        this.skip();
        if (this.peek() !== ":") this.fail(`expected ":" after ${name}.${key}`);
        this.next();
        object[key] = this.literal(`${name}.${key}`);
        this.skip();
        if (this.peek() === ",") this.next();
        else if (this.peek() !== "}") this.fail(`expected "," or "}" in ${name}`);
      }
      this.next();
      return object;
    }
    const number = /^[-+]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][-+]?\d+)?(?![\w$.])/.exec(rest);
    if (number) {
      this.pos += number[0].length;
      return Number(number[0].replace(/_/g, ""));
    }
    const word = /^(true|false)(?![\w$])/.exec(rest);
    if (word) {
      this.pos += word[0].length;
      return word[0] === "true";
    }
    return this.notLiteral(name);
  }

  notLiteral(name: string): never {
    const rest = this.source.slice(this.pos);
    const found = rest.split("\n")[0].replace(/\/\/.*$/, "").trim().replace(/;$/, "").slice(0, 40);
    return this.fail(
      `${name} = ${found} is not a literal; parameters take numbers, strings, booleans, and ` +
        "arrays or objects of them (compute derived values in a later cell)",
    );
  }

  string(quote: string): string {
    const start = this.pos;
    this.next();
    let text = "";
    while (!this.done() && this.peek() !== quote) {
      const c = this.peek();
      if (quote === "`" && c === "$" && this.source[this.pos + 1] === "{") {
        this.fail("a template string with ${...} is not a literal");
      }
      if (c === "\n" && quote !== "`") this.fail("unterminated string");
      if (c === "\\") {
        this.next();
        const e = this.peek();
        const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0" };
        if (e === "u") {
          const hex = this.source.slice(this.pos + 1, this.pos + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
          text += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
        } else text += map[e] ?? e;
        this.next();
        continue;
      }
      text += c;
      this.next();
    }
    if (this.done()) {
      this.pos = start;
      this.fail("unterminated string");
    }
    this.next();
    return text;
  }
}
