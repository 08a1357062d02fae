import { test } from "node:test";
import assert from "node:assert/strict";
import { fakeClock, realTimers, settle } from "./_helpers.ts";

test("fakeClock() fires a timer only once time is moved on to it", async () => {
  using clock = fakeClock();
  let fired = 0;
  setTimeout(() => fired++, 5);
  await clock.advance(4);
  assert.equal(fired, 0);
  assert.equal(clock.pending(), 1);
  await clock.advance(1);
  assert.equal(fired, 1);
  assert.deepEqual([clock.now(), clock.set(), clock.pending()], [5, 1, 0]);
});

test("fakeClock() fires due timers earliest first, those set for one time in the order set, with their arguments", async () => {
  using clock = fakeClock();
  const order: string[] = [];
  setTimeout((name: string) => order.push(name), 10, "c");
  setTimeout((name: string) => order.push(name), 5, "a");
  setTimeout((name: string) => order.push(name), 5, "b");
  setTimeout(() => order.push("later"), 11);
  await clock.advance(10);
  assert.deepEqual(order, ["a", "b", "c"]);
});

test("fakeClock() lets what a timer starts run before the next fires, and fires a timer it sets if due", async () => {
  using clock = fakeClock();
  const order: string[] = [];
  setTimeout(async () => {
    await Promise.resolve();
    order.push("first's reaction");
    setTimeout(() => order.push("set by the first"), 1);
  }, 1);
  setTimeout(() => order.push("second"), 2);
  await clock.advance(2);
  assert.deepEqual(order, ["first's reaction", "second", "set by the first"]);
});

test("fakeClock() lets work in flight set its timer before it moves time on", async () => {
  using clock = fakeClock();
  let fired = false;
  void Promise.resolve().then(() => setTimeout(() => (fired = true), 3));
  await clock.advance(3);
  assert.equal(fired, true);
});

test("fakeClock() drops a cleared timer, and restore() puts the real timers back", async () => {
  const clock = fakeClock();
  let fired = 0;
  clearTimeout(setTimeout(() => fired++, 1));
  await clock.advance(10);
  assert.equal(fired, 0);
  assert.equal(clock.pending(), 0);
  assert.notEqual(globalThis.setTimeout, realTimers.setTimeout);
  clock.restore();
  assert.equal(globalThis.setTimeout, realTimers.setTimeout);
  assert.equal(globalThis.clearTimeout, realTimers.clearTimeout);
  await settle();
});
