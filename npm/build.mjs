// @ts-check
/**
 * `npm run build`: compiles every public entry point declared in deno.json's
 * `exports` with the TypeScript compiler into `dist/` (ESM JavaScript, `.d.ts`
 * and source maps with the sources inlined), and writes `dist/package.json`
 * from the template `npm/package.template.json`, its version and `exports` derived from
 * deno.json, so an entry point added there is built and packed with no change
 * here. `dist/` is the published package: `npm pack ./dist`.
 *
 * Run with Node.js 20 or later: `node npm/build.mjs`.
 *
 * @module
 */

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

/**
 * The published entry points, from deno.json's `exports`: the one list.
 *
 * @returns Each subpath (`.`, `./middleware`…) with its source file (`./mod.ts`…).
 */
export function entryPoints() {
  const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  const exports = typeof deno.exports === "string" ? { ".": deno.exports } : deno.exports;
  return Object.entries(exports).map(([subpath, source]) => {
    if (
      typeof source !== "string" || !source.startsWith("./") ||
      !source.endsWith(".ts")
    ) {
      throw new TypeError(
        `deno.json exports "${subpath}" must name a ./….ts file, got ${JSON.stringify(source)}`,
      );
    }
    if (!existsSync(join(root, source))) {
      throw new Error(
        `deno.json exports "${subpath}" names ${source}, which does not exist: write it or remove the entry`,
      );
    }
    return { subpath, source };
  });
}

/**
 * What `dist/package.json` says: the template, with the version and one
 * `exports` entry per entry point (`types` first, as TypeScript wants).
 *
 * @param {{ subpath: string, source: string }[]} entries
 */
function manifest(entries) {
  const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  const template = JSON.parse(
    readFileSync(join(root, "npm", "package.template.json"), "utf8"),
  );
  /** @type {Record<string, unknown>} */
  const exports = {};
  for (const { subpath, source } of entries) {
    const stem = source.slice(0, -".ts".length);
    exports[subpath] = { types: `${stem}.d.ts`, default: `${stem}.js` };
  }
  exports["./package.json"] = "./package.json";
  const { name, description, license, ...rest } = template;
  return {
    name,
    version: deno.version,
    description,
    license,
    ...rest,
    exports,
  };
}

/**
 * Rewrites `./x.ts` to `./x.js` in the emitted `.d.ts` files, as
 * `rewriteRelativeImportExtensions` does for the JavaScript (TypeScript 5.9
 * leaves declarations as written), so consumers on any TypeScript that reads
 * `exports` resolve them.
 *
 * @type {ts.TransformerFactory<ts.SourceFile | ts.Bundle>}
 */
function declarationSpecifiers(context) {
  const { factory } = context;
  /** @param {ts.Expression | undefined} specifier */
  const rewrite = (specifier) =>
    specifier !== undefined && ts.isStringLiteral(specifier) &&
      /^\.\.?\//.test(specifier.text) && specifier.text.endsWith(".ts") &&
      !specifier.text.endsWith(".d.ts")
      ? factory.createStringLiteral(
        `${specifier.text.slice(0, -".ts".length)}.js`,
      )
      : specifier;
  /** @type {ts.Visitor} */
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      return factory.updateImportDeclaration(
        node,
        node.modifiers,
        node.importClause,
        /** @type {ts.Expression} */ (rewrite(node.moduleSpecifier)),
        node.attributes,
      );
    }
    if (ts.isExportDeclaration(node)) {
      return factory.updateExportDeclaration(
        node,
        node.modifiers,
        node.isTypeOnly,
        node.exportClause,
        rewrite(node.moduleSpecifier),
        node.attributes,
      );
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) {
        return factory.updateImportTypeNode(
          node,
          factory.updateLiteralTypeNode(
            node.argument,
            /** @type {ts.StringLiteral} */ (rewrite(literal)),
          ),
          node.attributes,
          node.qualifier,
          node.typeArguments,
          node.isTypeOf,
        );
      }
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (
    file,
  ) => /** @type {ts.SourceFile} */ (ts.visitEachChild(file, visit, context));
}

/** Compiles the entry points and what they import; exits 1 on any diagnostic. */
function compile(/** @type {string[]} */ files) {
  const configPath = join(root, "npm", "tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {
    noEmit: false,
  }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(
        ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
      );
    },
  });
  if (config === undefined) throw new Error(`Cannot read ${configPath}`);
  const program = ts.createProgram({
    rootNames: files,
    options: config.options,
  });
  const emitted = program.emit(undefined, undefined, undefined, false, {
    afterDeclarations: [declarationSpecifiers],
  });
  const diagnostics = [
    ...ts.getPreEmitDiagnostics(program),
    ...emitted.diagnostics,
  ];
  if (diagnostics.length > 0) {
    const host = {
      getCanonicalFileName: (/** @type {string} */ name) => name,
      getCurrentDirectory: () => root,
      getNewLine: () => "\n",
    };
    console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
    console.error(
      `npm run build: ${diagnostics.length} TypeScript error(s), dist/ is incomplete`,
    );
    process.exit(1);
  }
  return program.getSourceFiles().filter((file) => !file.isDeclarationFile)
    .length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entries = entryPoints();
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist);
  const sources = compile(entries.map(({ source }) => join(root, source)));
  const packageJson = manifest(entries);
  for (const { subpath, source } of entries) {
    const stem = source.slice(0, -".ts".length);
    for (const file of [`${stem}.js`, `${stem}.d.ts`, `${stem}.js.map`]) {
      if (!existsSync(join(dist, file))) {
        throw new Error(
          `The build wrote no ${file} for the entry point "${subpath}"`,
        );
      }
    }
  }
  writeFileSync(
    join(dist, "package.json"),
    `${JSON.stringify(packageJson, null, 2)}\n`,
  );
  for (const file of ["README.md", "LICENSE"]) {
    cpSync(join(root, file), join(dist, file));
  }
  console.log(
    `built ${packageJson.name}@${packageJson.version} in ${relative(root, dist)}/: ` +
      `${entries.length} entry points (${entries.map(({ subpath }) => subpath).join(", ")}), ` +
      `${sources} modules`,
  );
}
