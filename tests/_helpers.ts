/**
 * Test helpers shared by the suites: requests in one call, a logger that
 * records, and a counter of unhandled rejections that works on Deno and Bun.
 *
 * @module
 */

import process from "node:process";
import type { App, Logger } from "../mod.ts";

/** A handler answering "ok". */
export const ok = (): Response => new Response("ok");

/** A handler answering `body`. */
export const text = (body: string) => (): Response => new Response(body);

/** Calls `app.fetch` with a request for `path` on `http://localhost`. */
export function request(app: App, path: string, init?: RequestInit): Promise<Response> {
  return Promise.resolve(app.fetch(new Request(`http://localhost${path}`, init)));
}

/** A logger that keeps what it was given. */
export interface RecordingLogger extends Logger {
  readonly entries: { message: string; error: unknown }[];
}

/** Makes a {@linkcode RecordingLogger}. */
export function recordingLogger(): RecordingLogger {
  const entries: { message: string; error: unknown }[] = [];
  return {
    entries,
    error(message, error) {
      entries.push({ message, error });
    },
  };
}

/** Counts unhandled rejections from now until `stop()`, on both runtimes. */
export function watchUnhandledRejections(): { readonly count: () => number; stop(): void } {
  let count = 0;
  const onRejection = () => {
    count++;
  };
  process.on("unhandledRejection", onRejection);
  return {
    count: () => count,
    stop: () => {
      process.off("unhandledRejection", onRejection);
    },
  };
}

/** Lets every pending promise reaction and timer of this turn run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * `response` with headers that throw a TypeError on any change, as Deno's
 * immutable ones do (a `Response.redirect()`, a `fetch()` response), on every
 * runtime: Bun's are mutable, so its own would not test the copy path.
 */
export function immutable(response: Response): Response {
  const headers = response.headers;
  const locked = new Proxy(headers, {
    get(target, key) {
      if (key === "set" || key === "append" || key === "delete") {
        return () => {
          throw new TypeError("Headers are immutable");
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  Object.defineProperty(response, "headers", { value: locked });
  return response;
}
