// The npm package as a user gets it: `npm pack` of dist/, its contents and
// manifest checked, installed into fresh projects with the README's Install
// commands (npm on Node.js and for Deno's npm: import map, `bun add` on Bun),
// a small app importing @latch/latch, /middleware and /serve answering real
// HTTP requests on Node.js, Bun and Deno, and `tsc --noEmit` on a consumer
// file proving the published types (typed params included). Runs on Node.js
// (`npm run test:node`), which drives Bun and Deno as child processes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { within } from "./_reliability.ts";

const runtime = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";
const repo = process.env.LATCH_REPO ??
  fileURLToPath(new URL("..", import.meta.url));

/** Runs `command` in `cwd`; returns its output, or throws with it. */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.status}\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The packed tarball: the one the Node test run packed, else packed here from a fresh build. */
function tarball(temp: string): string {
  if (process.env.LATCH_TARBALL !== undefined) return process.env.LATCH_TARBALL;
  run(process.execPath, [join(repo, "npm", "build.mjs")], repo);
  const packed = JSON.parse(
    run("npm", ["pack", "./dist", "--pack-destination", temp, "--json"], repo),
  );
  return join(temp, packed[0].filename);
}

/** The app every runtime runs, in plain JavaScript so Node.js 20 runs it as it is. */
const APP = `import { App } from "@latch/latch";
import { requestId } from "@latch/latch/middleware";
import { serve } from "@latch/latch/serve";

const app = new App().use(requestId());
app.get("/hello/:name", (_request, ctx) => Response.json({ hello: ctx.params.name, builds: app.stats.builds }));
const server = serve(app, {
  port: 0,
  health: "/healthz",
  onListen: ({ url, runtime }) => console.log(\`listening on \${url}/ (\${runtime})\`),
});
await server.finished;
console.log("closed");
`;

/** A consumer file for tsc: it compiles only if the published types are right. */
const CONSUMER = `import { App, HttpError } from "@latch/latch";
import { cors, requestId, type RequestIdState } from "@latch/latch/middleware";
import { serve, type ServeOptions } from "@latch/latch/serve";

const app = new App<{ state: RequestIdState }>().use(requestId(), cors());
app.get("/users/:id/posts/:post", (_request, ctx) => {
  const id: string = ctx.params.id;
  const post: string = ctx.params.post;
  // @ts-expect-error: the path has no :name param
  ctx.params.name;
  const requestIdOf: string = ctx.state.requestId;
  if (id === "0") throw new HttpError(404, "No such user");
  return Response.json({ id, post, requestIdOf });
});
const options: ServeOptions = { port: 0, warm: true, health: "/healthz" };
// @ts-expect-error: serve() has no option "prot"
const wrong: ServeOptions = { prot: 80 };
export const server = serve(app, options);
export { wrong };
`;

/** A server started in `cwd`: its output so far, a wait for a line, and its exit code. */
function startIn(command: string, args: string[], cwd: string) {
  const child = spawn(command, args, {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on(
    "data",
    (text: string) => (stdout += text),
  );
  child.stderr.setEncoding("utf8").on(
    "data",
    (text: string) => (stderr += text),
  );
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"))
  );
  const listening = within(
    20_000,
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stdout.match(
          /listening on (http:\/\/127\.0\.0\.1:\d+)\/ \((\w+)\)/,
        );
        if (match !== null) resolve(match);
      };
      child.stdout.on("data", check);
      exited.then((code) =>
        reject(
          new Error(
            `${command} exited ${code} before listening: ${stdout}${stderr}`,
          ),
        )
      );
    }),
    `${command} ${args.join(" ")} to listen`,
  );
  return {
    child,
    listening,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

/** Serves APP with `command args` in `cwd`, asks it over HTTP, then stops it with SIGTERM. */
async function answersOverHttp(
  name: string,
  command: string,
  args: string[],
  cwd: string,
) {
  const server = startIn(command, args, cwd);
  const { child } = server;
  try {
    const [, url, served] = await server.listening;
    assert.equal(served, name, `served by ${name}`);
    const hello = await fetch(`${url}/hello/ada`);
    assert.deepEqual(await hello.json(), { hello: "ada", builds: 1 }, name);
    assert.match(
      hello.headers.get("x-request-id") ?? "",
      /^[\w-]+$/,
      `${name}: the middleware ran`,
    );
    assert.equal((await fetch(`${url}/healthz`)).status, 200, name);
    process.kill(child.pid as number, "SIGTERM");
    assert.equal(
      await within(10_000, server.exited, `${name} to exit`),
      0,
      server.stderr(),
    );
    assert.match(server.stdout(), /closed\n$/, name);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
    }
    await server.exited;
  }
}

test(
  "The npm package installs from its tarball, runs on Node.js, Bun and Deno, and its types check",
  {
    skip: runtime === "node"
      ? false
      : "runs on Node.js (npm run test:node), which drives Bun and Deno",
    timeout: 180_000,
  },
  async () => {
    const temp = mkdtempSync(join(tmpdir(), "latch-package-"));
    try {
      const file = tarball(temp);
      const version = JSON.parse(readFileSync(join(repo, "deno.json"), "utf8")).version;
      assert.equal(basename(file), `latch-latch-${version}.tgz`);
      const readme = readFileSync(join(repo, "README.md"), "utf8");
      const install = readme.slice(
        readme.indexOf("## Install"),
        readme.indexOf("\n## ", readme.indexOf("## Install") + 1),
      );
      const commands = {
        npm: `npm install ./${basename(file)} srvx`,
        bun: `bun add ./${basename(file)}`,
        deno: `npm install ./${basename(file)}`,
        denoRun: "deno run --allow-net --allow-env app.js",
      };
      const importMap = {
        "@latch/latch": `npm:@latch/latch@${version}`,
        "@latch/latch/": `npm:/@latch/latch@${version}/`,
      };
      for (const command of Object.values(commands)) {
        assert.ok(
          install.includes(command),
          `the README's Install section shows \`${command}\``,
        );
      }
      for (const [key, value] of Object.entries(importMap)) {
        assert.ok(
          install.includes(`"${key}": "${value}"`),
          `the README's import map has ${key}`,
        );
      }
      // npm only ever reads the registry, or its cache first.
      const npmEnv = {
        npm_config_prefer_offline: "true",
        npm_config_audit: "false",
        npm_config_fund: "false",
      };
      const project = (name: string) => {
        const dir = join(temp, name);
        mkdirSync(dir);
        writeFileSync(
          join(dir, "package.json"),
          JSON.stringify({
            name: `consumer-${name}`,
            private: true,
            type: "module",
          }),
        );
        copyFileSync(file, join(dir, basename(file)));
        writeFileSync(join(dir, "app.js"), APP);
        return dir;
      };

      // Node.js, through npm, with srvx for serve().
      const node = project("node");
      const [npm, ...npmArgs] = commands.npm.split(" ") as [
        string,
        ...string[],
      ];
      run(npm, npmArgs, node, npmEnv);
      const nodeMajor = Number(process.versions.node.split(".")[0]);
      assert.ok(nodeMajor >= 20, `Node.js 20 or later, got ${process.version}`);
      console.log(`on Node.js ${process.version}`);
      await answersOverHttp("node", process.execPath, ["app.js"], node);
      writeFileSync(join(node, "consumer.ts"), CONSUMER);
      writeFileSync(
        join(node, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            lib: ["ES2022", "ESNext.Disposable", "DOM"],
            types: [],
            skipLibCheck: false,
            exactOptionalPropertyTypes: true,
          },
          files: ["consumer.ts"],
        }),
      );
      run(
        process.execPath,
        [join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
        node,
      );

      // Bun, through bun add.
      const bun = project("bun");
      const bunBinary = join(repo, "node_modules", ".bin", "bun");
      run(bunBinary, commands.bun.split(" ").slice(1), bun);
      await answersOverHttp("bun", bunBinary, ["app.js"], bun);

      // Deno, through an import map of npm: specifiers to the package npm installed.
      const deno = project("deno");
      const [, ...denoInstall] = commands.deno.split(" ");
      run("npm", denoInstall, deno, npmEnv);
      writeFileSync(
        join(deno, "deno.json"),
        JSON.stringify({ nodeModulesDir: "manual", imports: importMap }),
      );
      await answersOverHttp(
        "deno",
        join(repo, "node_modules", ".bin", "deno"),
        commands.denoRun.split(" ").slice(1),
        deno,
      );
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  },
);

test(
  "The npm package holds the built entry points of deno.json, types and source maps, and no tests",
  {
    skip: runtime === "node" ? false : "runs on Node.js (npm run test:node)",
    timeout: 120_000,
  },
  () => {
    const temp = mkdtempSync(join(tmpdir(), "latch-package-"));
    try {
      const file = tarball(temp);
      const files = run("tar", ["tzf", file], temp).trim().split("\n").sort();
      assert.ok(
        files.every((path) => path.startsWith("package/")),
        "all under package/",
      );
      const inside = new Set(
        files.map((path) => path.slice("package/".length)),
      );
      for (const required of ["package.json", "README.md", "LICENSE"]) {
        assert.ok(
          inside.has(required),
          required,
        );
      }
      run("tar", ["xzf", file, "-C", temp, "package/package.json"], temp);
      const manifest = JSON.parse(
        readFileSync(join(temp, "package", "package.json"), "utf8"),
      );
      const deno = JSON.parse(readFileSync(join(repo, "deno.json"), "utf8"));
      assert.equal(manifest.name, "@latch/latch");
      assert.equal(manifest.version, deno.version);
      assert.equal(manifest.type, "module");
      assert.equal(manifest.sideEffects, false);
      assert.match(manifest.engines.node, /^>=20/);
      assert.equal(manifest.dependencies, undefined, "no runtime dependencies");
      assert.equal(manifest.private, undefined);
      assert.deepEqual(manifest.peerDependenciesMeta, {
        srvx: { optional: true },
      });
      assert.deepEqual(
        Object.keys(manifest.exports),
        [...Object.keys(deno.exports), "./package.json"],
        "one export per entry point of deno.json",
      );
      for (
        const [subpath, source] of Object.entries(
          deno.exports as Record<string, string>,
        )
      ) {
        const stem = source.slice("./".length, -".ts".length);
        assert.deepEqual(manifest.exports[subpath], {
          types: `./${stem}.d.ts`,
          default: `./${stem}.js`,
        });
        for (const built of [`${stem}.js`, `${stem}.d.ts`, `${stem}.js.map`]) {
          assert.ok(inside.has(built), `${subpath}: ${built}`);
        }
      }
      for (const path of inside) {
        assert.doesNotMatch(
          path,
          /(^|\/)(tests|bench|examples|npm|node_modules|\.ci)\//,
          path,
        );
        assert.doesNotMatch(
          path,
          /_test\.|(?<!\.d)\.ts$/,
          `${path}: no tests, no TypeScript sources`,
        );
        if (path.endsWith(".js")) {
          assert.ok(inside.has(`${path}.map`), `${path} has a source map`);
        }
        if (path.endsWith(".js")) {
          assert.ok(
            inside.has(path.replace(/\.js$/, ".d.ts")),
            `${path} has types`,
          );
        }
      }
      console.log(
        `${basename(file)}: ${inside.size} files, ${statSync(file).size} bytes packed`,
      );
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  },
);
