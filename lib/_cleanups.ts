/**
 * A stack of cleanups that runs once, in reverse order, and reports every
 * failure instead of stopping at the first.
 *
 * @module
 */

import type { Cleanup } from "./build.ts";

/** Cleanups registered by one build, run when that build fails or the app closes. */
export class _Cleanups {
  #stack: Cleanup[] = [];
  #ran = false;
  readonly #onLateError: (error: unknown) => void;

  /** @param onLateError Told what a cleanup added after the run threw. */
  constructor(onLateError: (error: unknown) => void = () => {}) {
    this.#onLateError = onLateError;
  }

  /**
   * Adds `cleanup`; it will run before every cleanup added earlier. Added
   * after the run (a factory that deferred too late), it runs at once: what
   * was opened after the teardown is closed, not leaked.
   */
  add(cleanup: Cleanup): void {
    if (!this.#ran) {
      this.#stack.push(cleanup);
      return;
    }
    try {
      Promise.resolve(cleanup()).catch(this.#onLateError);
    } catch (error) {
      this.#onLateError(error);
    }
  }

  /** Runs every cleanup once, newest first, awaiting each; returns the errors they threw. */
  async run(): Promise<unknown[]> {
    this.#ran = true;
    const stack = this.#stack;
    this.#stack = [];
    const errors: unknown[] = [];
    for (let index = stack.length - 1; index >= 0; index--) {
      try {
        await (stack[index] as Cleanup)();
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}
