import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { runtime } from "./_serve.ts";

// `bun run` serves a default export on every interface (Bun's default hostname
// is 0.0.0.0) and takes no host flag, so only `deno serve` is driven here,
// where --host keeps it on loopback.
test("deno serve runs an app that is the module's default export", {
  skip: runtime !== "deno" && "bun run binds every interface; tests stay on loopback",
}, async () => {
  const child = spawn(
    process.execPath,
    ["serve", "--host", "127.0.0.1", "--port", "0", "examples/app.ts"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(
        () => reject(new Error(`no listen line in 10 s: ${output}`)),
        10_000,
      );
      const onData = (chunk: Uint8Array) => {
        output += new TextDecoder().decode(chunk);
        const match = output.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)\//);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
    });
    const response = await fetch(`${url}/notes/1`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { id: "1", text: "Build once, on the first request." });
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
});
