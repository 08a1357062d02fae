import { test } from "node:test";
import assert from "node:assert/strict";
import { _Cleanups } from "../lib/_cleanups.ts";

test("_Cleanups runs each cleanup once, newest first, and collects what they threw", async () => {
  const ran: string[] = [];
  const cleanups = new _Cleanups();
  cleanups.add(() => {
    ran.push("first");
  });
  cleanups.add(() => {
    throw new Error("second");
  });
  cleanups.add(async () => {
    await Promise.resolve();
    ran.push("third");
  });
  const errors = await cleanups.run();
  assert.deepEqual(ran, ["third", "first"]);
  assert.deepEqual(errors.map((error) => (error as Error).message), ["second"]);
  assert.deepEqual(await cleanups.run(), [], "a second run has nothing left to run");
  assert.deepEqual(ran, ["third", "first"]);
});
