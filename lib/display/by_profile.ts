/** The run settings a notebook offers. */
export type ProfileName = "fast" | "full";

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
  options: { profile?: string } = {},
): T & { profile: ProfileName } {
  if (typeof settings?.fast !== "object" || typeof settings?.full !== "object") {
    throw new TypeError(
      "Cannot choose the settings: give both profiles, e.g. byProfile({ fast: { steps: 200 }, full: { steps: 5000 } })",
    );
  }
  let name = options.profile;
  if (name === undefined) {
    try {
      name = Deno.env.get("MINIMA_PROFILE") || "fast";
    } catch {
      name = "fast";
    }
  }
  if (name !== "fast" && name !== "full") {
    throw new RangeError(
      `Cannot choose the settings: MINIMA_PROFILE must be "fast" or "full", current value is ${
        JSON.stringify(name)
      }`,
    );
  }
  return { ...settings[name], profile: name };
}
