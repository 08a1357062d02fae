/**
 * Runs a Worker on workerd for the end-to-end tests: bundles `entry` with
 * `bun build` (as a deployment would, for the browser target, as an ES
 * module), writes a config that serves it on 127.0.0.1 at a port the system
 * picks, and starts `node_modules/.bin/workerd`. Stopping it removes the
 * temporary folder.
 *
 * @module
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localBinary, runToEnd, spawnServer } from "./_spawn.ts";

/** The workerd compatibility date: at most the binary's own date (workerd 1.20261117.1). */
export const compatibilityDate = "2026-11-01";

/** A Worker served by workerd. */
export interface WorkerdServer {
  /** `http://127.0.0.1:port`. */
  readonly url: string;
  /** Everything workerd printed so far. */
  output(): string;
  /** Stops workerd and removes its folder. */
  stop(): Promise<void>;
}

/** A Durable Object class the Worker exports, and the binding to its namespace in `env`. */
export interface DurableObjectBinding {
  readonly className: string;
  readonly binding: string;
}

/** The config lines that declare `objects`, kept in memory. */
function _durableObjects(objects: readonly DurableObjectBinding[]): string {
  if (objects.length === 0) return "";
  const namespaces = objects
    .map(({ className }) => `(className = "${className}", uniqueKey = "latch-test-${className}")`)
    .join(", ");
  const bindings = objects
    .map(({ className, binding }) =>
      `(name = "${binding}", durableObjectNamespace = "${className}")`
    )
    .join(", ");
  return `  durableObjectNamespaces = [ ${namespaces} ],
  durableObjectStorage = (inMemory = void),
  bindings = [ ${bindings} ],
`;
}

/** Options for {@linkcode startWorkerd}. */
export interface WorkerdOptions {
  /** The Durable Object classes the Worker exports, bound in `env`. */
  readonly durableObjects?: readonly DurableObjectBinding[];
  /** Whether workerd prints what it logs at `info`, uncaught exceptions among them. */
  readonly verbose?: boolean;
}

/** Bundles `entry` (a path from the repository root) and serves it with workerd. */
export async function startWorkerd(
  entry: string,
  options: WorkerdOptions = {},
): Promise<WorkerdServer> {
  const { durableObjects = [], verbose = false } = options;
  const dir = await mkdtemp(join(tmpdir(), "latch-workerd-"));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    runToEnd(localBinary("bun"), [
      "build",
      entry,
      "--target",
      "browser",
      "--format",
      "esm",
      "--outfile",
      join(dir, "worker.js"),
    ]);
    const config = join(dir, "config.capnp");
    await writeFile(
      config,
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .mainWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const mainWorker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "${compatibilityDate}",
${_durableObjects(durableObjects)});
`,
    );
    // --control-fd 1: workerd prints {"event":"listen","socket":"http","port":N} once it listens.
    const args = ["serve", config, "--control-fd", "1", ...(verbose ? ["--verbose"] : [])];
    const server = await spawnServer(localBinary("workerd"), args, {
      listening: /"event":"listen","socket":"http","port":(\d+)/,
    });
    return {
      url: `http://127.0.0.1:${server.match[1]}`,
      output: () => server.output(),
      stop: async () => {
        try {
          await server.stop();
        } finally {
          await removeDir();
        }
      },
    };
  } catch (error) {
    await removeDir();
    throw error;
  }
}
