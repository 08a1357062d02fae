/**
 * A stack of cleanups that runs once, in reverse order, and reports every
 * failure instead of stopping at the first.
 *
 * @module
 */

/** A cleanup: what `build.defer()` takes and what a startup hook may return. */
export type Cleanup = () => unknown;

/** Cleanups registered by one build, run when that build fails or the app closes. */
export class _Cleanups {
  #stack: Cleanup[] = [];

  /** Adds `cleanup`; it will run before every cleanup added earlier. */
  add(cleanup: Cleanup): void {
    this.#stack.push(cleanup);
  }

  /** Runs every cleanup once, newest first, awaiting each; returns the errors they threw. */
  async run(): Promise<unknown[]> {
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
