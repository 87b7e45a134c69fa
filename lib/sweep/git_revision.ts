import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkCall } from "../_checks.ts";

/** The environment variable a runner sets to the project's git revision. */
export const REVISION_ENV = "MINIMA_GIT_REVISION";

let revision: string | null | undefined;

/**
 * The project's git revision: `MINIMA_GIT_REVISION` when the runner set it, else read from the
 * repository's files (HEAD, loose and packed refs; worktrees too), without running git.
 *
 * @example
 * ```ts
 * import { gitRevision } from "minima";
 * import assert from "node:assert/strict";
 *
 * const rev = gitRevision();
 * assert.ok(rev === null || /^[0-9a-f]{40}$/.test(rev));
 * ```
 *
 * @returns The commit's hash, or null outside a repository.
 */
export function gitRevision(): string | null {
  checkCall("gitRevision", arguments);
  if (revision !== undefined) return revision;
  revision = env(REVISION_ENV) ?? null;
  if (revision) return revision;
  try {
    const root = env("MINIMA_ROOT") ??
      dirname(dirname(dirname(fileURLToPath(import.meta.url))));
    revision = readGitHead(root);
  } catch {
    revision = null;
  }
  return revision;
}

function readGitHead(root: string): string | null {
  let gitDir = join(root, ".git");
  const stat = Deno.statSync(gitDir);
  if (stat.isFile) {
    const m = /^gitdir:\s*(.+)$/m.exec(Deno.readTextFileSync(gitDir));
    if (!m) return null;
    gitDir = resolve(root, m[1].trim());
  }
  let common = gitDir;
  try {
    common = resolve(gitDir, Deno.readTextFileSync(join(gitDir, "commondir")).trim());
  } catch { /* not a worktree */ }
  const head = Deno.readTextFileSync(join(gitDir, "HEAD")).trim();
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
  if (!ref) return null;
  for (const dir of [gitDir, common]) {
    try {
      const hash = Deno.readTextFileSync(join(dir, ref)).trim();
      if (/^[0-9a-f]{40}$/.test(hash)) return hash;
    } catch { /* try packed refs */ }
  }
  try {
    for (const line of Deno.readTextFileSync(join(common, "packed-refs")).split("\n")) {
      const [hash, name] = line.trim().split(" ");
      if (name === ref && /^[0-9a-f]{40}$/.test(hash)) return hash;
    }
  } catch { /* none */ }
  return null;
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}
