/**
 * Just enough of the Jupyter wire protocol to talk to the kernel minima runs in, from inside
 * it: ZMTP 3.0 over TCP with the NULL mechanism (what Jupyter uses), a DEALER socket for the
 * control channel and a SUB socket for IOPub, and HMAC-SHA256 signed messages. The interrupt
 * watcher uses it to follow the kernel's busy/idle status and to send the kernel its own
 * `interrupt_request`.
 *
 * @module
 */

/** The fields of a Jupyter connection file minima uses. */
export interface ConnectionInfo {
  ip: string;
  transport: string;
  key: string;
  signature_scheme?: string;
  control_port: number;
  iopub_port: number;
}

/** A decoded Jupyter message (buffers dropped). */
export interface WireMessage {
  header: { msg_id?: string; msg_type?: string };
  parent_header: { msg_id?: string; msg_type?: string };
  content: Record<string, unknown>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const DELIMITER = "<IDS|MSG>";

/** A ZMTP connection: greeting and READY exchanged, then whole messages in and out. */
export class ZmtpConnection {
  #conn: Deno.Conn;
  #buffer = new Uint8Array(0);

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /**
   * Connects and performs the ZMTP 3.0 NULL handshake.
   *
   * @param hostname The kernel's address.
   * @param port The channel's port.
   * @param socketType "DEALER", "SUB", ...
   * @returns The open connection.
   */
  static async connect(
    hostname: string,
    port: number,
    socketType: string,
  ): Promise<ZmtpConnection> {
    const conn = await Deno.connect({ hostname, port });
    // Small messages must leave at once: a subscription held back by Nagle's algorithm waited
    // in the kernel's own process until its next publication.
    conn.setNoDelay(true);
    const z = new ZmtpConnection(conn);
    try {
      // Greeting, READY and (for SUB) the subscription to everything go out together; the
      // peer's greeting and READY are read after.
      const hello = [greeting(), frame(readyCommand(socketType), false, true)];
      if (socketType === "SUB") hello.push(frame(new Uint8Array([1]), false, false));
      await z.#write(concat(hello));
      await z.#read(64);
      await z.receive(); // the peer's READY
    } catch (error) {
      z.close();
      throw error;
    }
    return z;
  }

  /** Sends one multipart message. */
  async send(frames: Uint8Array[]): Promise<void> {
    await this.#write(concat(frames.map((f, i) => frame(f, i < frames.length - 1, false))));
  }

  /** Receives one multipart message (or one command). */
  async receive(): Promise<Uint8Array[]> {
    const frames: Uint8Array[] = [];
    while (true) {
      const [flags] = await this.#read(1);
      let size: number;
      if (flags & 0x02) {
        const b = await this.#read(8);
        const view = new DataView(b.buffer, b.byteOffset, 8);
        size = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
      } else {
        size = (await this.#read(1))[0];
      }
      frames.push(await this.#read(size));
      if (flags & 0x04 || !(flags & 0x01)) return frames;
    }
  }

  /** Closes the connection (idempotent). */
  close(): void {
    try {
      this.#conn.close();
    } catch { /* already closed */ }
  }

  async #write(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) at += await this.#conn.write(bytes.subarray(at));
  }

  async #read(n: number): Promise<Uint8Array> {
    if (this.#buffer.length >= n) {
      const out = this.#buffer.slice(0, n);
      this.#buffer = this.#buffer.subarray(n);
      return out;
    }
    // Copy what is buffered, then read the rest straight into place (large IOPub messages).
    const out = new Uint8Array(n);
    out.set(this.#buffer);
    let at = this.#buffer.length;
    this.#buffer = new Uint8Array(0);
    while (at < n) {
      if (n - at < 4096) {
        const chunk = new Uint8Array(65536);
        const got = await this.#conn.read(chunk);
        if (got === null) throw new Error("the kernel closed the connection");
        const use = Math.min(got, n - at);
        out.set(chunk.subarray(0, use), at);
        at += use;
        this.#buffer = chunk.slice(use, got);
      } else {
        const got = await this.#conn.read(out.subarray(at));
        if (got === null) throw new Error("the kernel closed the connection");
        at += got;
      }
    }
    return out;
  }
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

function greeting(): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3; // ZMTP 3.0
  g.set(encoder.encode("NULL"), 12);
  return g;
}

function readyCommand(socketType: string): Uint8Array {
  const name = encoder.encode("READY");
  const key = encoder.encode("Socket-Type");
  const value = encoder.encode(socketType);
  const body = new Uint8Array(1 + name.length + 1 + key.length + 4 + value.length);
  let at = 0;
  body[at++] = name.length;
  body.set(name, at);
  at += name.length;
  body[at++] = key.length;
  body.set(key, at);
  at += key.length;
  new DataView(body.buffer).setUint32(at, value.length);
  body.set(value, at + 4);
  return body;
}

function frame(body: Uint8Array, more: boolean, command: boolean): Uint8Array {
  const long = body.length > 255;
  const flags = (more ? 0x01 : 0) | (long ? 0x02 : 0) | (command ? 0x04 : 0);
  const out = new Uint8Array((long ? 9 : 2) + body.length);
  out[0] = flags;
  if (long) new DataView(out.buffer).setUint32(5, body.length);
  else out[1] = body.length;
  out.set(body, long ? 9 : 2);
  return out;
}

/**
 * The frames of a signed Jupyter message (as a DEALER sends it: no routing identities).
 *
 * @param key The connection's HMAC key ("" signs nothing).
 * @param msgType The message type, e.g. "interrupt_request".
 * @param content The content.
 * @returns The frames.
 */
export async function encodeMessage(
  key: string,
  msgType: string,
  content: Record<string, unknown>,
): Promise<Uint8Array[]> {
  const header = {
    msg_id: crypto.randomUUID(),
    session: "minima-interrupt",
    username: "minima",
    date: new Date().toISOString(),
    msg_type: msgType,
    version: "5.3",
  };
  const parts = [header, {}, {}, content].map((p) => encoder.encode(JSON.stringify(p)));
  return [encoder.encode(DELIMITER), encoder.encode(await sign(key, parts)), ...parts];
}

/**
 * Reads a Jupyter message's header, parent header and content; undefined for frames that are
 * not one.
 *
 * @param frames The frames received.
 * @returns The message.
 */
export function decodeMessage(frames: Uint8Array[]): WireMessage | undefined {
  const at = frames.findIndex((f) =>
    f.length === DELIMITER.length && decoder.decode(f) === DELIMITER
  );
  if (at < 0 || frames.length < at + 6) return undefined;
  try {
    return {
      header: JSON.parse(decoder.decode(frames[at + 2])),
      parent_header: JSON.parse(decoder.decode(frames[at + 3])),
      // Only small contents are parsed: status and interrupt messages, not displayed charts.
      content: frames[at + 5].length < 4096 ? JSON.parse(decoder.decode(frames[at + 5])) : {},
    };
  } catch {
    return undefined;
  }
}

async function sign(key: string, parts: Uint8Array[]): Promise<string> {
  if (!key) return "";
  const k = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, concat(parts)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}
