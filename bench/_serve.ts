/**
 * `serve`: one way to start a loopback server on Deno or on Bun, for the
 * child processes of the HTTP and cold-start benchmarks. It listens on
 * 127.0.0.1 with a port the system picks, and exits on SIGTERM or after
 * `lifetimeMs`, whichever comes first.
 *
 * @module
 */

import type { FetchFunction } from "./_peers.ts";

/** A started server. */
export interface Served {
  /** The port it listens on. */
  readonly port: number;
}

interface DenoLike {
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: FetchFunction,
  ): { addr: { port: number } };
}

interface BunLike {
  serve(options: { hostname: string; port: number; fetch: FetchFunction }): { port: number };
}

/**
 * Serves `fetch` on 127.0.0.1, port 0.
 *
 * @param fetch What answers requests.
 * @param lifetimeMs When to exit at the latest.
 * @returns The port.
 */
export function serve(fetch: FetchFunction, lifetimeMs = 120_000): Served {
  exitWhenTold(lifetimeMs);
  const { Deno: deno, Bun: bun } = globalThis as { Deno?: DenoLike; Bun?: BunLike };
  if (bun !== undefined) return { port: bun.serve({ hostname: "127.0.0.1", port: 0, fetch }).port };
  if (deno !== undefined) {
    const server = deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, fetch);
    return { port: server.addr.port };
  }
  throw new Error("Run this on Deno or Bun");
}

/**
 * Makes the process exit on SIGTERM or after `lifetimeMs`, whichever comes
 * first: what {@linkcode serve} does before listening, for a server that
 * listens its own way (Elysia's `app.listen()`).
 *
 * @param lifetimeMs When to exit at the latest.
 */
export function exitWhenTold(lifetimeMs = 120_000): void {
  const process = (globalThis as {
    process: { on(signal: string, listener: () => void): void; exit(code: number): void };
  }).process;
  process.on("SIGTERM", () => process.exit(0));
  // Unreferenced where the runtime allows it would not keep a stuck server alive; a
  // plain timer is what both runtimes accept, and exiting is what it is for.
  setTimeout(() => process.exit(0), lifetimeMs);
}
