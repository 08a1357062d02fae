// @ts-check
/**
 * The test suite on Node.js, against the built package: `npm run test:node`.
 *
 * Builds `dist/`, packs it, unpacks the tarball into a temporary folder,
 * copies `tests/` into it, and compiles the test files that can run there
 * with the TypeScript compiler, so that their `../mod.ts` and `../lib/…`
 * imports resolve to the package's own files: `.js` (run) next to its `.d.ts`. Then `node --test` runs them. A test file runs here unless it needs
 * what the package does not ship or Node does not have: it imports a file
 * the package lacks (examples/), the runtime-specific server helpers
 * (tests/_serve.ts, tests/_spawn.ts), names `Deno` or `Bun`, or reads the
 * repository's files (`new URL("../…", import.meta.url)`); each file left out
 * is listed with why. Pass test files (`tests/x_test.ts`) to run only those.
 *
 * `LATCH_TARBALL` (the packed file) and `LATCH_REPO` (the repository) are
 * set for the tests, so the pack-install test does not pack again.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a command in `cwd`, failing loudly with its output. */
function run(
  /** @type {string} */ command,
  /** @type {string[]} */ args,
  cwd = root,
) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.status}\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

/**
 * Why a test file cannot run against the package on Node, or `undefined`.
 *
 * @param {string} testsDir The copy of tests/ inside the unpacked package.
 * @param {string} file A file in it.
 */
function reasonToSkip(testsDir, file, seen = new Set()) {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  if (/\bDeno\.|\bBun\.|globalThis\.Bun\b|"Bun" in globalThis/.test(text)) {
    return "names Deno or Bun";
  }
  if (/new URL\(\s*["']\.\.\//.test(text)) {
    return "reads the repository's files";
  }
  const specifiers = [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/g,
    ),
  ]
    .map((match) => /** @type {string} */ (match[1]));
  for (const specifier of specifiers) {
    if (/^\.\/_(serve|spawn)\.ts$/.test(specifier)) {
      return `imports ${specifier}`;
    }
    const target = resolve(dirname(file), specifier);
    if (target.startsWith(testsDir)) {
      const reason = reasonToSkip(testsDir, target, seen);
      if (reason !== undefined) return `${reason} (through ${specifier})`;
    } else if (!existsSync(target.replace(/\.ts$/, ".d.ts"))) {
      return `imports ${specifier}, which the package does not ship`;
    }
  }
  return undefined;
}

/** Compiles `files` next to themselves; returns the diagnostics' text, empty when none. */
function compile(/** @type {string[]} */ files) {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "npm", "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (config === undefined) throw new Error("Cannot read npm/tsconfig.json");
  const options = {
    ...config.options,
    rootDir: undefined,
    outDir: undefined,
    declaration: false,
    sourceMap: false,
    inlineSources: false,
    allowImportingTsExtensions: true,
    noEmitOnError: true,
    typeRoots: [join(root, "node_modules", "@types")],
    // Deno type-checks the tests (`deno check tests/`); TypeScript's DOM types differ from
    // Deno's in places (TextDecoderStream in pipeThrough), so here they are only compiled.
    // The package's own types are checked by its build and by the pack-install test's
    // `tsc --noEmit` on a consumer file.
    noCheck: true,
  };
  const program = ts.createProgram({ rootNames: files, options });
  const emitted = program.emit();
  const diagnostics = [
    ...ts.getPreEmitDiagnostics(program),
    ...emitted.diagnostics,
  ];
  return ts.formatDiagnosticsWithColorAndContext(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv.slice(2).map((file) => basename(file));
  const temp = mkdtempSync(join(tmpdir(), "latch-node-tests-"));
  let code = 1;
  try {
    run(process.execPath, [join(root, "npm", "build.mjs")]);
    const packed = JSON.parse(
      run("npm", [
        "pack",
        "./dist",
        "--pack-destination",
        temp,
        "--json",
        "--loglevel=error",
      ]),
    );
    const tarball = join(temp, packed[0].filename);
    run("tar", ["xzf", tarball, "-C", temp]);
    const pkg = join(temp, "package");
    const testsDir = join(pkg, "tests");
    cpSync(join(root, "tests"), testsDir, { recursive: true });
    // Test-only dependencies (fast-check, hono) and the package's optional peer, srvx.
    symlinkSync(join(root, "node_modules"), join(pkg, "node_modules"), "dir");
    const files = [];
    const helpers = [];
    for (const name of readdirSync(testsDir).sort()) {
      if (!name.endsWith(".ts")) continue;
      const isTest = name.endsWith("_test.ts");
      if (isTest && only.length > 0 && !only.includes(name)) continue;
      const reason = reasonToSkip(testsDir, join(testsDir, name));
      // Helpers too, for the tests that run one as a child process (tests/_serve_child.ts).
      if (reason === undefined) {
        (isTest ? files : helpers).push(join(testsDir, name));
      } else if (isTest) console.log(`# not on Node: tests/${name}: ${reason}`);
    }
    const errors = compile([...files, ...helpers]);
    if (errors !== "") {
      console.log(errors);
      console.log("# the tests did not compile against the package's types");
      console.log("# pass 0\n# fail 1");
    } else {
      console.log(
        `# on Node ${process.version} against ${packed[0].filename}: ${files.length} test files`,
      );
      const result = spawnSync(process.execPath, [
        "--import",
        join(root, "npm", "_node20_test_polyfills.mjs"),
        "--test",
        "--test-reporter=tap",
        ...files.map((file) => relative(pkg, file).replace(/\.ts$/, ".js")),
      ], {
        cwd: pkg,
        stdio: "inherit",
        env: {
          ...process.env,
          NO_COLOR: "1",
          LATCH_TARBALL: tarball,
          LATCH_REPO: root,
        },
      });
      code = result.status ?? 1;
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  process.exit(code);
}
