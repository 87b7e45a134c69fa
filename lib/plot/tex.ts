import { checkCall } from "../_checks.ts";
/**
 * Simple TeX in chart labels, as Unicode math: charts are drawn by Vega (in the notebook, in SVG,
 * PNG and PDF), which has no TeX renderer, but most labels need only Greek letters, a few
 * symbols, and sub- and superscripts.
 *
 * @module
 */

const SYMBOLS: Record<string, string> = {
  alpha: "α",
  beta: "β",
  gamma: "γ",
  delta: "δ",
  epsilon: "ε",
  varepsilon: "ε",
  zeta: "ζ",
  eta: "η",
  theta: "θ",
  vartheta: "ϑ",
  iota: "ι",
  kappa: "κ",
  lambda: "λ",
  mu: "μ",
  nu: "ν",
  xi: "ξ",
  pi: "π",
  rho: "ρ",
  sigma: "σ",
  tau: "τ",
  upsilon: "υ",
  phi: "φ",
  varphi: "φ",
  chi: "χ",
  psi: "ψ",
  omega: "ω",
  Gamma: "Γ",
  Delta: "Δ",
  Theta: "Θ",
  Lambda: "Λ",
  Xi: "Ξ",
  Pi: "Π",
  Sigma: "Σ",
  Phi: "Φ",
  Psi: "Ψ",
  Omega: "Ω",
  le: "≤",
  leq: "≤",
  ge: "≥",
  geq: "≥",
  ne: "≠",
  neq: "≠",
  approx: "≈",
  sim: "∼",
  propto: "∝",
  infty: "∞",
  partial: "∂",
  nabla: "∇",
  sum: "∑",
  prod: "∏",
  int: "∫",
  sqrt: "√",
  cdot: "·",
  times: "×",
  pm: "±",
  mp: "∓",
  to: "→",
  rightarrow: "→",
  leftarrow: "←",
  mapsto: "↦",
  in: "∈",
  top: "⊤",
  perp: "⊥",
  ell: "ℓ",
  langle: "⟨",
  rangle: "⟩",
  "|": "‖",
  ",": "\u2009",
  ";": "\u2009",
  quad: "\u2003",
  log: "log",
  exp: "exp",
  min: "min",
  max: "max",
  tr: "tr",
};

const SUPERSCRIPT: Record<string, string> = Object.fromEntries(
  [..."0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδεθιφχ"].map((c, i) => [
    c,
    [..."⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᵋᶿᶥᵠᵡ"][i],
  ]),
);
SUPERSCRIPT["T"] = "ᵀ";
SUPERSCRIPT["⊤"] = "ᵀ";
SUPERSCRIPT["*"] = "*";
SUPERSCRIPT["′"] = "′";

const SUBSCRIPT: Record<string, string> = Object.fromEntries(
  [..."0123456789+-=()aehijklmnoprstuvxβγρφχ"].map((c, i) => [
    c,
    [..."₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"][i],
  ]),
);

/**
 * Converts simple TeX in a label to Unicode: inside `$…$`, Greek letters and common symbols
 * (`\eta` → η, `\le` → ≤, `\infty` → ∞), `\mathrm{…}`, `\text{…}`, `\operatorname{…}` and braces
 * dropped, and `^`/`_` as superscript and subscript characters where Unicode has them for every
 * character (`\lambda_{max}` → λₘₐₓ, `x^2` → x²); a script with a character Unicode lacks keeps
 * its TeX (`\lambda_{b}` → λ_b). Outside `$…$` only `^` followed by digits or a braced group
 * becomes a superscript (`x^2`, `10^{-3}`), so field names such as `train_loss` stay as they are.
 * `\$` is a dollar sign.
 *
 * @example
 * ```ts
 * import { texToUnicode } from "minima";
 * import assert from "node:assert/strict";
 *
 * assert.equal(texToUnicode("learning rate $\\eta$"), "learning rate η");
 * assert.equal(texToUnicode("$\\lambda_{max}$ vs $2/\\eta$"), "λₘₐₓ vs 2/η");
 * assert.equal(texToUnicode("x^2 + 10^{-3}"), "x² + 10⁻³");
 * assert.equal(texToUnicode("train_loss"), "train_loss");
 * ```
 *
 * @param text The label.
 * @returns The label with its TeX as Unicode.
 */
export function texToUnicode(text: string): string {
  checkCall("texToUnicode", arguments);
  if (typeof text !== "string") return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] === "\\" && text[i + 1] === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (text[i] === "$") {
      let j = i + 1;
      while (j < text.length && !(text[j] === "$" && text[j - 1] !== "\\")) j++;
      if (j < text.length) {
        out += mathToUnicode(text.slice(i + 1, j));
        i = j + 1;
        continue;
      }
    }
    if (text[i] === "^") {
      const group = readScript(text, i + 1, true);
      if (group) {
        out += script(group.body, SUPERSCRIPT, "^");
        i = group.end;
        continue;
      }
    }
    out += text[i];
    i++;
  }
  return out;
}

const RELATIONS = new Set([..."≤≥≈≠∼∝→←↦∈=<>"]);

function mathToUnicode(math: string): string {
  let out = "";
  let i = 0;
  const add = (piece: string) => {
    // TeX ignores spaces in math and spaces relations itself: pad relations with one space.
    out += RELATIONS.has(piece) ? ` ${piece} ` : piece;
  };
  while (i < math.length) {
    const c = math[i];
    if (c === " " || c === "\n" || c === "\t") {
      i++;
    } else if (c === "\\") {
      const m = /^\\([A-Za-z]+|.)/.exec(math.slice(i));
      const name = m ? m[1] : "";
      i += 1 + name.length;
      if (
        ["mathrm", "text", "operatorname", "mathbf", "mathit", "mathsf", "boldsymbol"].includes(
          name,
        )
      ) {
        continue; // the braced group that follows is kept as is
      }
      add(SYMBOLS[name] ?? name);
    } else if (c === "^" || c === "_") {
      const group = readScript(math, i + 1, false);
      if (!group) {
        out += c;
        i++;
        continue;
      }
      out += script(mathToUnicode(group.body), c === "^" ? SUPERSCRIPT : SUBSCRIPT, c);
      i = group.end;
    } else if (c === "{" || c === "}") {
      i++;
    } else {
      add(c);
      i++;
    }
  }
  return out.replace(/ {2,}/g, " ").trim();
}

/** The script after `^`/`_` at `at`: a braced group, a command, or one character. */
function readScript(
  text: string,
  at: number,
  outsideMath: boolean,
): { body: string; end: number } | undefined {
  if (text[at] === "{") {
    let depth = 1;
    let j = at + 1;
    while (j < text.length && depth > 0) {
      if (text[j] === "{") depth++;
      else if (text[j] === "}") depth--;
      j++;
    }
    if (depth !== 0) return undefined;
    return { body: text.slice(at + 1, j - 1), end: j };
  }
  if (outsideMath) {
    const m = /^[+-]?\d+/.exec(text.slice(at));
    return m ? { body: m[0], end: at + m[0].length } : undefined;
  }
  if (text[at] === "\\") {
    const m = /^\\([A-Za-z]+|.)/.exec(text.slice(at));
    return m ? { body: m[0], end: at + m[0].length } : undefined;
  }
  return at < text.length ? { body: text[at], end: at + 1 } : undefined;
}

function script(body: string, table: Record<string, string>, mark: string): string {
  const converted = [...body].map((c) => table[c]);
  if (converted.every((c) => c !== undefined)) return converted.join("");
  return /^[A-Za-z0-9]+$/.test(body) ? `${mark}${body}` : `${mark}(${body})`;
}
