/**
 * The lifecycle behind an `App`: its phase, its registrations, the one
 * memoized build and the attempt running it, and `close()`. What one build
 * attempt does is in `_build_attempt.ts`; how mounts are built and torn down,
 * in `_mounting.ts`; the app a startup hook sees, in `_hook_view.ts`.
 *
 * Phases: `open` (registering) → `starting` (startup hooks run and may still
 * register) → `frozen` (building or built) → `closed`. A failed build goes
 * back to `open`.
 *
 * @module
 */

import type { AppOptions, Logger } from "./app_options.ts";
import type { BuildStats } from "./build_stats.ts";
import type { ExecutionContext, FetchHandler, Handler, RunningApp } from "./context.ts";
import type { _Attempt, _Lifecycle, _Phase } from "./_lifecycle.ts";
import type { RouteInfo } from "./route_options.ts";
import { _Answer, _ErrorResponder, _log } from "./_error_layer.ts";
import { _BuildAttempt } from "./_build_attempt.ts";
import { _Cleanups } from "./_cleanups.ts";
import { _Registry } from "./_registry.ts";
import { _RequestContext } from "./_request_context.ts";
import { BuildTimeoutError } from "./build_timeout_error.ts";
import { _describe } from "./_describe.ts";
import { _pathOf } from "./_http.ts";

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

/** One app's lifecycle state. Its fields are read by `App`, by its build attempts and by the cores of mounted apps. */
export class _AppCore implements _Lifecycle {
  readonly app: RunningApp;
  readonly debug: boolean;
  readonly logger: Logger;
  readonly buildTimeout: number | undefined;
  registry: _Registry<_Lifecycle> = new _Registry();
  phase: _Phase = "open";
  /** The built chain; `undefined` until a build succeeds, the closed answer once closed. Read per request. */
  chain: Handler | undefined;
  /** The latest build attempt; it is current unless it was abandoned. */
  attempt: _Attempt | undefined;
  /** The build in flight or done; cleared when a build fails, so the next call retries. */
  #memo: Promise<Handler> | undefined;
  /** How many attempts have started: the next one's number. */
  #attempts = 0;
  /** Whether a build is running now (not just memoized). */
  inFlight = false;
  /** Cleanups of abandoned attempts still running, which `close()` and the next attempt wait for. */
  readonly disposing: Set<Promise<void>> = new Set();
  /** The cleanups of the build that is served. */
  cleanups: _Cleanups;
  /** The registrations before this app's last build, for a reset by its parent. */
  beforeBuild: _Registry<_Lifecycle> | undefined;
  closing: Promise<void> | undefined;
  /** The core of the app this one is mounted in. */
  parent: _Lifecycle | undefined;
  /** The route table of the last successful build, for `build.routes` of the apps it is mounted in. */
  routes: readonly RouteInfo[] = [];
  /** The error responder of the last successful build; mounted apps fall back to it. */
  responder: _ErrorResponder | undefined;
  /** How many startup hooks of this app, or of an app mounted below it, are running their synchronous part. */
  hooksRunning = 0;
  /** The attempt whose startup hook is calling a method of this app through its view, if any. */
  caller: _Attempt | undefined;
  stats: BuildStats = { builds: 0, failures: 0, lastBuildMs: undefined, middleware: 0, routes: 0 };
  /** What a closed app answers, through its error handlers. */
  readonly closedChain: Handler = (request, ctx) =>
    this.answerer().respond(new _Answer(503, "The app has shut down"), request, ctx);

  constructor(app: RunningApp, options: AppOptions) {
    this.app = app;
    this.debug = options.debug ?? false;
    this.logger = options.logger ?? console;
    this.buildTimeout = _timeoutOption(options.buildTimeout);
    this.cleanups = this.newCleanups();
  }

  /** Throws, saying what to do, unless registration is open. Every registration passes here. */
  assertOpen(action: string): void {
    const caller = this.caller;
    if (caller !== undefined && !caller.isCurrent() && this.phase !== "closed") {
      throw new Error(
        `Cannot ${action} from a startup hook whose build attempt was abandoned (it ran over ` +
          `buildTimeout): a fresh attempt runs the hooks again; make the hook settle sooner, ` +
          `or raise buildTimeout`,
      );
    }
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
  mount(prefix: string, target: unknown, child: _Lifecycle | undefined): void {
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
    this.registry.addMount(prefix, child === undefined ? target as FetchHandler : undefined, child);
    if (child !== undefined) child.parent = this;
  }

  /** The responder for answers outside a built chain: the built one, else one over the handlers registered now. */
  answerer(): _ErrorResponder {
    return this.responder ?? new _ErrorResponder(
      this.registry.errorHandlers,
      () => this.parent?.responder,
      this.debug,
      this.logger,
    );
  }

  /** Answers a request that arrived before the app was built. */
  fetchCold(
    request: Request,
    env: unknown,
    executionContext: ExecutionContext | undefined,
  ): Promise<Response> {
    return this.ensureBuilt().then(
      () => this.app.fetch(request, env, executionContext),
      (error) => {
        const answer = this.closing !== undefined
          ? new _Answer(503, "The app has shut down")
          : error instanceof BuildTimeoutError
          ? new _Answer(503, "The app is still starting; retry the request later", {
            headers: {
              "retry-after": String(Math.max(1, Math.ceil((this.buildTimeout ?? 0) / 1000))),
            },
          })
          : new _Answer(503, "The app could not start; retry the request later");
        const ctx = new _RequestContext(
          this.app,
          request,
          _pathOf(request.url),
          env,
          executionContext,
        );
        return this.answerer().respond(answer, request, ctx);
      },
    );
  }

  ready(): Promise<void> {
    return this.ensureBuilt().then(() => {});
  }

  close(): Promise<void> {
    const selfWait = this.#waitsOnItself("app.close()");
    if (selfWait !== undefined) return Promise.reject(selfWait);
    return this.closing ??= this.#close();
  }

  async #close(): Promise<void> {
    this.phase = "closed";
    this.chain = this.closedChain;
    await this.#memo?.catch(() => {});
    await Promise.all(this.disposing);
    const errors = await this.cleanups.run();
    // Mounted apps close with this one, built or not; a built one was closed by its cleanup already.
    for (const mount of this.registry.mounts) {
      if (mount.child !== undefined && mount.child.closing === undefined) {
        await mount.child.close().catch((error) => errors.push(error));
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
    if (!this.inFlight || this.hooksRunning === 0) return undefined;
    return new Error(
      `${what} was called from a startup hook while this app is building: the build waits ` +
        `for the hook, so awaiting it would never end; register what you need in the hook, ` +
        `and do work that needs the built app after app.ready() resolves`,
    );
  }

  /** The memoized build: the one in flight or done, or a new attempt. */
  ensureBuilt(): Promise<Handler> {
    if (this.closing !== undefined) {
      return Promise.reject(new Error("Cannot build an app that was closed: create a new App"));
    }
    const selfWait = this.#waitsOnItself("app.ready() or app.fetch()");
    if (selfWait !== undefined) {
      this.report(selfWait.message);
      return Promise.reject(selfWait);
    }
    if (this.#memo !== undefined) return this.#memo;
    const attempt = new _BuildAttempt(this, ++this.#attempts);
    this.attempt = attempt;
    const memo: Promise<Handler> = attempt.start().then(
      (chain) => {
        this.inFlight = false;
        return chain;
      },
      (error) => {
        // An attempt that close() or the timeout overtook has nothing left to clear.
        if (this.#memo === memo) this.#forget();
        throw error;
      },
    );
    return this.#memo = memo;
  }

  /** Drops the memo of a build that failed or was abandoned, so the next call starts afresh. */
  #forget(): void {
    this.inFlight = false;
    this.#memo = undefined;
    if (this.phase !== "closed") this.phase = "open";
  }

  /** Abandons the current attempt if it is still running: a parent's timeout gives up on it. */
  abandonRunning(error: Error): void {
    const attempt = this.attempt;
    if (attempt === undefined || !this.inFlight || !attempt.isCurrent()) return;
    attempt.abandon(error);
    this.#forget();
  }

  /** Whether this mounted app, or one it is mounted in below `root`, has started building. */
  startedBelow(root: _Lifecycle): boolean {
    if (this.phase !== "open") return true;
    return this.parent !== undefined && this.parent !== root && this.parent.startedBelow(root);
  }

  /** Copies of this app's registrations and those of every app mounted below it. */
  snapshotTree(
    into: Map<_Lifecycle, _Registry<_Lifecycle>>,
  ): Map<_Lifecycle, _Registry<_Lifecycle>> {
    into.set(this, this.registry.snapshot());
    for (const mount of this.registry.mounts) mount.child?.snapshotTree(into);
    return into;
  }

  /** Puts the registrations back as `snapshot` has them, unmounting apps mounted since. */
  restore(snapshot: _Registry<_Lifecycle>): void {
    for (const mount of this.registry.mounts) {
      if (mount.child !== undefined && !snapshot.mounts.includes(mount)) {
        mount.child.parent = undefined;
      }
    }
    this.registry = snapshot;
  }

  /** Undoes a mounted app's build so that its parent's next attempt builds it afresh. */
  async reset(): Promise<void> {
    await this.#memo?.catch(() => {});
    this.#memo = undefined;
    this.responder = undefined;
    if (this.phase !== "closed") {
      this.chain = undefined;
      this.phase = "open";
      if (this.beforeBuild !== undefined) this.restore(this.beforeBuild);
    }
    const errors = await this.cleanups.run();
    if (errors.length > 0) {
      throw new AggregateError(
        errors,
        `Cleanups threw while a mounted app was reset (${errors.length}): their errors are in .errors`,
      );
    }
  }

  newCleanups(): _Cleanups {
    return new _Cleanups((error) =>
      this.report("a cleanup deferred after its build ended threw", error)
    );
  }

  report(what: string, ...error: [unknown?]): void {
    _log(this.logger, what, ...error);
  }
}
