/**
 * A real browser: the classic Jupyter Notebook server (Debian jupyter-notebook) on 127.0.0.1 with
 * the minima kernel, in headless Chromium (Debian chromium, driven by playwright-core). The tour
 * notebook is run cell by cell and its charts checked as SVG in the page (screenshot:
 * out/tour-classic-notebook.png); a notebook executed headless, which the Notebook does not trust,
 * shows its chart as the PNG of the bundle (screenshot: out/untrusted-notebook.png).
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { runNotebook } from "../tools/run_notebook.ts";
import { notebookFromScript } from "../tools/notebook.ts";
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

/** Starts the classic Notebook server on `work` and headless Chromium, runs `fn`, stops both. */
async function withNotebook(
  work: string,
  fn: (page: Page, url: (path: string) => string) => Promise<void>,
): Promise<void> {
  const env = await kernelEnv();
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
    env: {
      ...env,
      MINIMA_PROFILE: "fast",
      JUPYTER_RUNTIME_DIR: join(work, ".runtime"),
      // A private signature database: the notebooks are as trusted as on a fresh machine.
      JUPYTER_DATA_DIR: join(work, ".data"),
    },
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
    await fn(page, (path) => `http://127.0.0.1:${port}/${path}?token=${token}`);
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await server.status;
    await server.stderr.cancel().catch(() => {});
  }
}

Deno.test({
  name: "the tour runs in the classic Notebook in Chromium and its charts are visible as SVG",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const work = await Deno.makeTempDir({ prefix: "minima-browser-" });
    await Deno.copyFile(join(root, "notebooks", "00_tour.ipynb"), join(work, "00_tour.ipynb"));
    try {
      await withNotebook(work, async (page, url) => {
        await page.goto(url("notebooks/00_tour.ipynb"));
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
      });
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "an executed notebook the Notebook does not trust shows its chart as a PNG image",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const work = await Deno.makeTempDir({ prefix: "minima-untrusted-" });
    try {
      const script = [
        "// %%",
        'import { lineChart, show } from "minima";',
        "const rows = Array.from({ length: 50 }, (_, i) => ({ step: i, loss: Math.exp(-i / 10) }));",
        "// %%",
        'await show(lineChart(rows, { x: "step", y: "loss", title: "loss during $\\\\eta$-GD" }));',
      ].join("\n");
      const source = join(work, "src", "chart.ipynb");
      await Deno.mkdir(dirname(source));
      await Deno.writeTextFile(source, JSON.stringify(notebookFromScript(script)));
      // Executed headless, as reproduce and the runner do: nothing signs it.
      const run = await runNotebook(source, {
        outDir: work,
        env: await kernelEnv(),
        cellTimeout: 120,
      });
      assert.equal(run.charts, 1, run.problems.join("; "));
      await withNotebook(work, async (page, url) => {
        await page.goto(url("notebooks/chart.ipynb"));
        await page.waitForFunction(
          // deno-lint-ignore no-explicit-any
          () => (globalThis as any).Jupyter?.notebook?.get_cells?.().length > 0,
          undefined,
          { timeout: 60_000 },
        );
        const trusted = await page.evaluate(() =>
          // deno-lint-ignore no-explicit-any
          (globalThis as any).Jupyter.notebook.trusted
        );
        assert.equal(trusted, false, "the executed notebook opens untrusted");
        const image = page.locator(".output_png img");
        await image.first().waitFor({ timeout: 30_000 });
        assert.equal(await page.locator(".output_svg svg").count(), 0, "no SVG when untrusted");
        await image.first().scrollIntoViewIfNeeded();
        assert.ok(await image.first().isVisible(), "the chart's image is visible");
        const box = await image.first().boundingBox();
        // Drawn at its CSS size (the PNG has twice the pixels, for sharp screens).
        assert.ok(box && box.width > 300 && box.width < 700, `image size ${JSON.stringify(box)}`);
        const natural = await image.first().evaluate((img) =>
          (img as unknown as { naturalWidth: number }).naturalWidth
        );
        assert.ok(Math.abs(natural - 2 * box.width) <= 2, `${natural} px drawn at ${box.width}`);
        await Deno.mkdir(join(root, "out"), { recursive: true });
        await page.screenshot({ path: join(root, "out", "untrusted-notebook.png") });
      });
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});
