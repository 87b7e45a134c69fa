import assert from "node:assert/strict";
import { byProfile } from "./by_profile.ts";

Deno.test("byProfile reads MINIMA_PROFILE and rejects unknown names", () => {
  const settings = { fast: { n: 1 }, full: { n: 100 } };
  const saved = Deno.env.get("MINIMA_PROFILE");
  try {
    Deno.env.set("MINIMA_PROFILE", "full");
    assert.deepEqual(byProfile(settings), { n: 100, profile: "full" });
    Deno.env.delete("MINIMA_PROFILE");
    assert.deepEqual(byProfile(settings), { n: 1, profile: "fast" });
    Deno.env.set("MINIMA_PROFILE", "paper");
    assert.throws(
      () => byProfile(settings),
      new RangeError(
        'Cannot choose the settings: MINIMA_PROFILE must be "fast" or "full", current value is "paper"',
      ),
    );
  } finally {
    if (saved === undefined) Deno.env.delete("MINIMA_PROFILE");
    else Deno.env.set("MINIMA_PROFILE", saved);
  }
  assert.throws(() => byProfile({ fast: { n: 1 } } as never), /give both profiles/);
  // A profile given as an option is named as the option, not as MINIMA_PROFILE.
  assert.throws(
    () => byProfile(settings, { profile: "__proto__" }),
    new RangeError(
      'Cannot choose the settings: options.profile must be "fast" or "full", current value is "__proto__"',
    ),
  );
});
