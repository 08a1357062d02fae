/**
 * One build attempt, from its start to its end: the build itself (startup
 * hooks → freeze → mounted apps → middleware factories → router), its
 * registration snapshot, its cleanups and `onBuilt` callbacks, the builds it
 * started in mounted apps, and its undoing when it fails or runs over
 * `buildTimeout` and is abandoned.
 *
 * @module
 */

import type { Build } from "./build.ts";
import type { BuildStats } from "./build_stats.ts";
import type { Handler } from "./context.ts";
import type { RouteInfo } from "./route_options.ts";
import type { RouteDefinition } from "./router.ts";
import type { _Attempt, _Lifecycle } from "./_lifecycle.ts";
import type { _Registry } from "./_registry.ts";
import type { _Cleanups } from "./_cleanups.ts";
import { _ErrorResponder } from "./_error_layer.ts";
import { _CalledAsNext, _composeStack } from "./_stack.ts";
import { _mountRoutes } from "./_mounting.ts";
import { _hookView } from "./_hook_view.ts";
import { BuildTimeoutError } from "./build_timeout_error.ts";
import { _describe } from "./_describe.ts";
import { _isThenable } from "./_thenable.ts";

/** Thrown inside a build that `close()` or a timeout overtook: it stops the build without logging a failure. */
class _Overtaken extends Error {}

/** One attempt at building an app. */
export class _BuildAttempt implements _Attempt {
  readonly core: _Lifecycle;
  /** Counts from 1 per app, in the order attempts start. */
  readonly number: number;
  /** The registrations before this attempt, across the mounted apps, restored when it fails or is abandoned. */
  snapshot: Map<_Lifecycle, _Registry<_Lifecycle>> | undefined;
  /** What this attempt opened, run when it fails or is abandoned, or when the app closes. */
  readonly cleanups: _Cleanups;
  /** Called with the stats once this attempt has built. */
  readonly #onBuilt: ((stats: BuildStats) => void)[] = [];
  /** The attempts this one started in mounted apps, abandoned with it. */
  readonly children: Set<_Attempt> = new Set();
  /** Whether the timeout gave up on this attempt; it stops at its next step. */
  abandoned = false;
  /** Rejects the promise `start()` returned; set while the attempt may still be abandoned. */
  #reject: ((error: Error) => void) | undefined;

  constructor(core: _Lifecycle, number: number) {
    this.core = core;
    this.number = number;
    this.cleanups = core.newCleanups();
  }

  /** Whether this is its app's latest attempt and was not abandoned. */
  isCurrent(): boolean {
    return this.core.attempt === this && !this.abandoned;
  }

  /**
   * Runs the build a microtask later (so the memo is set before any user code
   * runs, and a failure before its first await clears a memo that exists);
   * rejects once it runs over `buildTimeout`, abandoning it.
   */
  start(): Promise<Handler> {
    const run = Promise.resolve().then(() => this.#run());
    const limit = this.core.buildTimeout;
    return new Promise((resolve, reject) => {
      this.#reject = reject;
      const timer = limit === undefined ? undefined : setTimeout(() => {
        // Applies after close() too: close() waits for the build, and its waiters for an answer.
        if (!this.isCurrent()) return;
        this.abandon(
          new BuildTimeoutError(
            `The build took longer than buildTimeout (${limit} ms) and was abandoned: a startup ` +
              `hook or middleware factory never settled. Requests got 503 with Retry-After; the ` +
              `next request or app.ready() starts a fresh attempt. Make set-up settle (give it ` +
              `its own timeout) or raise buildTimeout`,
          ),
        );
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

  /** Stops a build that `close()` or the timeout overtook, before it opens anything more. */
  checkCurrent(): void {
    if (this.core.phase === "closed") {
      throw new _Overtaken("The app was closed during its build: create a new App to serve again");
    }
    if (!this.isCurrent()) {
      throw new _Overtaken(`Build attempt ${this.number} ran over buildTimeout and was abandoned`);
    }
  }

  async #run(): Promise<Handler> {
    const core = this.core;
    core.inFlight = true;
    // An abandoned attempt's disposal resets the mounted apps this attempt builds again.
    if (core.disposing.size > 0) {
      await Promise.all(core.disposing);
      this.checkCurrent();
    }
    const started = performance.now();
    // Mounted apps' registrations are kept too: a hook here may register on them.
    const before = this.snapshot = core.snapshotTree(new Map());
    core.beforeBuild = before.get(core);
    const cleanups = this.cleanups;
    core.stats = { ...core.stats, builds: core.stats.builds + 1 };
    let childFailed = false;
    try {
      this.checkCurrent();
      core.phase = "starting";
      for (let index = 0; index < core.registry.startupHooks.length; index++) {
        const hook = core.registry.startupHooks[index] as (app: unknown) => unknown;
        const cleanup = await this.#runHook(hook);
        if (typeof cleanup === "function") cleanups.add(cleanup as () => unknown);
        else if (cleanup !== undefined) {
          throw new TypeError(
            `Startup hook #${index + 1} (${hook.name || "anonymous"}) returned ${
              _describe(cleanup)
            }: return nothing, or a cleanup function for close() to run`,
          );
        }
        this.checkCurrent();
      }
      core.phase = "frozen";
      const registry = core.registry;
      const responder = new _ErrorResponder(
        registry.errorHandlers,
        () => core.parent?.responder,
        core.debug,
        core.logger,
      );
      const routes: RouteDefinition<Handler>[] = [...registry.routes];
      const table: RouteInfo[] = registry.routes.map(({ method, path, options }) => ({
        method,
        path,
        options,
      }));
      for (const mount of registry.mounts) {
        try {
          const mounted = await _mountRoutes(this, mount);
          routes.push(...mounted.routes);
          table.push(...mounted.table);
        } catch (error) {
          childFailed = true;
          throw error;
        }
        this.checkCurrent();
      }
      Object.freeze(table);
      const chain = await _composeStack({
        middleware: registry.middleware,
        routes,
        responder,
        build: this.#build(responder, table),
        checkCurrent: () => this.checkCurrent(),
      });
      core.stats = {
        ...core.stats,
        lastBuildMs: performance.now() - started,
        middleware: registry.middleware.length,
        routes: registry.routes.length + registry.mounts.length,
      };
      for (const callback of this.#onBuilt) {
        const result: unknown = callback(core.stats);
        // Typed as returning nothing, but may be async: a rejection is logged, not left unhandled.
        if (_isThenable(result)) {
          Promise.resolve(result).catch((error) =>
            core.report("a build.onBuilt callback rejected", error)
          );
        }
      }
      core.cleanups = cleanups;
      core.responder = responder;
      core.routes = table;
      if (core.closing === undefined) core.chain = chain;
      return chain;
    } catch (error) {
      await this.#undo(error, childFailed);
      throw error;
    }
  }

  /** What a middleware factory is handed: callable only to say it was taken for Hono's `next`. */
  #build(responder: _ErrorResponder, routes: readonly RouteInfo[]): Build {
    const cleanups = this.cleanups;
    const callbacks = this.#onBuilt;
    const calledAsNext = (): never => {
      throw new _CalledAsNext("build() is not next()");
    };
    return Object.assign(calledAsNext, {
      app: this.core.app,
      routes,
      defer: (cleanup: () => unknown) => {
        if (typeof cleanup !== "function") {
          throw new TypeError(`build.defer() takes a cleanup function, got ${_describe(cleanup)}`);
        }
        cleanups.add(cleanup);
      },
      onBuilt: (callback: (stats: BuildStats) => void) => {
        if (typeof callback !== "function") {
          throw new TypeError(
            `build.onBuilt() takes a function (stats) => void, got ${_describe(callback)}`,
          );
        }
        callbacks.push(callback);
      },
      respond: (error: unknown, request: Request, ctx: Parameters<Build["respond"]>[2]) =>
        responder.respond(error, request, ctx),
    });
  }

  /** Undoes a failed attempt: logs it, runs its cleanups, puts the registrations back. */
  async #undo(error: unknown, childFailed: boolean): Promise<void> {
    const core = this.core;
    const abandoned = !this.isCurrent();
    // An abandoned attempt was counted and logged when the timeout gave up on it.
    if (!abandoned) core.stats = { ...core.stats, failures: core.stats.failures + 1 };
    // A mounted app that failed has logged its own error; a build overtaken is no failure; an
    // abandoned attempt was logged when it was given up on, whatever its hung step does later.
    if (!abandoned && !childFailed && !(error instanceof _Overtaken)) {
      core.report(
        core.phase === "closed"
          ? `the build in flight failed while the app was closing (attempt ${this.number})`
          : `the app failed to build (attempt ${this.number}); requests get 503 until a build succeeds`,
        error,
      );
    }
    for (const cleanupError of await this.cleanups.run()) {
      core.report("a cleanup threw while undoing a failed build", cleanupError);
    }
    // After the cleanups, which reset mounted apps: put every registry back as it
    // was, for the retry. A closed app has no retry, and keeps its mounts so
    // that close() closes every app mounted in it, by a startup hook too.
    // An abandoned attempt was undone when it was given up on; a newer one may be running.
    if (core.phase !== "closed" && !abandoned && this.snapshot !== undefined) {
      for (const [owner, snapshot] of this.snapshot) owner.restore(snapshot);
    }
  }

  /**
   * Calls a startup hook, counting its synchronous part so that a call back
   * into this app's build is caught. Where this attempt can be abandoned (this
   * app or one it is mounted in has a `buildTimeout`), the hook gets a view of
   * the app that stops registering once it was.
   */
  #runHook(hook: (app: unknown) => unknown): unknown {
    const cores: _Lifecycle[] = [];
    for (let core: _Lifecycle | undefined = this.core; core !== undefined; core = core.parent) {
      cores.push(core);
      core.hooksRunning++;
    }
    try {
      return hook(
        cores.some((core) => core.buildTimeout !== undefined) ? _hookView(this) : this.core.app,
      );
    } finally {
      for (const core of cores) core.hooksRunning--;
    }
  }

  /**
   * Gives up on this attempt: it stops at its next step, what it built is
   * disposed of, the builds it started in mounted apps are abandoned with it,
   * and whoever waits on it gets `error`.
   */
  abandon(error: Error): void {
    const core = this.core;
    this.abandoned = true;
    core.stats = { ...core.stats, failures: core.stats.failures + 1 };
    core.report(`build attempt ${this.number} was abandoned`, error);
    // A mounted app's build that this one started is given up on too, unless the mounted
    // app's own, shorter limit will give up on it first: the next attempt starts it afresh.
    for (const child of this.children) {
      const own = child.core.buildTimeout;
      if (own === undefined || own >= (core.buildTimeout ?? Infinity)) {
        child.core.abandonRunning(error);
      }
    }
    const snapshots = this.snapshot;
    this.snapshot = undefined;
    // A closed app keeps its mounts for close(). A mounted app whose build has started is left to
    // that build (the next attempt reuses it), registry included, unless its cleanup resets it.
    const restore = (self: boolean) => {
      if (snapshots === undefined || core.phase === "closed") return;
      for (const [owner, snapshot] of snapshots) {
        if (owner === core ? self : !owner.startedBelow(core)) owner.restore(snapshot);
      }
    };
    restore(true);
    // What the attempt opened before it hung is closed now, not when (if ever) it settles;
    // whatever it defers later runs at once. The next attempt starts once this is done.
    const disposal = this.cleanups.run().then((errors) => {
      for (const cleanupError of errors) {
        core.report(
          `a cleanup threw while disposing of abandoned attempt ${this.number}`,
          cleanupError,
        );
      }
      // Mounted apps that had built were reset by their cleanups: undo this attempt's hooks on them.
      restore(false);
    });
    core.disposing.add(disposal);
    disposal.finally(() => core.disposing.delete(disposal));
    this.#reject?.(error);
  }
}
