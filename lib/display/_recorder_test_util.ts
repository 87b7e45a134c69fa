// A fake kernel that records what would be displayed, for the display tests.
import { type Jupyter, setJupyterForTesting } from "./_kernel.ts";

/** One recorded display call. */
export interface Recorded {
  bundle: Record<string, unknown>;
  displayId?: string;
  update: boolean;
  /** The output's sequence number (metadata.minima.seq). */
  seq: number;
  /** The output's metadata (per MIME type, and minima's). */
  metadata: Record<string, unknown>;
}

/** Installs a recording kernel, runs `fn`, restores detection, and returns what was displayed. */
export async function recordDisplays(fn: () => Promise<unknown>): Promise<Recorded[]> {
  const calls: Recorded[] = [];
  const fake: Jupyter = {
    broadcast(msgType, content) {
      const c = content as {
        data: Record<string, unknown>;
        metadata: { minima: { seq: number } };
        transient: { display_id?: string };
      };
      calls.push({
        bundle: c.data,
        displayId: c.transient.display_id,
        update: msgType === "update_display_data",
        seq: c.metadata.minima.seq,
        metadata: c.metadata,
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
