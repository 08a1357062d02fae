// `npm start` as a user runs it: SIGTERM sent to npm reaches the server (the
// start script execs it, and npm forwards the signal to its child), which
// drains, closes the app and exits, so nothing is left listening.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { rawHead, rawRequest, within } from "./_reliability.ts";

const runtime = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";
const repo = process.env.LATCH_REPO ??
  fileURLToPath(new URL("..", import.meta.url));

test(
  "npm start passes SIGTERM on to the todo server, which closes and leaves nothing listening",
  {
    skip: runtime === "node" ? false : "runs on Node.js (npm run test:node), where npm is",
    timeout: 60_000,
  },
  async () => {
    const data = mkdtempSync(join(tmpdir(), "latch-start-"));
    // --ignore-scripts skips prestart (npm install), which the test run has done.
    const npm = spawn("npm", ["start", "--ignore-scripts", "--silent"], {
      cwd: repo,
      env: { ...process.env, PORT: "0", DATA_DIR: data, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    npm.stdout.setEncoding("utf8").on(
      "data",
      (text: string) => (output += text),
    );
    npm.stderr.setEncoding("utf8").on(
      "data",
      (text: string) => (output += text),
    );
    const exited = new Promise<number | string>((resolve) =>
      npm.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"))
    );
    try {
      const url = await within(
        30_000,
        new Promise<string>((resolve, reject) => {
          npm.stdout.on("data", () => {
            const match = output.match(
              /listening on (http:\/\/127\.0\.0\.1:\d+)\//,
            );
            if (match !== null) resolve(match[1] as string);
          });
          exited.then((code) => reject(new Error(`npm start exited ${code}: ${output}`)));
        }),
        "npm start to listen",
      );
      assert.equal(
        (await fetch(`${url}/healthz`)).status,
        200,
        "warm: built before listening",
      );
      process.kill(npm.pid as number, "SIGTERM");
      assert.equal(await within(15_000, exited, "npm to exit"), 0, output);
      const after = await rawRequest(url, rawHead("GET", "/healthz"));
      assert.equal(after.status, undefined, "the server is gone, not orphaned");
    } finally {
      if (npm.exitCode === null && npm.signalCode === null) npm.kill("SIGKILL");
      await exited;
      rmSync(data, { recursive: true, force: true });
    }
  },
);
