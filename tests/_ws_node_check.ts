/**
 * Run by tests/ws_test.ts on Node.js, bundled by bun build: what a WebSocket
 * route answers a valid handshake where no runtime adapter exists. Prints
 * the status, the detail and how many reports the logger got, as JSON.
 *
 * @module
 */

import { App } from "../mod.ts";
import { HANDSHAKE } from "./_ws_client.ts";

let logged = 0;
const app = new App({ logger: { error: () => void logged++ } }).ws("/chat", {});
const response = await app.request("/chat", { headers: HANDSHAKE });
const { detail } = await response.json();
console.log(JSON.stringify({ status: response.status, detail, logged }));
await app.close();
