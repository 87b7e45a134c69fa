/**
 * `deno task docs`: reads minima's public API from `deno doc --json mod.ts` and writes the two
 * files the library ships from it, so neither needs a Deno subprocess or the network at run time:
 *
 * - `lib/_api_table.ts`: for every exported function, its parameters, which accept a Promise,
 *   and the keys of its options object; `lib/_checks.ts`'s `checkCall` reads it to refuse
 *   unknown option keys and a Promise passed where a value is expected;
 * - `lib/display/_help_data.json`: for `help(fn)`, each export's summary, signature, parameters,
 *   options with their defaults, return value and examples.
 *
 * `deno task docs --check` writes nothing and exits 1 when either file is stale, or when a public
 * function, option or option type lacks documentation (`tools/docs_test.ts` runs it in the
 * suite). Options types must be exported: a private one is an error naming it.
 *
 * @module
 */
import { dirname, join, relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const root = dirname(dirname(fromFileUrl(import.meta.url)));
/** The generated files, relative to the project root. */
export const TABLE_FILE = "lib/_api_table.ts";
/** The generated help data, relative to the project root. */
export const HELP_FILE = "lib/display/_help_data.json";

// --- deno doc's JSON (the parts read here) ---

interface JsDoc {
  doc?: string;
  tags?: { kind: string; name?: string; doc?: string; value?: string }[];
}
interface TsType {
  repr?: string;
  kind: string;
  // deno-lint-ignore no-explicit-any
  value?: any;
}
interface Param {
  kind: string;
  name?: string;
  optional?: boolean;
  tsType?: TsType;
  left?: Param;
  arg?: Param;
}
interface Property {
  name: string;
  jsDoc?: JsDoc;
  optional?: boolean;
  tsType?: TsType;
}
interface Declaration {
  location: { filename: string; line: number };
  jsDoc?: JsDoc;
  kind: string;
  // deno-lint-ignore no-explicit-any
  def: any;
}
interface DocSymbol {
  name: string;
  declarations: Declaration[];
}

// --- what is generated ---

/** A function's parameters as `checkCall` reads them. */
export interface ApiEntry {
  /** Parameter names, in order. */
  params: string[];
  /** Indexes of the parameters whose type admits a Promise (or anything). */
  promises?: number[];
  /** The options parameter: its index and keys (absent: the function takes no options). */
  options?: { index: number; keys: string[] };
}

/** One option of a function, for help. */
export interface HelpOption {
  name: string;
  type: string;
  doc: string;
  default?: string;
  required?: boolean;
}

/** One export, for help. */
export interface HelpEntry {
  kind: string;
  summary: string;
  signature: string;
  params: { name: string; doc: string }[];
  options?: { param: string; type: string; list: HelpOption[] };
  returns?: string;
  see?: string[];
  examples: { title: string; code: string }[];
  /** Where it is defined, relative to the project root. */
  file: string;
}

/** Runs `deno doc --json mod.ts` in the project. */
export async function readDoc(): Promise<DocSymbol[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", "mod.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!out.success) {
    throw new Error(`deno doc failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`);
  }
  const json = JSON.parse(new TextDecoder().decode(out.stdout));
  const node = Object.values(json.nodes as Record<string, { symbols: DocSymbol[] }>)[0];
  return node.symbols;
}

/** A type as short text (deno doc's own `repr` where it has one). */
export function typeText(t: TsType | undefined, depth = 0): string {
  if (!t) return "unknown";
  if (depth > 4) return "…";
  const v = t.value;
  switch (t.kind) {
    case "keyword":
      return String(v);
    case "literal":
      return v.kind === "string" ? JSON.stringify(v.string) : String(t.repr ?? v[v.kind]);
    case "typeRef": {
      const params = (v.typeParams ?? []) as TsType[];
      return params.length === 0
        ? v.typeName
        : `${v.typeName}<${params.map((p) => typeText(p, depth + 1)).join(", ")}>`;
    }
    case "union":
      return (v as TsType[]).map((u) => typeText(u, depth + 1)).join(" | ");
    case "intersection":
      return (v as TsType[]).map((u) => typeText(u, depth + 1)).join(" & ");
    case "array":
      return `${wrap(typeText(v, depth + 1))}[]`;
    case "tuple":
      return `[${(v as TsType[]).map((u) => typeText(u, depth + 1)).join(", ")}]`;
    case "parenthesized":
      return `(${typeText(v, depth + 1)})`;
    case "typeOperator":
      return `${v.operator} ${typeText(v.tsType, depth + 1)}`;
    case "optional":
      return `${typeText(v, depth + 1)}?`;
    case "rest":
      return `...${typeText(v, depth + 1)}`;
    case "typeQuery":
      return `typeof ${typeof v === "string" ? v : t.repr}`;
    case "indexedAccess":
      return `${typeText(v.objType, depth + 1)}[${typeText(v.indexType, depth + 1)}]`;
    case "fnOrConstructor": {
      const params = (v.params as Param[]).map((p) => paramText(p, depth + 1)).join(", ");
      return `(${params}) => ${typeText(v.tsType, depth + 1)}`;
    }
    case "typeLiteral": {
      const props = ((v.properties ?? []) as Property[]).map((p) =>
        `${p.name}${p.optional ? "?" : ""}: ${typeText(p.tsType, depth + 1)}`
      );
      const index = ((v.indexSignatures ?? []) as { params: Param[]; tsType: TsType }[]).map((s) =>
        `[${s.params.map((p) => paramText(p, depth + 1)).join(", ")}]: ${
          typeText(s.tsType, depth + 1)
        }`
      );
      const all = [...props, ...index];
      return all.length === 0 ? "{}" : `{ ${all.join("; ")} }`;
    }
  }
  return t.repr || t.kind;
}

function wrap(s: string): string {
  return /[ |&]/.test(s) ? `(${s})` : s;
}

function paramText(p: Param, depth = 0): string {
  if (p.kind === "assign") return `${paramText(p.left!, depth)}?`.replace("??", "?");
  if (p.kind === "rest") return `...${paramText(p.arg!, depth)}`;
  const name = p.name ?? (p.kind === "object" ? "{…}" : p.kind === "array" ? "[…]" : "arg");
  return `${name}${p.optional ? "?" : ""}: ${typeText(p.tsType, depth)}`;
}

function paramName(p: Param): string {
  if (p.kind === "assign") return paramName(p.left!);
  if (p.kind === "rest") return paramName(p.arg!);
  return p.name ?? "options";
}

function paramType(p: Param): TsType | undefined {
  if (p.kind === "assign") return paramType(p.left!);
  if (p.kind === "rest") return paramType(p.arg!);
  return p.tsType;
}

/** Whether a parameter's type admits a Promise (or any value at all). */
function admitsPromise(t: TsType | undefined): boolean {
  if (!t) return true;
  const text = typeText(t);
  return /\b(Promise|PromiseLike|unknown|any)\b/.test(text);
}

/** Resolves object types to their properties, through exported interfaces and aliases. */
class Resolver {
  readonly byName = new Map<string, Declaration>();
  constructor(symbols: DocSymbol[]) {
    for (const s of symbols) {
      for (const d of s.declarations) {
        if (d.kind === "interface" || d.kind === "typeAlias") this.byName.set(s.name, d);
      }
    }
  }

  /** The properties of a type, or undefined when it has an index signature (any key goes). */
  properties(
    t: TsType | undefined,
    where: string,
    seen = new Set<string>(),
  ): Property[] | undefined {
    if (!t) throw new Error(`${where}: no type`);
    const v = t.value;
    switch (t.kind) {
      case "parenthesized":
      case "optional":
        return this.properties(v, where, seen);
      case "typeLiteral":
        if ((v.indexSignatures ?? []).length > 0) return undefined;
        return (v.properties ?? []) as Property[];
      case "intersection":
      case "union": {
        const out: Property[] = [];
        for (const member of v as TsType[]) {
          if (member.kind === "keyword" || member.kind === "literal") continue; // undefined, 1, ...
          const ps = this.properties(member, where, seen);
          if (ps === undefined) return undefined;
          for (const p of ps) if (!out.some((q) => q.name === p.name)) out.push(p);
        }
        return out;
      }
      case "typeRef": {
        const name = v.typeName as string;
        const params = (v.typeParams ?? []) as TsType[];
        if (["Partial", "Readonly", "Required"].includes(name)) {
          return this.properties(params[0], where, seen);
        }
        if (name === "Omit" || name === "Pick") {
          const base = this.properties(params[0], where, seen);
          if (base === undefined) return undefined;
          const keys = literalKeys(params[1], where);
          return base.filter((p) => keys.includes(p.name) === (name === "Pick"));
        }
        if (name === "Record") return undefined;
        const decl = this.byName.get(name);
        if (!decl) {
          throw new Error(
            `${where}: the type ${name} is not exported from mod.ts; export it (with its documentation) so users and help() can see its options`,
          );
        }
        if (seen.has(name)) return [];
        seen.add(name);
        if (decl.kind === "typeAlias") return this.properties(decl.def.tsType, where, seen);
        if ((decl.def.indexSignatures ?? []).length > 0) return undefined;
        const own = decl.def.properties as Property[];
        const out = [...own];
        for (const ext of (decl.def.extends ?? []) as TsType[]) {
          const inherited = this.properties(ext, where, seen);
          if (inherited === undefined) return undefined;
          for (const p of inherited) if (!out.some((q) => q.name === p.name)) out.push(p);
        }
        return out;
      }
    }
    throw new Error(`${where}: cannot read the keys of a ${t.kind} type (${typeText(t)})`);
  }
}

function literalKeys(t: TsType, where: string): string[] {
  if (t.kind === "literal" && t.value.kind === "string") return [t.value.string];
  if (t.kind === "union") return (t.value as TsType[]).flatMap((u) => literalKeys(u, where));
  throw new Error(`${where}: Omit/Pick keys must be string literals, found ${typeText(t)}`);
}

/** Whether a parameter is an options object: named `options`, or typed `...Options`. */
function isOptionsParam(p: Param): boolean {
  const name = paramName(p);
  const text = typeText(paramType(p));
  return /options/i.test(name) || /^(Partial<|Readonly<|Omit<|Pick<)?\w*Options\b/.test(text);
}

function tag(doc: JsDoc | undefined, kind: string): JsDoc["tags"] {
  return (doc?.tags ?? []).filter((t) => t.kind === kind);
}

function oneLine(text: string | undefined): string {
  return (text ?? "").trim();
}

/** An `@example`'s title (its first line before the code) and code. */
function example(doc: string): { title: string; code: string } {
  const fence = doc.indexOf("```");
  const title = (fence < 0 ? "" : doc.slice(0, fence)).trim();
  const code = fence < 0 ? doc.trim() : doc.slice(fence)
    .replace(/^```\w*[^\n]*\n/, "").replace(/\n?```\s*$/, "").trimEnd();
  return { title, code };
}

const TF_SUMMARY = "TensorFlow.js 4.22 (`@tensorflow/tfjs`), with minima's backends registered " +
  "(webgpu, native, wasm, cpu; see `useBackend` and `ready`). Its functions are documented at " +
  "https://js.tensorflow.org/api/4.22.0/.";

/** The generated data, and what is missing from the documentation. */
export interface Generated {
  table: Record<string, ApiEntry>;
  help: Record<string, HelpEntry>;
  missing: string[];
}

/**
 * Builds the table and the help data from deno doc's symbols.
 *
 * @param symbols The exports of mod.ts.
 * @returns Both, and the documentation gaps found.
 */
export function generate(symbols: DocSymbol[]): Generated {
  const resolver = new Resolver(symbols);
  const table: Record<string, ApiEntry> = {};
  const help: Record<string, HelpEntry> = {};
  const missing: string[] = [];
  const sorted = [...symbols].sort((a, b) => a.name.localeCompare(b.name));
  for (const s of sorted) {
    // Of several declarations (overloads, a type and a value of one name), the documented one.
    const decl = s.declarations.find((d) => d.jsDoc?.doc) ?? s.declarations[0];
    if (!decl) continue;
    const file = relative(root, fromFileUrl(decl.location.filename));
    if (file.startsWith("node_modules")) continue;
    if (decl.kind === "namespace") {
      // `tf`, TensorFlow.js's own namespace, documented by tfjs (deno doc cannot attach JSDoc to
      // a namespace import, and lists its 1,000 members with signatures up to 4,800 characters).
      help[s.name] = {
        kind: "namespace",
        summary: TF_SUMMARY,
        signature: `namespace ${s.name}`,
        params: [],
        examples: [],
        file,
      };
      continue;
    }
    if (!decl.jsDoc?.doc) missing.push(`${s.name} (${file}:${decl.location.line}) has no JSDoc`);
    const entry: HelpEntry = {
      kind: decl.kind,
      summary: oneLine(decl.jsDoc?.doc),
      signature: "",
      params: [],
      examples: (tag(decl.jsDoc, "example") ?? []).map((t) => example(t.doc ?? "")),
      file,
    };
    const see = (tag(decl.jsDoc, "see") ?? []).map((t) => oneLine(t.doc));
    if (see.length > 0) entry.see = see;
    if (decl.kind === "function") {
      const params = decl.def.params as Param[];
      const ret = typeText(decl.def.returnType);
      entry.signature = `${s.name}(${params.map((p) => paramText(p)).join(", ")}): ${ret}`;
      const paramDocs = tag(decl.jsDoc, "param") ?? [];
      entry.params = params.map((p) => ({
        name: paramName(p),
        doc: oneLine(paramDocs.find((t) => t.name === paramName(p))?.doc),
      }));
      const returns = tag(decl.jsDoc, "return")?.[0]?.doc;
      if (returns) entry.returns = oneLine(returns);
      const api: ApiEntry = { params: params.map(paramName) };
      const promises = params.flatMap((p, i) => admitsPromise(paramType(p)) ? [i] : []);
      if (promises.length > 0) api.promises = promises;
      // A parameter named options wins over an earlier one whose type is an options type
      // (sgdQuadraticMoments(quadratic: QuadraticOracleOptions, options)).
      const named = params.findIndex((p) => /options/i.test(paramName(p)));
      params.forEach((p, index) => {
        if (!isOptionsParam(p) || api.options || (named >= 0 && index !== named)) return;
        const where = `${s.name}'s ${paramName(p)}`;
        let props: Property[] | undefined;
        try {
          props = resolver.properties(paramType(p), where);
        } catch (error) {
          missing.push((error as Error).message);
          return;
        }
        if (props === undefined) return; // an index signature: any key is valid
        api.options = { index, keys: props.map((q) => q.name).sort() };
        entry.options = {
          param: paramName(p),
          type: typeText(paramType(p)),
          list: props.map((q) => {
            const option: HelpOption = {
              name: q.name,
              type: typeText(q.tsType),
              doc: oneLine(q.jsDoc?.doc),
            };
            const def = tag(q.jsDoc, "default")?.[0]?.value;
            if (def !== undefined) option.default = def.replace(/^\{(.*)\}$/s, "$1");
            if (!q.optional) option.required = true;
            if (!q.jsDoc?.doc) missing.push(`option ${q.name} of ${s.name} has no JSDoc`);
            return option;
          }),
        };
      });
      table[s.name] = api;
    } else if (decl.kind === "class") {
      const ctor = (decl.def.constructors ?? [])[0];
      entry.signature = `new ${s.name}(${
        ((ctor?.params ?? []) as Param[]).map((p) => paramText(p)).join(", ")
      })`;
    } else if (decl.kind === "variable") {
      entry.signature = `const ${s.name}: ${typeText(decl.def.tsType)}`;
    } else if (decl.kind === "interface") {
      entry.signature = `interface ${s.name}`;
      for (const p of (decl.def.properties ?? []) as Property[]) {
        if (!p.jsDoc?.doc) missing.push(`${s.name}.${p.name} (${file}) has no JSDoc`);
      }
    } else if (decl.kind === "typeAlias") {
      entry.signature = `type ${s.name} = ${typeText(decl.def.tsType)}`;
    } else {
      entry.signature = `${decl.kind} ${s.name}`;
    }
    help[s.name] = entry;
  }
  return { table, help, missing };
}

/** The text of `lib/_api_table.ts`. */
export function tableSource(table: Record<string, ApiEntry>): string {
  const lines = Object.entries(table).map(([name, e]) => `  ${name}: ${JSON.stringify(e)},`);
  return `// Generated by \`deno task docs\` (tools/docs.ts) from \`deno doc --json mod.ts\`: do not edit.
// For each exported function: its parameters, which admit a Promise, and its options' keys.
import type { ApiEntry } from "./_checks.ts";

/** minima's exported functions, as {@linkcode checkCall} reads them. */
export const API: Readonly<Record<string, ApiEntry>> = {
${lines.join("\n")}
};
`;
}

/** The text of the help data (one export per line, so diffs stay readable). */
export function helpSource(help: Record<string, HelpEntry>): string {
  const lines = Object.entries(help).map(([name, e]) =>
    `  ${JSON.stringify(name)}: ${JSON.stringify(e)}`
  );
  return `{\n${lines.join(",\n")}\n}\n`;
}

async function readOr(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  const { table, help, missing } = generate(await readDoc());
  const files: [string, string][] = [
    [TABLE_FILE, tableSource(table)],
    [HELP_FILE, helpSource(help)],
  ];
  let stale = 0;
  for (const [file, text] of files) {
    const path = join(root, file);
    if (check) {
      if (await readOr(path) !== text) {
        console.error(`${file} is stale: run \`deno task docs\` and commit it`);
        stale++;
      }
    } else {
      await Deno.writeTextFile(path, text);
      console.log(`wrote ${file} (${(text.length / 1024).toFixed(0)} KB)`);
    }
  }
  for (const m of missing) console.error(`missing documentation: ${m}`);
  const withOptions = Object.values(table).filter((e) => e.options).length;
  console.log(
    `${Object.keys(table).length} functions (${withOptions} with options), ${
      Object.keys(help).length
    } exports`,
  );
  if (stale > 0 || missing.length > 0) Deno.exit(1);
}
