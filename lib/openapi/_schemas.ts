/**
 * A route's Standard Schemas as JSON Schema for an OpenAPI 3.1 document,
 * through Standard JSON Schema (`schema["~standard"].jsonSchema`). What a
 * library nests under `$defs` moves to `components.schemas`, its `$ref`s
 * rewritten, so that they resolve inside the document; a schema that cannot
 * describe itself is documented as `{}` with a note, never a failure.
 *
 * @module
 */

import type { StandardJSONSchemaV1, StandardSchemaV1 } from "../../mod.ts";

type _Json = Record<string, unknown>;

/** What component names may be made of, as OpenAPI 3.1 requires. */
const _COMPONENT_NAME = /[^A-Za-z0-9._-]/g;

/** Collects the JSON Schemas of one document, the components they share, and the notes for the build log. */
export class _Schemas {
  /** `components.schemas`: latch's own first, then what the routes' schemas defined. */
  readonly components: Record<string, _Json> = {};
  /** What could not be documented, one sentence each. */
  readonly notes: string[] = [];

  /**
   * The JSON Schema of `schema`'s input (what a request sends) or output
   * (what a response carries); `{}` and a note when it has none.
   *
   * @param schema A route's schema.
   * @param io Which side of the schema.
   * @param where The schema as a note names it: `the body schema of POST /todos`.
   */
  of(schema: StandardSchemaV1, io: "input" | "output", where: string): _Json {
    const props: Partial<StandardJSONSchemaV1["~standard"]> = schema["~standard"];
    const converter = props.jsonSchema;
    if (typeof converter?.[io] !== "function") {
      this.notes.push(
        `${where} (${schema["~standard"].vendor}) has no JSON Schema, documented as {}: use a ` +
          `library that implements Standard JSON Schema (zod 4, arktype 2), or wrap a valibot ` +
          `schema with toStandardJsonSchema() from @valibot/to-json-schema`,
      );
      return {};
    }
    let json: unknown;
    try {
      json = converter[io]({ target: "draft-2020-12" });
    } catch (error) {
      this.notes.push(
        `${where} could not be turned into JSON Schema (${
          error instanceof Error ? error.message : String(error)
        }), documented as {}`,
      );
      return {};
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      this.notes.push(`${where} gave no JSON Schema object, documented as {}`);
      return {};
    }
    // A copy: libraries may cache what they return, and the document is rewritten in place.
    return this.#embed(structuredClone(json) as _Json);
  }

  /** The text each component was compared by, before its refs were final. */
  readonly #texts = new Map<string, string>();

  /**
   * Adds a component under `name`, or under a numbered variant when another
   * schema has that name; an equal schema already there is reused.
   *
   * @param name The name the library gave it.
   * @param json The schema.
   * @param text What to compare it by; defaults to its JSON.
   * @returns The name it is under.
   */
  add(name: string, json: _Json, text: string = JSON.stringify(json)): string {
    const base = name.replace(_COMPONENT_NAME, "_") || "Schema";
    for (let index = 1;; index++) {
      const candidate = index === 1 ? base : `${base}${index}`;
      const existing = this.#texts.get(candidate);
      if (existing === undefined) {
        this.components[candidate] = json;
        this.#texts.set(candidate, text);
        return candidate;
      }
      if (existing === text) return candidate;
    }
  }

  /** `json` with its `$defs` moved to the components and a root `$ref: "#"` made a component too. */
  #embed(json: _Json): _Json {
    delete json.$schema;
    const defs = {
      ...(json.$defs as _Json | undefined),
      ...(json.definitions as _Json | undefined),
    };
    delete json.$defs;
    delete json.definitions;
    // Refs first point at placeholders: a def's final name is known only once it is added.
    const placeholder = (name: string) => `#/components/schemas/\u0000${name}`;
    const named = Object.entries(defs).filter(([, def]) => typeof def === "object" && def !== null);
    const names = new Set(named.map(([name]) => name));
    let selfReferencing = false;
    const rewrite = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(rewrite);
      if (typeof node !== "object" || node === null) return;
      const object = node as _Json;
      const ref = object.$ref;
      if (typeof ref === "string") {
        if (ref === "#") selfReferencing = true;
        const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
        const name = match === null ? undefined : _unescape(match[1] as string);
        if (name !== undefined && names.has(name)) object.$ref = placeholder(name);
      }
      for (const value of Object.values(object)) rewrite(value);
    };
    rewrite(json);
    for (const [, def] of named) rewrite(def);
    const final = new Map<string, string>();
    for (const [name, def] of named) {
      final.set(name, `#/components/schemas/${this.add(name, def as _Json)}`);
    }
    for (const [name, target] of final) {
      _retarget(json, placeholder(name), target);
      for (const [, def] of named) _retarget(def, placeholder(name), target);
    }
    if (!selfReferencing) return json;
    // A schema that refers to its own root ("#") would refer to the whole document once embedded.
    const name = this.add("Schema", json);
    _retarget(json, "#", `#/components/schemas/${name}`);
    return { $ref: `#/components/schemas/${name}` };
  }
}

/** A JSON Pointer segment unescaped (`~1` is `/`, `~0` is `~`), then percent-decoded. */
function _unescape(segment: string): string {
  const pointer = segment.replaceAll("~1", "/").replaceAll("~0", "~");
  try {
    return decodeURIComponent(pointer);
  } catch {
    return pointer;
  }
}

/** Points every `$ref` equal to `from` in `node` at `to`. */
function _retarget(node: unknown, from: string, to: string): void {
  if (Array.isArray(node)) return node.forEach((item) => _retarget(item, from, to));
  if (typeof node !== "object" || node === null) return;
  const object = node as _Json;
  if (object.$ref === from) object.$ref = to;
  for (const value of Object.values(object)) _retarget(value, from, to);
}
