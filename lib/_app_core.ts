/**
 * The lifecycle behind an `App`: registration state, the one memoized build,
 * its undo when it fails, and `close()`. `App` holds the public API and its
 * documentation; this holds the state machine, so the two can be read apart.
 *
 * Phases: `open` (registering) → `starting` (startup hooks run and may still
 * register) → `frozen` (building or built) → `closed`. A failed build goes
 * back to `open`.
 *
 * @module
 */

import type { App, AppOptions, BuildStats, FetchHandler, Logger } from "./app.ts";
import type { Build, Cleanup, StartupHook } from "./build.ts";
import type { ExecutionContext, Handler } from "./context.ts";
import type { RouteDefinition } from "./router.ts";
import { _ErrorResponder, _isThenable, _log } from "./_error_layer.ts";
import { _Cleanups } from "./_cleanups.ts";
import { _composeStack } from "./_stack.ts";
import { _mountedContext } from "./_request_context.ts";
import { type _Mount, _Registry } from "./_registry.ts";
import { problemResponse } from "./problem.ts";
import { _describe } from "./_describe.ts";
import { _stripSegments } from "./_http.ts";

type _Phase = "open" | "starting" | "frozen" | "closed";

/** Methods the Fetch standard forbids in `new Request()`. */
const _FORBIDDEN_METHODS: ReadonlySet<string> = new Set(["CONNECT", "TRACE", "TRACK"]);

/** The `App` methods that register, refused to a startup hook whose attempt was abandoned. */
const _REGISTRATIONS: ReadonlySet<PropertyKey> = new Set([
  "use",
  "get",
  "post",
  "put",
  "patch",
  "delete",
  "options",
  "all",
  "on",
  "mount",
  "onError",
  "onStartup",
]);

/** The app whose startup hook is running its synchronous part right now, to catch a hook that waits on its own build. */
let _runningHook: _AppCore | undefined;

/** Thrown inside a build that `close()` or a timeout overtook: it stops the build without logging a failure. */
class _Overtaken extends Error {}

/** Why a build attempt was abandoned: it ran over `buildTimeout`. */
class _BuildTimedOut extends Error {
  override name = "BuildTimeoutError";
}

/** The answer once an app is closed. */
export function _closed(): Response {
  return problemResponse(503, { detail: "The app has shut down" });
}

function _startFailed(): Response {
  return problemResponse(503, { detail: "The app could not start; retry the request later" });
}

function _startTimedOut(retryAfter: string): Response {
  return problemResponse(503, {
    detail: "The app is still starting; retry the request later",
    headers: { "retry-after": retryAfter },
  });
}

/** Checks `buildTimeout`, saying what to pass instead. */
function _timeoutOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `buildTimeout must be a positive number of milliseconds, got ${_describe(value)}: ` +
        `pass e.g. { buildTimeout: 10_000 }, or leave it out for no limit`,
    );
  }
  return value;
}

/** One app's lifecycle state. Public fields are read by `App` and by the cores of mounted apps. */
export class _AppCore {
  readonly app: App;
  readonly #debug: boolean;
  readonly #logger: Logger;
  readonly #buildTimeout: number | undefined;
  registry: _Registry = new _Registry();
  phase: _Phase = "open";
  /** The built chain; `undefined` until a build succeeds, a 503 once closed. Read per request. */
  chain: Handler | undefined;
  /** The build in flight or done; cleared when a build fails, so the next call retries. */
  #building: Promise<Handler> | undefined;
  /** Whether a build is running now (not just memoized). */
  #inFlight = false;
  /** Numbers the build attempts; an attempt whose number is not this one was abandoned and stops at its next step. */
  #attempt = 0;
  /** The number of the last attempt the timeout gave up on: no longer current, though no newer one started yet. */
  #abandoned = 0;
  /** The registrations before the current attempt, across the mounted apps, restored when it fails or is abandoned. */
  #attemptSnapshot: Map<_AppCore, _Registry> | undefined;
  /** The cleanups the current attempt has registered so far, run at once if it is abandoned. */
  #attemptCleanups: _Cleanups | undefined;
  /** Cleanups of abandoned attempts still running, which `close()` waits for. */
  readonly #disposing = new Set<Promise<void>>();
  #cleanups: _Cleanups;
  /** The registrations before this app's last build, for a reset by its parent. */
  #beforeBuild: _Registry | undefined;
  closing: Promise<void> | undefined;
  /** The core of the app this one is mounted in. */
  parent: _AppCore | undefined;
  /** The error responder of the last successful build; mounted apps fall back to it. */
  #responder: _ErrorResponder | undefined;
  stats: BuildStats = { builds: 0, failures: 0, lastBuildMs: undefined, middleware: 0, routes: 0 };

  constructor(app: App, options: AppOptions) {
    this.app = app;
    this.#debug = options.debug ?? false;
    this.#logger = options.logger ?? console;
    this.#buildTimeout = _timeoutOption(options.buildTimeout);
    this.#cleanups = this.#newCleanups();
  }

  /** Throws, saying what to do, unless registration is open. */
  assertOpen(action: string): void {
    if (this.phase === "open" || this.phase === "starting") return;
    if (this.phase === "closed") {
      throw new Error(`Cannot ${action}: the app was closed; create a new App`);
    }
    throw new Error(
      `Cannot ${action} after the app has started: register it before the first request or ` +
        `app.ready(), or in a startup hook (app.onStartup)`,
    );
  }

  /** Registers a mount; `child` is the core of a mounted `App`. */
  mount(prefix: string, target: App | FetchHandler, child: _AppCore | undefined): void {
    const where = JSON.stringify(prefix);
    this.assertOpen(`mount at ${where}`);
    if (child !== undefined) {
      if (child === this) {
        throw new TypeError(`Cannot mount an app in itself (at ${where}): mount another App`);
      }
      const problem = child.parent !== undefined
        ? "it is already mounted elsewhere; create one App per mount point"
        : child.phase === "closed"
        ? "it was closed; create a new App"
        : child.phase !== "open"
        ? "it has started; mount it before its first request or ready()"
        : undefined;
      if (problem !== undefined) throw new Error(`Cannot mount an app at ${where}: ${problem}`);
    } else if (typeof target !== "function") {
      throw new TypeError(
        `app.mount() takes an App or a fetch handler (request) => Response, got ${
          _describe(target)
        }`,
      );
    }
    this.registry.addMount(prefix, target, child);
    if (child !== undefined) child.parent = this;
  }

  /** Answers a request that arrived before the app was built. */
  fetchCold(
    request: Request,
    env: unknown,
    executionContext: ExecutionContext | undefined,
  ): Promise<Response> {
    return this.#ensureBuilt().then(
      () => this.app.fetch(request, env, executionContext),
      (error) =>
        this.closing !== undefined
          ? _closed()
          : error instanceof _BuildTimedOut
          ? _startTimedOut(String(Math.max(1, Math.ceil((this.#buildTimeout ?? 0) / 1000))))
          : _startFailed(),
    );
  }

  ready(): Promise<void> {
    return this.#ensureBuilt().then(() => {});
  }

  close(): Promise<void> {
    const selfWait = this.#waitsOnItself("app.close()");
    if (selfWait !== undefined) return Promise.reject(selfWait);
    return this.closing ??= this.#close();
  }

  async #close(): Promise<void> {
    this.phase = "closed";
    this.chain = _closed;
    await this.#building?.catch(() => {});
    await Promise.all(this.#disposing);
    const errors = await this.#cleanups.run();
    // Mounted apps close with this one, built or not; a built one was closed by its cleanup already.
    for (const mount of this.registry.mounts) {
      if (mount.core !== undefined && mount.core.closing === undefined) {
        await mount.core.close().catch((error) => errors.push(error));
      }
    }
    if (errors.length > 0) {
      throw new AggregateError(
        errors,
        `Cleanups threw while the app closed (${errors.length}): their errors are in .errors`,
      );
    }
  }

  /** The error for a startup hook that calls `what` on the app it is building, or `undefined`. */
  #waitsOnItself(what: string): Error | undefined {
    if (!this.#inFlight) return undefined;
    for (let core = _runningHook; core !== undefined; core = core.parent) {
      if (core === this) {
        return new Error(
          `${what} was called from a startup hook while this app is building: the build waits ` +
            `for the hook, so awaiting it would never end; register what you need in the hook, ` +
            `and do work that needs the built app after app.ready() resolves`,
        );
      }
    }
    return undefined;
  }

  #ensureBuilt(): Promise<Handler> {
    if (this.closing !== undefined) {
      return Promise.reject(new Error("Cannot build an app that was closed: create a new App"));
    }
    const selfWait = this.#waitsOnItself("app.ready() or app.fetch()");
    if (selfWait !== undefined) {
      this.#report(selfWait.message);
      return Promise.reject(selfWait);
    }
    if (this.#building !== undefined) return this.#building;
    // The build starts a microtask later so the memo is set before any user
    // code runs, and a failure before its first await clears a memo that exists.
    const attempt = ++this.#attempt;
    const run = Promise.resolve().then(() => this.#build(attempt));
    const memo: Promise<Handler> = this.#limited(run, attempt).then(
      (chain) => {
        this.#inFlight = false;
        return chain;
      },
      (error) => {
        // An attempt that close() or the timeout overtook has nothing left to clear.
        if (this.#building === memo) {
          this.#inFlight = false;
          this.#building = undefined;
          if (this.phase !== "closed") this.phase = "open";
        }
        throw error;
      },
    );
    return this.#building = memo;
  }

  /** `run`, or a rejection once it runs over `buildTimeout`, abandoning it. */
  #limited(run: Promise<Handler>, attempt: number): Promise<Handler> {
    const limit = this.#buildTimeout;
    if (limit === undefined) return run;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Applies after close() too: close() waits for the build, and its waiters for an answer.
        if (!this.#isCurrent(attempt)) return;
        const error = new _BuildTimedOut(
          `The build took longer than buildTimeout (${limit} ms) and was abandoned: a startup ` +
            `hook or middleware factory never settled. Requests got 503 with Retry-After; the ` +
            `next request or app.ready() starts a fresh attempt. Make set-up settle (give it ` +
            `its own timeout) or raise buildTimeout`,
        );
        this.#abandon(attempt, error);
        reject(error);
      }, limit);
      run.then((chain) => {
        clearTimeout(timer);
        resolve(chain);
      }, (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Gives up on a hung attempt: it stops at its next step and disposes of what it built. */
  #abandon(attempt: number, error: Error): void {
    this.#abandoned = attempt;
    this.stats = { ...this.stats, failures: this.stats.failures + 1 };
    this.#report(`build attempt ${attempt} was abandoned`, error);
    const snapshots = this.#attemptSnapshot;
    const cleanups = this.#attemptCleanups;
    this.#attemptSnapshot = this.#attemptCleanups = undefined;
    // A closed app keeps its mounts for close(). A mounted app whose build has started is left to
    // that build (the next attempt reuses it), registry included, unless its cleanup resets it.
    const restore = (self: boolean) => {
      if (snapshots === undefined || this.phase === "closed") return;
      for (const [core, snapshot] of snapshots) {
        if (core === this ? self : !core.#startedBelow(this)) core.#restore(snapshot);
      }
    };
    restore(true);
    // What the attempt opened before it hung is closed now, not when (if ever) it settles;
    // whatever it defers later runs at once. The next attempt starts once this is done.
    const disposal = cleanups?.run().then((errors) => {
      for (const cleanupError of errors) {
        this.#report(
          `a cleanup threw while disposing of abandoned attempt ${attempt}`,
          cleanupError,
        );
      }
      // Mounted apps that had built were reset by their cleanups: undo this attempt's hooks on them.
      restore(false);
    });
    if (disposal !== undefined) {
      this.#disposing.add(disposal);
      disposal.finally(() => this.#disposing.delete(disposal));
    }
  }

  /** Whether `attempt` is the latest one and was not abandoned. */
  #isCurrent(attempt: number): boolean {
    return this.#attempt === attempt && this.#abandoned !== attempt;
  }

  /** Whether this mounted app, or one it is mounted in below `root`, has started building. */
  #startedBelow(root: _AppCore): boolean {
    if (this.phase !== "open") return true;
    return this.parent !== undefined && this.parent !== root && this.parent.#startedBelow(root);
  }

  /** Stops a build that `close()` or the timeout overtook, before it opens anything more. */
  #checkCurrent(attempt: number): void {
    if (this.phase === "closed") {
      throw new _Overtaken("The app was closed during its build: create a new App to serve again");
    }
    if (!this.#isCurrent(attempt)) {
      throw new _Overtaken(`Build attempt ${attempt} ran over buildTimeout and was abandoned`);
    }
  }

  async #build(attempt: number): Promise<Handler> {
    this.#inFlight = true;
    // An abandoned attempt's disposal resets the mounted apps this attempt builds again.
    if (this.#disposing.size > 0) {
      await Promise.all(this.#disposing);
      this.#checkCurrent(attempt);
    }
    const started = performance.now();
    // Mounted apps' registrations are kept too: a hook here may register on them.
    const before = this.#attemptSnapshot = this.#snapshotTree(new Map());
    this.#beforeBuild = before.get(this);
    const cleanups = this.#attemptCleanups = this.#newCleanups();
    const registry = this.registry;
    this.stats = { ...this.stats, builds: this.stats.builds + 1 };
    const checkCurrent = () => this.#checkCurrent(attempt);
    let childFailed = false;
    try {
      checkCurrent();
      this.phase = "starting";
      for (let index = 0; index < registry.startupHooks.length; index++) {
        const hook = registry.startupHooks[index] as StartupHook;
        const cleanup = await this.#runHook(hook, attempt);
        if (typeof cleanup === "function") cleanups.add(cleanup as Cleanup);
        else if (cleanup !== undefined) {
          throw new TypeError(
            `Startup hook #${index + 1} (${hook.name || "anonymous"}) returned ${
              _describe(cleanup)
            }: return nothing, or a cleanup function for close() to run`,
          );
        }
        checkCurrent();
      }
      this.phase = "frozen";
      const responder = new _ErrorResponder(
        registry.errorHandlers,
        () => this.parent === undefined ? undefined : this.parent.#responder,
        this.#debug,
        this.#logger,
      );
      const routes = [...registry.routes];
      for (const mount of registry.mounts) {
        try {
          routes.push(...await this.#mountRoutes(mount, cleanups, attempt));
        } catch (error) {
          childFailed = true;
          throw error;
        }
        checkCurrent();
      }
      const built: ((stats: BuildStats) => void)[] = [];
      const build: Build = {
        app: this.app,
        defer: (cleanup) => {
          if (typeof cleanup !== "function") {
            throw new TypeError(
              `build.defer() takes a cleanup function, got ${_describe(cleanup)}`,
            );
          }
          cleanups.add(cleanup);
        },
        onBuilt: (callback) => {
          if (typeof callback !== "function") {
            throw new TypeError(
              `build.onBuilt() takes a function (stats) => void, got ${_describe(callback)}`,
            );
          }
          built.push(callback);
        },
        respond: (error, request, ctx) => responder.respond(error, request, ctx),
      };
      const chain = await _composeStack({
        middleware: registry.middleware,
        routes,
        responder,
        build,
        checkCurrent,
      });
      this.stats = {
        ...this.stats,
        lastBuildMs: performance.now() - started,
        middleware: registry.middleware.length,
        routes: registry.routes.length + registry.mounts.length,
      };
      for (const callback of built) {
        const result: unknown = callback(this.stats);
        // Typed as returning nothing, but may be async: a rejection is logged, not left unhandled.
        if (_isThenable(result)) {
          Promise.resolve(result).catch((error) =>
            this.#report("a build.onBuilt callback rejected", error)
          );
        }
      }
      this.#cleanups = cleanups;
      this.#responder = responder;
      if (this.closing === undefined) this.chain = chain;
      return chain;
    } catch (error) {
      const abandoned = !this.#isCurrent(attempt);
      // An abandoned attempt was counted and logged when the timeout gave up on it.
      if (!abandoned) this.stats = { ...this.stats, failures: this.stats.failures + 1 };
      // A mounted app that failed has logged its own error; a build overtaken is no failure; an
      // abandoned attempt was logged when it was given up on, whatever its hung step does later.
      if (!abandoned && !childFailed && !(error instanceof _Overtaken)) {
        this.#report(
          this.phase === "closed"
            ? `the build in flight failed while the app was closing (attempt ${attempt})`
            : `the app failed to build (attempt ${attempt}); requests get 503 until a build succeeds`,
          error,
        );
      }
      for (const cleanupError of await cleanups.run()) {
        this.#report("a cleanup threw while undoing a failed build", cleanupError);
      }
      // After the cleanups, which reset mounted apps: put every registry back as it
      // was, for the retry. A closed app has no retry, and keeps its mounts so
      // that close() closes every app mounted in it, by a startup hook too.
      // An abandoned attempt was undone when it was given up on; a newer one may be running.
      if (this.phase !== "closed" && !abandoned) {
        for (const [core, snapshot] of before) core.#restore(snapshot);
      }
      throw error;
    }
  }

  /** Calls a startup hook, marking its synchronous part so a call back into this app's build is caught. */
  #runHook(hook: StartupHook, attempt: number): Promise<unknown> | unknown {
    const previous = _runningHook;
    _runningHook = this;
    try {
      return hook(this.#buildTimeout === undefined ? this.app : this.#hookView(attempt));
    } finally {
      _runningHook = previous;
    }
  }

  /**
   * The app as a startup hook of `attempt` sees it when attempts can be
   * abandoned: the same app, but its registrations throw once that attempt was
   * abandoned, so a hook that resumes late cannot register into the next one.
   */
  #hookView(attempt: number): App {
    const app = this.app;
    const view: App = new Proxy(app, {
      get: (target, key) => {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== "function" || key === "constructor") return value;
        // Methods run on the app itself: they read its private fields, which the view has not.
        if (!_REGISTRATIONS.has(key)) return (...args: unknown[]) => value.apply(target, args);
        return (...args: unknown[]) => {
          if (!this.#isCurrent(attempt) && this.phase !== "closed") {
            throw new Error(
              `Cannot call app.${String(key)}() from a startup hook whose build attempt was ` +
                `abandoned (it ran over buildTimeout): a fresh attempt runs the hooks again; ` +
                `make the hook settle sooner, or raise buildTimeout`,
            );
          }
          const result: unknown = value.apply(target, args);
          return result === target ? view : result;
        };
      },
    });
    return view;
  }

  /** Copies of this app's registrations and those of every app mounted below it. */
  #snapshotTree(into: Map<_AppCore, _Registry>): Map<_AppCore, _Registry> {
    into.set(this, this.registry.copy());
    for (const mount of this.registry.mounts) {
      if (mount.core !== undefined) mount.core.#snapshotTree(into);
    }
    return into;
  }

  /** Puts the registrations back as `snapshot` has them, unmounting apps mounted since. */
  #restore(snapshot: _Registry): void {
    for (const mount of this.registry.mounts) {
      if (mount.core !== undefined && !snapshot.mounts.includes(mount)) {
        mount.core.parent = undefined;
      }
    }
    this.registry = snapshot;
  }

  async #mountRoutes(
    mount: _Mount,
    cleanups: _Cleanups,
    attempt: number,
  ): Promise<RouteDefinition<Handler>[]> {
    const { prefix, segments, target, core: child } = mount;
    let handler: Handler;
    if (child !== undefined) {
      if (child.closing === undefined) {
        const premounted = this.#attemptSnapshot?.get(this)?.mounts.includes(mount) ?? true;
        cleanups.add(() => this.#tearDownChild(child, attempt, premounted));
        try {
          await child.#ensureBuilt();
        } catch (error) {
          // A child closed on its own while it was building answers 503, as if closed before.
          if (child.closing === undefined) throw error;
        }
      }
      // The child's chain is read per request, so a child closed on its own answers 503 here.
      handler = (request, ctx) =>
        (child.chain ?? _closed)(request, _mountedContext(ctx, child.app, segments));
    } else {
      const forward = target as FetchHandler;
      handler = (request, ctx) => {
        const url = new URL(request.url);
        url.pathname = _stripSegments(ctx.path, segments);
        let forwarded: Request;
        try {
          forwarded = new Request(url, request);
        } catch (error) {
          // Deno's server lets CONNECT, TRACE and TRACK in, but its Request constructor refuses them.
          if (!_FORBIDDEN_METHODS.has(request.method.toUpperCase())) throw error;
          return problemResponse(501, {
            detail: `${request.method} requests cannot be forwarded to a mounted fetch handler`,
          });
        }
        return forward(forwarded, ctx.env, ctx.executionContext);
      };
    }
    const base = prefix === "/" ? "" : prefix;
    return [
      { method: "*", path: prefix, value: handler },
      { method: "*", path: `${base}/*`, value: handler },
    ];
  }

  /**
   * Tears down a mounted app with the attempt that built it: reset for a retry
   * when the attempt failed, closed when this app closed. When the attempt was
   * abandoned: one this app no longer keeps (it closed, or a hook of the
   * attempt mounted it) is closed, and if still building, closed once that
   * build settles, not awaited; one this app keeps is left to the next attempt
   * to reuse while it builds, and reset once built.
   */
  #tearDownChild(child: _AppCore, attempt: number, premounted: boolean): Promise<void> | void {
    if (this.#isCurrent(attempt)) return this.phase === "closed" ? child.close() : child.#reset();
    if (this.phase === "closed" || !premounted) {
      if (!child.#inFlight) return child.close();
      child.close().catch((error) =>
        this.#report("a mounted app of an abandoned attempt failed to close", error)
      );
      return;
    }
    if (!child.#inFlight) return child.#reset();
  }

  /** Undoes a mounted app's build so that its parent's next attempt builds it afresh. */
  async #reset(): Promise<void> {
    await this.#building?.catch(() => {});
    this.#building = undefined;
    this.#responder = undefined;
    if (this.phase !== "closed") {
      this.chain = undefined;
      this.phase = "open";
      if (this.#beforeBuild !== undefined) this.#restore(this.#beforeBuild);
    }
    const errors = await this.#cleanups.run();
    if (errors.length > 0) {
      throw new AggregateError(
        errors,
        `Cleanups threw while a mounted app was reset (${errors.length}): their errors are in .errors`,
      );
    }
  }

  #newCleanups(): _Cleanups {
    return new _Cleanups((error) =>
      this.#report("a cleanup deferred after its build ended threw", error)
    );
  }

  #report(what: string, error?: unknown): void {
    _log(this.#logger, what, error);
  }
}
