/**
 * The OpenAPI 3.1.0 document of a built app's routes: one operation per
 * route and method, with `{name}` path templates, parameters from the
 * params, query and headers schemas, a JSON (or, with a file, multipart)
 * `requestBody`, the declared responses, and the 422 (and the body's 400, 413, 415)
 * that latch answers on a route's behalf, as RFC 9457 problems.
 *
 * @module
 */

import type { RouteInfo, RouteOptions, RouteResponse, StandardSchemaV1 } from "../../mod.ts";
import { _Schemas } from "./_schemas.ts";

type _Json = Record<string, unknown>;

/** What the document says besides the routes. */
export interface _DocumentSettings {
  readonly info: _Json;
  readonly servers?: readonly _Json[] | undefined;
  readonly tags?: readonly _Json[] | undefined;
}

/** The methods a route of every method (`all()`) is documented under. */
const _ALL_METHODS = ["get", "put", "post", "delete", "patch"] as const;

/** The content types a validated body is accepted in, as latch parses them. */
const _BODY_TYPES = [
  "application/json",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
];

const _PHRASES: Record<string, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  "1XX": "Informational",
  "2XX": "Success",
  "3XX": "Redirection",
  "4XX": "Client error",
  "5XX": "Server error",
  default: "Response",
};

/** The problem responses latch answers with on a validated route's behalf, by status. */
const _PROBLEMS = {
  400: { name: "BadRequest", description: "The request body could not be parsed" },
  413: {
    name: "ContentTooLarge",
    description: "The request body is larger than the route accepts",
  },
  415: {
    name: "UnsupportedMediaType",
    description: `The request body is not one of ${_BODY_TYPES.join(", ")}`,
  },
  422: {
    name: "ValidationFailed",
    description: "The request does not match the route's schemas; every issue is listed",
  },
} as const;

const _PROBLEM_SCHEMA: _Json = {
  type: "object",
  description: "An RFC 9457 problem",
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
  },
  required: ["type", "title", "status"],
};

const _VALIDATION_PROBLEM_SCHEMA: _Json = {
  allOf: [{ $ref: "#/components/schemas/Problem" }, {
    type: "object",
    properties: {
      errors: {
        type: "array",
        items: {
          type: "object",
          properties: {
            in: { enum: ["params", "query", "headers", "body"] },
            path: { type: "array", items: { type: ["string", "integer"] } },
            message: { type: "string" },
          },
          required: ["in", "path", "message"],
        },
      },
    },
    required: ["errors"],
  }],
};

/** `/todos/:list/*` as OpenAPI writes it, `/todos/{list}/{*}`, and its param names. */
function _template(path: string): { readonly path: string; readonly names: string[] } {
  const names: string[] = [];
  const templated = path.split("/").map((segment) => {
    if (segment === "*") {
      names.push("*");
      return "{*}";
    }
    if (!segment.startsWith(":")) return segment;
    names.push(segment.slice(1));
    return `{${segment.slice(1)}}`;
  }).join("/");
  return { path: templated, names };
}

/** The properties and required names of an object schema; none for any other. */
function _properties(
  json: _Json,
): { readonly entries: [string, _Json][]; readonly required: Set<string> } {
  const properties = json.properties;
  const entries = typeof properties === "object" && properties !== null
    ? Object.entries(properties as Record<string, _Json>)
    : [];
  const required = new Set(Array.isArray(json.required) ? json.required as string[] : []);
  return { entries, required };
}

/** Builds the document; {@linkcode _Schemas.notes} says what could not be documented. */
export class _DocumentBuilder {
  readonly #schemas = new _Schemas();
  readonly #operationIds = new Map<string, string>();
  readonly #problems = new Set<keyof typeof _PROBLEMS>();

  constructor() {
    this.#schemas.add("Problem", _PROBLEM_SCHEMA);
    this.#schemas.add("ValidationProblem", _VALIDATION_PROBLEM_SCHEMA);
  }

  /** What could not be documented, for the build log. */
  get notes(): readonly string[] {
    return this.#schemas.notes;
  }

  /** The document for `routes`. Throws a `TypeError` when two routes claim one `operationId`. */
  build(routes: readonly RouteInfo[], settings: _DocumentSettings): _Json {
    const paths: Record<string, Record<string, _Json>> = {};
    // A route of one method wins over an all() route of the same path, as in the router.
    const specific = routes.filter((route) => route.method !== "*");
    const general = routes.filter((route) => route.method === "*");
    for (const route of [...specific, ...general]) {
      const { path } = _template(route.path);
      const item = paths[path] ??= {};
      const methods = route.method === "*" ? _ALL_METHODS : [route.method.toLowerCase()];
      for (const method of methods) {
        if (method === "head" || item[method] !== undefined) continue;
        item[method] = this.#operation(route, method, route.method === "*");
      }
    }
    // The paths in the routes' order, whatever order the all() routes were placed in.
    const ordered: Record<string, Record<string, _Json>> = {};
    for (const route of routes) {
      const { path } = _template(route.path);
      if (paths[path] !== undefined) ordered[path] = paths[path];
    }
    const responses: _Json = {};
    for (const status of [400, 413, 415, 422] as const) {
      if (!this.#problems.has(status)) continue;
      const schema = status === 422 ? "ValidationProblem" : "Problem";
      responses[_PROBLEMS[status].name] = {
        description: _PROBLEMS[status].description,
        content: {
          "application/problem+json": { schema: { $ref: `#/components/schemas/${schema}` } },
        },
      };
    }
    const components: _Json = {};
    const schemas = { ...this.#schemas.components };
    if (this.#problems.size === 0) {
      delete schemas.Problem;
      delete schemas.ValidationProblem;
    } else if (!this.#problems.has(422)) delete schemas.ValidationProblem;
    if (Object.keys(schemas).length > 0) components.schemas = schemas;
    if (Object.keys(responses).length > 0) components.responses = responses;
    return {
      openapi: "3.1.0",
      info: settings.info,
      ...(settings.servers === undefined ? {} : { servers: settings.servers }),
      ...(settings.tags === undefined ? {} : { tags: settings.tags }),
      paths: ordered,
      ...(Object.keys(components).length > 0 ? { components } : {}),
    };
  }

  #operation(route: RouteInfo, method: string, expanded: boolean): _Json {
    const options: RouteOptions = route.options ?? {};
    const name = `${expanded ? "ALL" : route.method} ${route.path}`;
    const operation: _Json = {};
    if (options.tags !== undefined) operation.tags = [...options.tags];
    if (options.summary !== undefined) operation.summary = options.summary;
    if (options.description !== undefined) operation.description = options.description;
    if (options.operationId !== undefined) {
      const id = expanded ? `${options.operationId}_${method}` : options.operationId;
      const owner = this.#operationIds.get(id);
      if (owner !== undefined) {
        throw new TypeError(
          `openapi(): the operationId ${JSON.stringify(id)} is used by ${owner} and ${name}: ` +
            `give each route its own`,
        );
      }
      this.#operationIds.set(id, name);
      operation.operationId = id;
    }
    const parameters = this.#parameters(route, options, name);
    if (parameters.length > 0) operation.parameters = parameters;
    if (options.body !== undefined) {
      const schema = this.#schemas.of(options.body, "input", `the body schema of ${name}`);
      // Documented as JSON, or as multipart when it holds a file: the form types give strings
      // only, so listing them for a schema of booleans and numbers would promise what fails.
      const type = _holdsFile(schema) ? "multipart/form-data" : "application/json";
      operation.requestBody = { required: true, content: { [type]: { schema } } };
    }
    operation.responses = this.#responses(options, name);
    if (options.deprecated !== undefined) operation.deprecated = options.deprecated;
    return operation;
  }

  #parameters(route: RouteInfo, options: RouteOptions, name: string): _Json[] {
    const parameters: _Json[] = [];
    const { names } = _template(route.path);
    const fromSchema = (schema: StandardSchemaV1 | undefined, location: string, part: string) => {
      if (schema === undefined) return [];
      const json = this.#schemas.of(schema, "input", `the ${part} schema of ${name}`);
      const { entries, required } = _properties(json);
      return entries.map(([key, property]) => ({
        key,
        property,
        required: required.has(key),
        location,
      }));
    };
    const declared = fromSchema(options.params, "path", "params");
    // Every template name is a path parameter, with or without a schema for it.
    for (const param of names) {
      const found = declared.find((entry) => entry.key === param);
      parameters.push(_parameter(param, "path", true, found?.property ?? { type: "string" }));
    }
    for (const part of ["query", "headers"] as const) {
      const location = part === "query" ? "query" : "header";
      for (const entry of fromSchema(options[part], location, part)) {
        parameters.push(_parameter(entry.key, location, entry.required, entry.property));
      }
    }
    return parameters;
  }

  #responses(options: RouteOptions, name: string): _Json {
    const responses: _Json = {};
    for (const [status, response] of Object.entries(options.responses ?? {})) {
      responses[status] = this.#response(status, response as RouteResponse, name);
    }
    const validated = options.params !== undefined || options.query !== undefined ||
      options.headers !== undefined || options.body !== undefined;
    const latchAnswers = [
      ...(options.body === undefined ? [] : [400, 413, 415] as const),
      ...(validated ? [422] as const : []),
    ];
    for (const status of latchAnswers) {
      if (responses[status] !== undefined) continue;
      this.#problems.add(status);
      responses[status] = { $ref: `#/components/responses/${_PROBLEMS[status].name}` };
    }
    if (options.responses === undefined) responses.default = { description: "Response" };
    return responses;
  }

  #response(status: string, response: RouteResponse, name: string): _Json {
    const described = "~standard" in response
      ? { schema: response as StandardSchemaV1 }
      : response as { description?: string; schema?: StandardSchemaV1; contentType?: string };
    const result: _Json = { description: described.description ?? _PHRASES[status] ?? "Response" };
    if (described.schema !== undefined) {
      const schema = this.#schemas.of(
        described.schema,
        "output",
        `the ${status} response schema of ${name}`,
      );
      result.content = { [described.contentType ?? "application/json"]: { schema } };
    }
    return result;
  }
}

/** Whether a JSON Schema has a binary string somewhere: a file, which only multipart carries. */
function _holdsFile(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(_holdsFile);
  if (typeof node !== "object" || node === null) return false;
  const object = node as _Json;
  if (object.format === "binary" || object.contentEncoding === "binary") return true;
  return Object.values(object).some(_holdsFile);
}

/** A parameter object; a schema's `description` and `deprecated` become the parameter's too. */
function _parameter(name: string, location: string, required: boolean, schema: _Json): _Json {
  const parameter: _Json = { name, in: location };
  if (typeof schema.description === "string") parameter.description = schema.description;
  if (required || location === "path") parameter.required = true;
  if (schema.deprecated === true) parameter.deprecated = true;
  parameter.schema = schema;
  return parameter;
}
