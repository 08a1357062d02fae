/**
 * `serve()`: an app on the runtime's own server (Deno, Bun, or Node.js
 * through srvx), with an optional warm build, a readiness answer in front of
 * the app, and a graceful shutdown on SIGINT and SIGTERM.
 *
 * @module
 */

import process from "node:process";
import { _hasPath, _healthResponse, _healthStatus, type _ServerPhase } from "./_health.ts";
import { type _Handler, _listen, type _Listener } from "./_listen.ts";
import { type _Settings, _settings } from "./_settings.ts";
import { _onSignals } from "./_signals.ts";
import type { ServableApp, ServeOptions, Server } from "./serve_options.ts";

/**
 * Serves `app` on the runtime's own server: `Deno.serve` on Deno,
 * `Bun.serve` on Bun, srvx on Node.js (install it: `npm install srvx`).
 *
 * It listens on `hostname:port` (defaults: `HOST` or `127.0.0.1`, `PORT` or
 * `8000`), after building the app if `warm`. On SIGINT or SIGTERM (see
 * `shutdown`) or `server.shutdown()`, it stops accepting connections, lets
 * the requests in flight finish (up to `drainMs`, then cuts them), closes
 * the app, and resolves `finished`; a second signal meanwhile exits at once.
 * With `health`, that path is answered in front of the app: `200` once it is
 * built, `503` while it is cold, building, failed, draining or closed.
 *
 * @param app The app: a latch `App`, or anything with its `fetch`, `ready`, `close`, `built` and `stats`.
 * @param options Where to listen, `warm`, `health`, `shutdown`, `onListen`.
 * @returns The running server: its `url` once it listens, `finished`, and `shutdown()`.
 * @throws {TypeError} For a wrong option, at once, saying what to pass.
 * @throws {RangeError} For a port outside 0–65535, from `port` or `PORT`.
 *
 * @example Serve, ask, shut down
 * ```ts
 * import { App } from "@latch/latch";
 * import { serve } from "@latch/latch/serve";
 * import assert from "node:assert/strict";
 *
 * const app = new App().get("/", () => new Response("hello"));
 * const server = serve(app, { port: 0, warm: true, health: "/healthz", onListen() {} });
 * const url = await server.url;
 * assert.equal((await fetch(`${url}/healthz`)).status, 200);
 * assert.equal(await (await fetch(`${url}/`)).text(), "hello");
 * await server.shutdown(); // or SIGTERM: drains, then app.close()
 * await server.finished;
 * ```
 */
export function serve(app: ServableApp, options: ServeOptions = {}): Server {
  const served = new _ServedApp(app, _settings(app, options));
  return {
    url: served.url.promise,
    finished: served.finished.promise,
    shutdown: () => served.shutdown(),
  };
}

/** A promise with its settlers. Marked handled: an unobserved rejection is not a crash. */
interface _Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function _deferred<T>(): _Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((fulfil, fail) => {
    resolve = fulfil;
    reject = fail;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** The URL of a listening address, IPv6 in brackets, without a trailing slash. */
function _urlOf(hostname: string, port: number): string {
  return `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

/** One `serve()` call, from the warm build to `finished`. */
class _ServedApp {
  readonly url: _Deferred<string> = _deferred();
  readonly finished: _Deferred<void> = _deferred();
  /** Read per health request. */
  phase: _ServerPhase = "starting";
  readonly #app: ServableApp;
  readonly #settings: _Settings;
  readonly #started: Promise<void>;
  readonly #removeSignals: () => void;
  #listener: _Listener | undefined;
  #failed = false;
  #signalled = false;
  #stopping: Promise<void> | undefined;

  constructor(app: ServableApp, settings: _Settings) {
    this.#app = app;
    this.#settings = settings;
    this.#removeSignals = settings.signals.length === 0 ? () => {} : _onSignals(
      settings.signals,
      () => {
        this.#signalled = true;
        void this.shutdown();
      },
    );
    this.#started = this.#start();
  }

  shutdown(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.finished.promise;
  }

  async #start(): Promise<void> {
    try {
      if (this.#settings.warm) await this.#app.ready();
      // Shut down during the warm build: it never listens.
      if (this.#stopping !== undefined) return;
      const listener = await _listen(this.#handler(), {
        hostname: this.#settings.hostname,
        port: this.#settings.port,
        websocket: this.#app.websocket,
      });
      this.#listener = listener;
      this.phase = "serving";
      const { runtime, hostname, port } = listener;
      const url = _urlOf(hostname, port);
      this.url.resolve(url);
      this.#settings.onListen({ url, hostname, port, runtime });
    } catch (error) {
      await this.#fail(error);
    }
  }

  /** It could not start: nothing listens, and `url` and `finished` reject with why. */
  async #fail(error: unknown): Promise<void> {
    this.#failed = true;
    this.phase = "closed";
    this.#removeSignals();
    if (this.#listener !== undefined) {
      await this.#listener.cut().catch(() => {});
      await this.#listener.stop().catch(() => {});
    }
    this.url.reject(error);
    this.finished.reject(error);
    // The process exits when nothing else keeps it alive: say that it failed.
    if (!process.exitCode) process.exitCode = 1;
  }

  async #stop(): Promise<void> {
    await this.#started;
    if (this.#failed) return;
    this.phase = "draining";
    let failure: { error: unknown } | undefined;
    const listener = this.#listener;
    if (listener === undefined) {
      this.url.reject(
        new Error("The server was shut down during its warm build, before it listened"),
      );
    } else {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cut = new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => listener.cut().then(resolve, reject),
          this.#settings.drainMs,
        );
      });
      try {
        await Promise.race([listener.stop(), cut]);
      } catch (error) {
        failure = { error };
      } finally {
        clearTimeout(timer);
      }
    }
    try {
      await this.#app.close();
    } catch (error) {
      failure ??= { error };
    }
    this.phase = "closed";
    this.#removeSignals();
    if (failure === undefined) return this.finished.resolve();
    if (this.#signalled) {
      // Nobody called shutdown() to hear of it: log it, and exit non-zero.
      console.error("serve(): the shutdown failed", failure.error);
      if (!process.exitCode) process.exitCode = 1;
    }
    this.finished.reject(failure.error);
  }

  /** The app's fetch, with the health path answered in front of it when asked for. */
  #handler(): _Handler {
    const app = this.#app;
    const health = this.#settings.health;
    if (health === undefined) return (request, env) => app.fetch(request, env);
    return (request, env) =>
      _hasPath(request.url, health)
        ? _healthResponse(request, _healthStatus(app, this.phase))
        : app.fetch(request, env);
  }
}
