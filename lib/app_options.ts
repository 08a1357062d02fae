/**
 * The options an `App` is made with, and the `Logger` it reports to. Types
 * only: this file imports nothing, so every other file may depend on it.
 *
 * @module
 */

/**
 * Where latch reports what nobody handled: unhandled errors and failed builds.
 * `console` fits, and so does any structured logger with an `error` method.
 *
 * @example Send reports to a JSON log
 * ```ts
 * import { App, type Logger } from "@latch/latch";
 *
 * const logger: Logger = {
 *   error: (message, error) => console.error(JSON.stringify({ message, error: String(error) })),
 * };
 * new App({ logger });
 * ```
 */
export interface Logger {
  /** Reports an error; `message` names the request or the build it came from. */
  error(message: string, error?: unknown): void;
}

/**
 * Options for {@linkcode App}.
 *
 * @example
 * ```ts
 * import { App, type AppOptions } from "@latch/latch";
 *
 * const options: AppOptions = { debug: true, logger: console };
 * new App(options);
 * ```
 */
export interface AppOptions {
  /** Put error messages and stack traces in 500 responses. Never in production. Defaults to `false`. */
  debug?: boolean;
  /** Where unhandled errors and failed builds are reported. Defaults to `console`. */
  logger?: Logger;
  /**
   * How long, in milliseconds, a build attempt may take before it is
   * abandoned. Defaults to no limit. When an attempt runs over (a factory or
   * startup hook that never settles), every request waiting on it gets `503`
   * with a `Retry-After` header, `ready()` rejects, and the next request or
   * `ready()` starts a fresh attempt. The abandoned attempt is never served:
   * when its hung step settles, it stops there and its cleanups run.
   */
  buildTimeout?: number | undefined;
}
