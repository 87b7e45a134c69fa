// A fake kernel that records what would be displayed, for the display tests.
import { type Jupyter, setJupyterForTesting } from "./_kernel.ts";

/** One recorded display call. */
export interface Recorded {
  bundle: Record<string, unknown>;
  displayId?: string;
  update: boolean;
}

/** Installs a recording kernel, runs `fn`, restores detection, and returns what was displayed. */
export async function recordDisplays(fn: () => Promise<unknown>): Promise<Recorded[]> {
  const calls: Recorded[] = [];
  const fake: Jupyter = {
    display(obj, options) {
      calls.push({
        bundle: obj as Record<string, unknown>,
        displayId: options?.display_id,
        update: Boolean(options?.update),
      });
      return Promise.resolve();
    },
  };
  setJupyterForTesting(fake);
  try {
    await fn();
  } finally {
    setJupyterForTesting(undefined);
  }
  return calls;
}
