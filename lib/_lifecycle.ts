/**
 * The shapes the lifecycle's parts know each other by: an app's lifecycle
 * (`_AppCore` implements it) and one build attempt (`_BuildAttempt`). Types
 * only, so that the attempt, the mounts and the hook view depend on these and
 * not on each other's files, and the import graph has no cycle.
 *
 * @module
 */

import type { Logger } from "./app_options.ts";
import type { BuildStats } from "./build_stats.ts";
import type { Handler, RunningApp } from "./context.ts";
import type { RouteInfo } from "./route_options.ts";
import type { _Cleanups } from "./_cleanups.ts";
import type { _ErrorResponder } from "./_error_layer.ts";
import type { _Registry } from "./_registry.ts";

/** Where an app is in its life: `open` → `starting` → `frozen` → `closed`; a failed build goes back to `open`. */
export type _Phase = "open" | "starting" | "frozen" | "closed";

/** One app's lifecycle, as its build attempts and mounts see it. */
export interface _Lifecycle {
  /** The `App` itself, which hooks register on. */
  readonly app: RunningApp;
  readonly debug: boolean;
  readonly logger: Logger;
  readonly buildTimeout: number | undefined;
  registry: _Registry<_Lifecycle>;
  phase: _Phase;
  chain: Handler | undefined;
  readonly closedChain: Handler;
  attempt: _Attempt | undefined;
  inFlight: boolean;
  readonly disposing: Set<Promise<void>>;
  cleanups: _Cleanups;
  beforeBuild: _Registry<_Lifecycle> | undefined;
  readonly closing: Promise<void> | undefined;
  parent: _Lifecycle | undefined;
  responder: _ErrorResponder | undefined;
  routes: readonly RouteInfo[];
  hooksRunning: number;
  caller: _Attempt | undefined;
  stats: BuildStats;
  ensureBuilt(): Promise<Handler>;
  abandonRunning(error: Error): void;
  startedBelow(root: _Lifecycle): boolean;
  snapshotTree(
    into: Map<_Lifecycle, _Registry<_Lifecycle>>,
  ): Map<_Lifecycle, _Registry<_Lifecycle>>;
  restore(snapshot: _Registry<_Lifecycle>): void;
  reset(): Promise<void>;
  close(): Promise<void>;
  newCleanups(): _Cleanups;
  report(what: string, ...error: [unknown?]): void;
}

/** One build attempt, as its app, its mounts and its hooks' view see it. */
export interface _Attempt {
  readonly core: _Lifecycle;
  readonly number: number;
  readonly snapshot: Map<_Lifecycle, _Registry<_Lifecycle>> | undefined;
  readonly cleanups: _Cleanups;
  /** The attempts this one started in mounted apps, abandoned with it. */
  readonly children: Set<_Attempt>;
  isCurrent(): boolean;
  abandon(error: Error): void;
}
