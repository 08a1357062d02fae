/**
 * `serve()`'s options checked and completed: every wrong option throws when
 * `serve()` is called, saying what to write, and the defaults come from
 * `PORT` and `HOST` (read only when the option is not given).
 *
 * @module
 */

import process from "node:process";
import type { ListenInfo, ServableApp, ServeOptions, ShutdownSignal } from "./serve_options.ts";

/** The options of one `serve()` call, complete. */
export interface _Settings {
  readonly hostname: string;
  readonly port: number;
  readonly warm: boolean;
  readonly health: string | undefined;
  readonly signals: readonly ShutdownSignal[];
  readonly drainMs: number;
  readonly onListen: (info: ListenInfo) => void;
}

const _SIGNALS: readonly ShutdownSignal[] = [
  "SIGINT",
  "SIGTERM",
  "SIGHUP",
  "SIGQUIT",
  "SIGUSR1",
  "SIGUSR2",
];

const _OPTIONS = new Set([
  "port",
  "hostname",
  "warm",
  "health",
  "shutdown",
  "onListen",
]);

/** Prints where the server listens, as `Deno.serve` does. */
function _printListening({ url }: ListenInfo): void {
  console.log(`Listening on ${url}/`);
}

/**
 * Checks `app` and `options` and fills in the defaults.
 *
 * @throws {TypeError} For an option of the wrong kind or an app without `fetch`.
 * @throws {RangeError} For a port outside 0–65535 (from the option or `PORT`) or a negative `drainMs`.
 */
export function _settings(app: ServableApp, options: ServeOptions): _Settings {
  if (typeof app?.fetch !== "function" || typeof app.ready !== "function") {
    throw new TypeError(
      `serve() takes an app with fetch() and ready(), such as new App(), got ${_describe(app)}`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `serve()'s options must be an object, got ${_describe(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!_OPTIONS.has(key)) {
      throw new TypeError(
        `serve() has no option "${key}": use port, hostname, warm, health, shutdown or onListen`,
      );
    }
  }
  const port = options.port ?? _portFromEnv();
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(
      `serve()'s port must be an integer from 0 to 65535, got ${_describe(port)}`,
    );
  }
  const hostname = options.hostname ?? (_env("HOST") || "127.0.0.1");
  if (typeof hostname !== "string" || hostname === "") {
    throw new TypeError(
      `serve()'s hostname must be an address such as "127.0.0.1", got ${_describe(hostname)}`,
    );
  }
  const health = options.health;
  if (
    health !== undefined &&
    (typeof health !== "string" || !/^\/[^?#]*$/.test(health))
  ) {
    throw new TypeError(
      `serve()'s health must be a path such as "/healthz" (no query), got ${_describe(health)}`,
    );
  }
  if (options.warm !== undefined && typeof options.warm !== "boolean") {
    throw new TypeError(
      `serve()'s warm must be true or false, got ${_describe(options.warm)}`,
    );
  }
  if (
    options.onListen !== undefined && typeof options.onListen !== "function"
  ) {
    throw new TypeError(
      `serve()'s onListen must be a function such as ({ url }) => …, got ${
        _describe(options.onListen)
      }`,
    );
  }
  const shutdown = options.shutdown ?? {};
  if (
    shutdown !== false && (typeof shutdown !== "object" || shutdown === null)
  ) {
    throw new TypeError(
      `serve()'s shutdown must be { signals, drainMs } or false, got ${_describe(shutdown)}`,
    );
  }
  const signals = shutdown === false ? [] : shutdown.signals ?? ["SIGINT", "SIGTERM"];
  if (
    !Array.isArray(signals) ||
    signals.some((signal) => !_SIGNALS.includes(signal))
  ) {
    throw new TypeError(
      `serve()'s shutdown.signals must be a list of ${_SIGNALS.join(", ")}, got ${
        _describe(signals)
      }`,
    );
  }
  const drainMs = (shutdown === false ? undefined : shutdown.drainMs) ?? 10_000;
  if (typeof drainMs !== "number" || !(drainMs >= 0) || drainMs === Infinity) {
    throw new RangeError(
      `serve()'s shutdown.drainMs must be a number of milliseconds, 0 or more, got ${
        _describe(drainMs)
      }`,
    );
  }
  return {
    hostname,
    port,
    warm: options.warm ?? false,
    health,
    signals: [...new Set(signals)],
    drainMs,
    onListen: options.onListen ?? _printListening,
  };
}

/** `PORT`, or 8000 when it is unset or empty. */
function _portFromEnv(): number {
  const value = _env("PORT");
  if (value === undefined || value === "") return 8000;
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port <= 65535)) {
    throw new RangeError(
      `PORT must be a port number from 0 to 65535, got "${value}": fix it, or pass serve(app, { port })`,
    );
  }
  return port;
}

function _env(name: string): string | undefined {
  return process.env[name];
}

function _describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}
