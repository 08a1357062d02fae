/**
 * Helpers for the reliability suites: raw HTTP over a socket (to send what
 * `fetch` and `Request` refuse or rewrite), a bound on how long a test waits,
 * and child processes on the test's own runtime.
 *
 * @module
 */

import net from "node:net";
import process from "node:process";
import { type ChildProcess, spawn } from "node:child_process";
import { realTimers, settle, watchUnhandledRejections } from "./_helpers.ts";

/** What came back on a raw socket: the bytes as Latin-1 text, and how the connection ended. */
export interface RawReply {
  /** Everything received, decoded byte for byte (Latin-1), so nothing is lost to UTF-8 decoding. */
  readonly text: string;
  /** `"close"` for an orderly close, else the socket error's code (`"ECONNRESET"`). */
  readonly ending: string;
  /** The status line, or `""` when no bytes came back. */
  readonly statusLine: string;
  /** The status code, or `undefined` when no status line came back. */
  readonly status: number | undefined;
}

/**
 * Sends `head` (a request line and headers, `\r\n`-separated, sent as Latin-1
 * bytes) to the server at `url` and collects everything until the connection
 * ends. `onData` sees the text so far after each chunk.
 */
export function rawRequest(
  url: string,
  head: string,
  onData?: (soFar: string) => void,
): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let text = "";
    let done = false;
    const finish = (ending: string) => {
      if (done) return;
      done = true;
      socket.destroy();
      const statusLine = text.split("\r\n", 1)[0] ?? "";
      const match = statusLine.match(/^HTTP\/1\.[01] (\d{3})/);
      resolve({ text, ending, statusLine, status: match ? Number(match[1]) : undefined });
    };
    socket.on("data", (chunk: Uint8Array) => {
      for (const byte of chunk) text += String.fromCharCode(byte);
      onData?.(text);
    });
    socket.on("error", (error: Error & { code?: string }) => finish(error.code ?? error.name));
    socket.on("close", () => finish("close"));
    socket.write(Uint8Array.from(head, (character) => character.charCodeAt(0) & 0xff));
  });
}

/** A request head for `rawRequest`: `method target HTTP/1.1`, a Host and `Connection: close`. */
export function rawHead(method: string, target: string, headers: string[] = []): string {
  return [
    `${method} ${target} HTTP/1.1`,
    "Host: localhost",
    "Connection: close",
    ...headers,
    "",
    "",
  ]
    .join("\r\n");
}

/** The body of a raw reply: after the blank line, chunked framing left as it came. */
export function rawBody(reply: RawReply): string {
  const at = reply.text.indexOf("\r\n\r\n");
  return at === -1 ? "" : reply.text.slice(at + 4);
}

/**
 * Resolves as `promise` does, or rejects saying `what` did not happen within
 * `ms`: a guard so that a test of behaviour that is missing fails instead of
 * hanging the suite. Its timer is cleared as soon as `promise` settles. It is
 * a real timer, so it bounds a test that runs on a `fakeClock()` too.
 */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = realTimers.setTimeout(
      () => reject(new Error(`${what}: nothing within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => realTimers.clearTimeout(timer));
}

/** Whether `promise` has settled by the time every pending reaction and timer of this turn ran. */
export async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  await settle();
  return settled;
}

/**
 * Runs `body` while counting unhandled rejections, lets what it left pending
 * run, and fails if any rejection went unhandled: every fault test ends with
 * this check.
 */
export async function withoutUnhandledRejections(body: () => Promise<void>): Promise<void> {
  const rejections = watchUnhandledRejections();
  try {
    await body();
    await settle();
    await settle();
  } finally {
    rejections.stop();
  }
  if (rejections.count() !== 0) {
    throw new Error(`${rejections.count()} unhandled rejection(s) during the test`);
  }
}

/** A child process and its output so far. */
export interface Child {
  readonly process: ChildProcess;
  /** Everything it wrote to stdout. */
  stdout(): string;
  /** Everything it wrote to stderr. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout, or rejects after `ms` (or when it exits first). */
  waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray>;
  /** Resolves with its exit code (or the signal that ended it). */
  readonly exited: Promise<number | string>;
}

/** Spawns `command` with `args`, collecting its output. */
export function spawnChild(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Child {
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  const decoder = new TextDecoder();
  child.stdout?.on("data", (chunk: Uint8Array) => {
    stdout += decoder.decode(chunk, { stream: true });
    for (const listener of listeners) listener();
  });
  child.stderr?.on("data", (chunk: Uint8Array) => {
    stderr += new TextDecoder().decode(chunk);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      resolve(code ?? signal ?? "unknown");
      for (const listener of listeners) listener();
    });
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  return {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor(pattern, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = stdout.match(pattern);
          if (match !== null) {
            done();
            resolve(match);
          } else if (hasExited || child.exitCode !== null) {
            done();
            reject(new Error(`exited before printing ${pattern}: ${stdout}${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${ms} ms: ${stdout}${stderr}`));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}
