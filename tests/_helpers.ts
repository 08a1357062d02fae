/**
 * Test helpers shared by the suites: requests in one call, a logger that
 * records, a counter of unhandled rejections that works on Deno and Bun, and
 * a fake clock for the tests of timeouts.
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

/**
 * The runtime's own timers, taken when this module loads: `settle()` and the
 * guards that bound a test keep working while a {@linkcode fakeClock} holds
 * the global ones.
 */
export const realTimers: {
  readonly setTimeout: typeof setTimeout;
  readonly clearTimeout: typeof clearTimeout;
} = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };

/** Lets every pending promise reaction and timer of this turn run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => realTimers.setTimeout(resolve, 0));
}

/** A clock that a test moves by hand; see {@linkcode fakeClock}. */
export interface FakeClock extends Disposable {
  /** Milliseconds the clock has been moved on since it was installed. */
  now(): number;
  /** How many timers were set since it was installed. */
  set(): number;
  /** How many timers are set and have neither fired nor been cleared. */
  pending(): number;
  /**
   * Moves time on by `ms`. First lets the work in flight run (one real turn),
   * so that a timer about to be set is; then fires every timer that falls due
   * by then, earliest first, letting what each one started run before the next.
   */
  advance(ms: number): Promise<void>;
  /** Puts the real timers back; the timers still pending never fire. Also what `using` calls. */
  restore(): void;
}

/**
 * Timer ids, unique across clocks: a test's leftover clearTimeout(id), run
 * after the next test installed its clock, must not clear that test's timer.
 */
let lastTimerId = 0;

/**
 * Replaces `globalThis.setTimeout` and `clearTimeout` with timers that fire
 * only when the test calls `advance()`, so a timeout test counts
 * milliseconds instead of sleeping them, and a timer that is never set (or
 * set for longer) shows as a test that fails, not as a slow one. It works for
 * whatever reads the global timers when it sets one, as `timeout()` and the
 * app's `buildTimeout` do. Install it with `using` so it is restored even
 * when an assertion fails: `using clock = fakeClock(); …; await clock.advance(5);`.
 * `tests/fake_clock_test.ts` shows what it does.
 */
export function fakeClock(): FakeClock {
  const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  const timers = new Map<number, { at: number; fire: () => void }>();
  let now = 0;
  let set = 0;
  const fakeSetTimeout = (
    callback: (...args: unknown[]) => void,
    delay = 0,
    ...args: unknown[]
  ): number => {
    set++;
    const id = ++lastTimerId;
    // As the real ones: a negative, NaN or missing delay is 0.
    timers.set(id, { at: now + Math.max(0, Number(delay) || 0), fire: () => callback(...args) });
    return id;
  };
  // Node's types add a `__promisify__` that nothing in latch or its tests calls.
  globalThis.setTimeout = fakeSetTimeout as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((id?: number) => {
    if (id !== undefined) timers.delete(id);
  }) as typeof clearTimeout;
  const restore = () => {
    globalThis.setTimeout = real.setTimeout;
    globalThis.clearTimeout = real.clearTimeout;
    timers.clear();
  };
  return {
    now: () => now,
    set: () => set,
    pending: () => timers.size,
    async advance(ms) {
      const until = now + ms;
      await settle();
      for (;;) {
        let next: number | undefined;
        // Ids grow as timers are set, so the first one found at the earliest time was set first.
        for (const [id, timer] of timers) {
          if (timer.at <= until && (next === undefined || timer.at < timers.get(next)!.at)) {
            next = id;
          }
        }
        if (next === undefined) break;
        const timer = timers.get(next)!;
        timers.delete(next);
        now = timer.at;
        timer.fire();
        await settle();
      }
      now = until;
    },
    restore,
    [Symbol.dispose]: restore,
  };
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
