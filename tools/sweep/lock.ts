/**
 * One sweep at a time per folder: a lock file created exclusively, naming the process that holds
 * it. A lock left by a process that is gone (same host, no such pid) is taken over.
 *
 * @module
 */

/** Who holds a lock. */
export interface LockHolder {
  pid: number;
  host: string;
  started: string;
  command: string;
}

/** A held lock; `release` removes it. */
export interface SweepLock {
  path: string;
  release(): Promise<void>;
}

/**
 * Takes the lock file, or throws naming its holder.
 *
 * @param path The lock file.
 * @param dir The folder it guards, for the message.
 * @returns The held lock.
 */
export async function acquireLock(path: string, dir: string): Promise<SweepLock> {
  const me: LockHolder = {
    pid: Deno.pid,
    host: Deno.hostname(),
    started: new Date().toISOString(),
    command: ["deno", ...Deno.args].join(" "),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await Deno.open(path, { write: true, createNew: true });
      await file.write(new TextEncoder().encode(JSON.stringify(me) + "\n"));
      file.close();
      return {
        path,
        release: async () => {
          await Deno.remove(path).catch(() => {});
        },
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    let holder: LockHolder | undefined;
    try {
      holder = JSON.parse(await Deno.readTextFile(path));
    } catch { /* being written, or not ours: treat as held */ }
    if (holder && holder.host === me.host && !(await alive(holder.pid))) {
      await Deno.remove(path).catch(() => {});
      continue;
    }
    throw new Error(
      `Cannot sweep into ${dir}: another sweep holds its lock ${path}${
        holder ? ` (pid ${holder.pid} on ${holder.host}, since ${holder.started})` : ""
      }; wait for it to finish or choose another --out (remove the lock only if that sweep is gone)`,
    );
  }
  throw new Error(`Cannot sweep into ${dir}: could not take the lock ${path}`);
}

async function alive(pid: number): Promise<boolean> {
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch {
    return Deno.build.os !== "linux"; // without /proc, assume it runs
  }
}
