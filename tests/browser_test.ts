/**
 * A real browser: the classic Jupyter Notebook server (Debian jupyter-notebook) on 127.0.0.1 with
 * the minima kernel, the tour notebook opened in headless Chromium (Debian chromium, driven by
 * playwright-core), every cell run, the charts checked as SVG in the page, and a screenshot saved
 * to out/tour-classic-notebook.png.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { kernelEnv } from "./_jupyter.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Chromium's flags for a closed network and a root user (see the machine notes). */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitForServer(url: string, seconds: number): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The notebook server did not answer at ${url} within ${seconds} s`);
}

Deno.test({
  name: "the tour runs in the classic Notebook in Chromium and its charts are visible as SVG",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const env = await kernelEnv();
    const work = await Deno.makeTempDir({ prefix: "minima-browser-" });
    await Deno.copyFile(join(root, "notebooks", "00_tour.ipynb"), join(work, "00_tour.ipynb"));
    const port = freePort();
    const token = crypto.randomUUID();
    const server = new Deno.Command("jupyter", {
      args: [
        "notebook",
        "--no-browser",
        "--ip=127.0.0.1",
        `--port=${port}`,
        `--NotebookApp.token=${token}`,
        `--notebook-dir=${work}`,
        "--allow-root",
      ],
      env: { ...env, MINIMA_PROFILE: "fast", JUPYTER_RUNTIME_DIR: join(work, ".runtime") },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    });
    try {
      await waitForServer(`http://127.0.0.1:${port}/api/status?token=${token}`, 60);
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(`http://127.0.0.1:${port}/notebooks/00_tour.ipynb?token=${token}`);
      // The classic Notebook exposes its model as window.Jupyter; wait for the kernel to be ready.
      await page.waitForFunction(
        () => {
          // deno-lint-ignore no-explicit-any
          const j = (globalThis as any).Jupyter;
          return j?.notebook?.kernel?.is_connected?.() &&
            j.notebook.kernel_selector?.current_selection === "minima";
        },
        undefined,
        { timeout: 90_000 },
      );
      // deno-lint-ignore no-explicit-any
      await page.evaluate(() => (globalThis as any).Jupyter.notebook.execute_all_cells());
      await page.waitForFunction(
        () => {
          // deno-lint-ignore no-explicit-any
          const nb = (globalThis as any).Jupyter.notebook;
          // deno-lint-ignore no-explicit-any
          const cells = nb.get_cells().filter((c: any) => c.cell_type === "code");
          return nb.kernel_busy === false &&
            // deno-lint-ignore no-explicit-any
            cells.every((c: any) => typeof c.input_prompt_number === "number");
        },
        undefined,
        { timeout: 180_000, polling: 500 },
      );
      // Outputs can still be arriving right after the last idle.
      await page.waitForTimeout(500);
      const errors = await page.locator(".output_error").count();
      assert.equal(
        errors,
        0,
        await page.locator(".output_error").allTextContents().then((t) => t.join("\n")),
      );
      const charts = page.locator(".output_svg svg");
      assert.ok(
        await charts.count() >= 2,
        `expected the live chart and the plot as SVG, found ${await charts.count()}`,
      );
      await charts.first().scrollIntoViewIfNeeded();
      assert.ok(await charts.first().isVisible(), "the first chart is visible");
      const box = await charts.first().boundingBox();
      assert.ok(box && box.width > 200 && box.height > 150, `chart size ${JSON.stringify(box)}`);
      const claimsText = await page.locator(".output_html table").last().textContent();
      assert.match(claimsText ?? "", /✓/);
      assert.doesNotMatch(claimsText ?? "", /✗/);
      await Deno.mkdir(join(root, "out"), { recursive: true });
      await charts.first().scrollIntoViewIfNeeded();
      await page.screenshot({
        path: join(root, "out", "tour-classic-notebook.png"),
        fullPage: true,
      });
    } finally {
      await browser.close();
      server.kill("SIGTERM");
      await server.status;
      await server.stderr.cancel().catch(() => {});
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});
