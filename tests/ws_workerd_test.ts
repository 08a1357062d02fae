// app.ws() on workerd: the WebSocket test app, bundled by bun build as a
// module Worker and served by workerd (node_modules/.bin/workerd), where the
// route upgrades through a WebSocketPair. The shared suite of
// tests/_ws_suite.ts runs against it with the WebSocket client of the runtime
// running the tests, Deno's or Bun's. The room runs in a Durable Object, as a
// workerd WebSocket can only be written to from the request that opened it;
// one test shows what a room outside one answers.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startWorkerd, type WorkerdServer } from "./_workerd.ts";
import { webSocketSuite, type WsTarget } from "./_ws_suite.ts";
import { Client, eventsOf } from "./_ws_client.ts";

let worker: WorkerdServer | undefined;
before(async () => {
  worker = await startWorkerd("tests/_ws_worker.ts", {
    durableObjects: [{ className: "WsRooms", binding: "ROOMS" }],
    // Verbose, so that an uncaught exception in the Worker would show in its output.
    verbose: true,
  });
}, { timeout: 60_000 });
after(async () => {
  await worker?.stop();
});

webSocketSuite("workerd", (): WsTarget => {
  if (worker === undefined) throw new Error("workerd did not start");
  // A room lives in a Durable Object; workerd drops Upgrade from a response that is not a 101.
  return { url: worker.url, roomUrl: `${worker.url}/do`, dropsUpgradeHeader: true };
});

test("workerd: a room outside a Durable Object closes the sender with 1011, logged with what to do", async () => {
  const url = worker?.url ?? "";
  const room = `outside-${Math.random().toString(36).slice(2, 8)}`;
  const first = await Client.open(`${url}/plain/room/${room}`);
  assert.equal(await first.next(), "joined 1");
  const second = await Client.open(`${url}/plain/room/${room}`);
  assert.equal(await second.next(), "joined 2");
  // The second one's handler writes to the first one's socket: workerd refuses.
  second.socket.send("hello");
  assert.equal((await second.close()).code, 1011);
  first.socket.close();
  await first.close();
  const { logged } = await eventsOf(url, room);
  assert.equal(logged.length, 1);
  assert.match(logged[0] as string, /serve the app\.ws\(\) route from a Durable Object/);
});

test("workerd logged no uncaught exception while serving the WebSocket tests", () => {
  const output = worker?.output() ?? "";
  assert.match(output, /"event":"listen"/);
  assert.doesNotMatch(output, /uncaught exception|Uncaught/i);
});
