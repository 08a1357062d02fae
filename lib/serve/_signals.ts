/**
 * The signal listeners of `serve()`: the first signal starts the graceful
 * shutdown, a second one exits at once. Removed once the server has
 * finished, so they keep nothing alive and a later signal does what it
 * would do without them.
 *
 * @module
 */

import process from "node:process";
import type { ShutdownSignal } from "./serve_options.ts";

/** Signal numbers, for the exit code a shell gives a process a signal ended (128 + n). */
const _NUMBERS: Record<ShutdownSignal, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGUSR1: 10,
  SIGTERM: 15,
  SIGUSR2: 12,
};

/**
 * Listens for `signals`: calls `first` on the first one; exits on the next.
 *
 * @returns Removes the listeners.
 */
export function _onSignals(
  signals: readonly ShutdownSignal[],
  first: (signal: ShutdownSignal) => void,
): () => void {
  let received = false;
  const listeners = signals.map((signal) => {
    const listener = () => {
      if (received) {
        console.error(`${signal} again while shutting down: exiting now`);
        process.exit(128 + _NUMBERS[signal]);
      }
      received = true;
      first(signal);
    };
    process.on(signal, listener);
    return { signal, listener };
  });
  return () => {
    for (const { signal, listener } of listeners) process.off(signal, listener);
  };
}
