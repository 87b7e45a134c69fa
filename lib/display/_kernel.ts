/**
 * The only code in minima that touches `Deno.jupyter`. Everything shown goes through `emit`,
 * which waits a short settle after each message: Deno's kernel can publish a display after the
 * cell's `status: idle`, and Jupyter clients stop listening at idle, so an output sent at the very
 * end of a cell is sometimes lost (DESIGN.md, measured: 5–10 of 60; none with a ~15 ms pause).
 *
 * @module
 */

/** A Jupyter MIME bundle: MIME type to data. */
export type MimeBundle = Record<string, unknown>;

/** How long to wait after each display so it is published before the cell's idle. */
export const SETTLE_MS = 15;

/** The part of `Deno.jupyter` minima uses. */
export type Jupyter = {
  display(
    obj: unknown,
    options?: { raw?: boolean; update?: boolean; display_id?: string },
  ): Promise<void>;
};

let cached: Jupyter | null | undefined;

/**
 * The kernel's display API, or undefined outside `deno jupyter` (where reading `Deno.jupyter`
 * throws).
 */
export function jupyter(): Jupyter | undefined {
  if (cached === undefined) {
    try {
      const j = (Deno as unknown as { jupyter?: Jupyter }).jupyter;
      cached = j && typeof j.display === "function" ? j : null;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

/**
 * Replaces the kernel API, for tests that record what would be displayed; undefined restores
 * detection.
 */
export function setJupyterForTesting(j: Jupyter | undefined): void {
  cached = j;
}

/** Whether this code runs inside a Jupyter kernel. */
export function inKernel(): boolean {
  return jupyter() !== undefined;
}

/**
 * Sends a MIME bundle to the notebook and waits for it to settle.
 *
 * @param bundle The MIME bundle.
 * @param options `displayId` to create or (with `update`) replace a named output.
 * @returns Whether it was displayed (false outside a kernel).
 */
export async function emit(
  bundle: MimeBundle,
  options: { displayId?: string; update?: boolean } = {},
): Promise<boolean> {
  const j = jupyter();
  if (!j) return false;
  await j.display(bundle, {
    raw: true,
    ...(options.displayId ? { display_id: options.displayId } : {}),
    ...(options.update ? { update: true } : {}),
  });
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return true;
}

/**
 * Marks a result object so that, as a cell's last value, the kernel shows nothing for it (the
 * output was already displayed). The marker is a non-enumerable `Symbol.for("Jupyter.display")`
 * method returning an empty bundle, so comparisons and printing ignore it.
 */
export function quiet<T extends object>(value: T): T {
  Object.defineProperty(value, Symbol.for("Jupyter.display"), {
    value: () => ({}),
    enumerable: false,
  });
  return value;
}

let counter = 0;

/** A fresh display id for an output that will be updated in place. */
export function newDisplayId(kind: string): string {
  counter += 1;
  return `minima-${kind}-${Date.now().toString(36)}-${counter}`;
}

// The kernel launcher moves a kernel whose notebook is outside the project to the project folder
// (so "minima" resolves) and says where the notebook is; file I/O goes back to the notebook's
// folder here, once, when the library loads inside that kernel.
if (inKernel()) {
  try {
    const dir = Deno.env.get("MINIMA_NOTEBOOK_DIR");
    if (dir && Deno.cwd() !== dir) Deno.chdir(dir);
  } catch {
    // Without env or read permission the kernel stays where it started.
  }
}
