import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const lib = fileURLToPath(new URL("../lib/", import.meta.url));

/** Every .ts file under lib/, as paths relative to it. */
function sources(dir = lib): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [relative(lib, path)] : [];
  });
}

/** The lib/ files `file` imports or re-exports from, type imports included. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(lib, file), "utf8");
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/g)]
    .map((match) => match[1] as string);
  return specifiers
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => relative(lib, resolve(dirname(join(lib, file)), specifier)))
    .filter((target) => !target.startsWith(".."));
}

/** The import cycles in `graph`, each as the files around it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, "visiting");
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === "visiting") found.push(path.slice(path.indexOf(target)));
      else if (!state.has(target)) visit(target);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

/** Lines that are code: not blank, not comment. */
function codeLines(file: string): number {
  let inComment = false;
  let count = 0;
  for (const raw of readFileSync(join(lib, file), "utf8").split("\n")) {
    const line = raw.trim();
    if (inComment) {
      if (line.includes("*/")) inComment = false;
      continue;
    }
    if (line.startsWith("/*")) {
      inComment = !line.includes("*/");
      continue;
    }
    if (line === "" || line.startsWith("//")) continue;
    count++;
  }
  return count;
}

test("lib/ has no import cycle, type imports included", () => {
  const graph = new Map(sources().map((file) => [file, importsOf(file)]));
  assert.ok(graph.size > 20, "the scan found lib/'s files");
  assert.ok((graph.get("app.ts") ?? []).length > 3, "the scan found app.ts's imports");
  assert.deepEqual(cycles(graph), []);
});

test("the import cycle check finds a cycle when there is one", () => {
  const graph = new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]], ["d.ts", []]]);
  assert.deepEqual(cycles(graph), [["a.ts", "b.ts", "c.ts"]]);
});

test("The files that declare the shared types import no implementation", () => {
  const typeFiles = [
    "app_options.ts",
    "build_stats.ts",
    "context.ts",
    "build.ts",
    "route_options.ts",
    "standard_schema.ts",
  ];
  for (const file of typeFiles) {
    const text = readFileSync(join(lib, file), "utf8");
    const values = [...text.matchAll(/^import (?!type )[^;]*;/gm)].map((match) => match[0]);
    assert.deepEqual(values, [], `${file} imports only types`);
    for (const target of importsOf(file)) {
      assert.ok(typeFiles.includes(target), `${file} imports ${target}, which is not a types file`);
    }
  }
});

test("Middleware import only public modules and the small shared helpers, never the error layer", () => {
  const allowed = new Set(["_http.ts", "_thenable.ts"]);
  for (const file of sources().filter((file) => file.startsWith("middleware/"))) {
    for (const target of importsOf(file)) {
      const ok = target.startsWith("middleware/") || allowed.has(target) ||
        !target.startsWith("_");
      assert.ok(ok, `${file} imports ${target}`);
    }
  }
});

test("No core file in lib/ is over 300 lines of code (comments and JSDoc not counted)", () => {
  const over = sources()
    .map((file) => ({ file, lines: codeLines(file) }))
    .filter(({ lines }) => lines > 300);
  assert.deepEqual(over, []);
});
