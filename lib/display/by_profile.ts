import { checkCall } from "../_checks.ts";
/** The run settings a notebook offers. */
export type ProfileName = "fast" | "full";

/** Options for {@linkcode byProfile}. */
export interface ByProfileOptions {
  /**
   * The profile to use, instead of the environment's.
   * @default {the MINIMA_PROFILE environment variable, else "fast"}
   */
  profile?: string;
}

/**
 * Picks a notebook's settings by the `MINIMA_PROFILE` environment variable: `fast` (the default
 * when unset: seconds, run in CI) or `full` (the paper-scale run, the default of
 * `deno task reproduce`). The result carries the chosen name as `profile`.
 *
 * @example
 * ```ts
 * import { byProfile } from "minima";
 * import assert from "node:assert/strict";
 *
 * const config = byProfile({ fast: { steps: 200 }, full: { steps: 5000 } }, { profile: "fast" });
 * assert.deepEqual(config, { steps: 200, profile: "fast" });
 * ```
 *
 * @param settings The settings of each profile.
 * @param options `profile` to choose explicitly instead of reading the environment.
 * @returns The chosen settings with `profile`.
 */
export function byProfile<T extends object>(
  settings: { fast: T; full: T },
  options: ByProfileOptions = {},
): T & { profile: ProfileName } {
  checkCall("byProfile", arguments);
  if (typeof settings?.fast !== "object" || typeof settings?.full !== "object") {
    throw new TypeError(
      "Cannot choose the settings: give both profiles, e.g. byProfile({ fast: { steps: 200 }, full: { steps: 5000 } })",
    );
  }
  let name = options.profile;
  // The option, when given, is named as the culprit; MINIMA_PROFILE only when it came from there.
  const source = name === undefined ? "MINIMA_PROFILE" : "options.profile";
  if (name === undefined) {
    try {
      name = Deno.env.get("MINIMA_PROFILE") || "fast";
    } catch {
      name = "fast";
    }
  }
  if (name !== "fast" && name !== "full") {
    throw new RangeError(
      `Cannot choose the settings: ${source} must be "fast" or "full", current value is ${
        typeof name === "function" ? "a function" : JSON.stringify(name) ?? String(name)
      }`,
    );
  }
  return { ...settings[name], profile: name };
}
