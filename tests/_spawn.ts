/**
 * Runs a server as a child process for the end-to-end tests, on Deno and Bun
 * alike (`Deno.Command` on Deno, `node:child_process` on Bun): start it, wait
 * for the line that says where it listens, talk to it over HTTP, stop it with
 * a signal and get its exit code. Every wait is bounded and reports what the
 * child printed.
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { runtime } from "./_serve.ts";

/** A server running as a child process. */
export interface SpawnedServer {
  /** What the listening pattern matched; `match[1]` is usually the URL. */
  readonly match: RegExpMatchArray;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code once it has exited. */
  stop(signal?: "SIGTERM" | "SIGINT"): Promise<number>;
}

/** Options for {@linkcode spawnServer}. */
export interface SpawnOptions {
  /** Matched against everything printed; resolves once it matches. */
  listening: RegExp;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** How long to wait for `listening`, in milliseconds. Defaults to 20 000. */
  timeoutMs?: number;
}

/** The repository root: the children run from there, as `npm start` does. */
export const root: string = new URL("..", import.meta.url).pathname;

/** The runtime binary running these tests: `deno` on Deno, `bun` on Bun. */
export const runtimeBinary: string = process.execPath;

/** Local binaries installed by npm, such as `bun` and `workerd`. */
export function localBinary(name: string): string {
  return `${root}node_modules/.bin/${name}`;
}

/** A child process as both runtimes can run it: its output, a way to signal it, its exit. */
interface _Child {
  onOutput(listener: (text: string) => void): void;
  kill(signal: "SIGTERM" | "SIGINT" | "SIGKILL"): void;
  /** The exit code, or -1 if a signal ended it. */
  readonly exited: Promise<number>;
}

/**
 * Starts `command args` in the repository root and waits until its output
 * matches `options.listening`. Throws, after killing it, if it exits first or
 * takes longer than `timeoutMs`.
 */
export function spawnServer(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): Promise<SpawnedServer> {
  const env = { ...process.env, NO_COLOR: "1", ...options.env } as Record<string, string>;
  const child = runtime === "deno"
    ? _denoChild(command, args, env)
    : _nodeChild(command, args, env);
  let output = "";
  let listening = false;
  let exitCode: number | undefined;
  child.exited.then((code) => exitCode = code);
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise<SpawnedServer>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      if (exitCode === undefined) child.kill("SIGKILL");
      child.exited.then(() => reject(new Error(`${command} ${args.join(" ")}: ${why}\n${output}`)));
    };
    const timer = setTimeout(
      () => fail(`no match for ${options.listening} in ${timeoutMs} ms`),
      timeoutMs,
    );
    child.onOutput((text) => {
      output += text;
      if (listening) return;
      const match = output.match(options.listening);
      if (match === null) return;
      listening = true;
      clearTimeout(timer);
      resolve({
        match,
        output: () => output,
        stop: (signal = "SIGTERM") => {
          if (exitCode === undefined) child.kill(signal);
          return _bounded(child.exited, 10_000, () => {
            child.kill("SIGKILL");
            return `${command} did not exit within 10 s of ${signal}\n${output}`;
          });
        },
      });
    });
    child.exited.then((code) => {
      if (!listening) fail(`exited with ${code} before listening`);
    });
  });
}

/**
 * Deno's own `Deno.Command`: its `node:child_process` reports a child that
 * handled SIGTERM and exited 0 as killed by SIGTERM (Deno 2.9.6), which would
 * hide whether the server shut down cleanly.
 */
function _denoChild(command: string, args: readonly string[], env: Record<string, string>): _Child {
  const child = new Deno.Command(command, {
    args: [...args],
    cwd: root,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const listeners: ((text: string) => void)[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      for (const listener of listeners) listener(text);
    }
  };
  const drained = Promise.all([pump(child.stdout), pump(child.stderr)]);
  return {
    onOutput: (listener) => listeners.push(listener),
    kill: (signal) => {
      try {
        child.kill(signal);
      } catch {
        // Already exited.
      }
    },
    exited: Promise.all([child.status, drained]).then(([status]) =>
      status.signal === null ? status.code : -1
    ),
  };
}

function _nodeChild(command: string, args: readonly string[], env: Record<string, string>): _Child {
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const decoder = new TextDecoder();
  return {
    onOutput: (listener) => {
      child.stdout?.on("data", (chunk: Uint8Array) => listener(decoder.decode(chunk)));
      child.stderr?.on("data", (chunk: Uint8Array) => listener(decoder.decode(chunk)));
    },
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited: new Promise((resolve) =>
      child.once("exit", (code, signal) => resolve(signal === null ? code ?? -1 : -1))
    ),
  };
}

/** `promise`, or a rejection with `describe()` if it takes longer than `ms`. */
function _bounded<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `command args` in the repository root to the end; throws with its output unless it exits 0. */
export function runToEnd(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", timeout: 60_000 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status}\n${output}`);
  }
  return output;
}
