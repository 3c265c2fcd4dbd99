import { z } from "zod";
import { inputsOf } from "./procedures";
import { ROUTES, type Route } from "./routes";

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  [k: string]: unknown;
};

/** A zod input schema as JSON Schema 2020-12 (what OpenAPI 3.1 speaks); dates are date-time strings. */
export function jsonSchemaOf(schema: unknown): JsonSchema {
  const out = z.toJSONSchema(schema as z.ZodType, {
    io: "input",
    unrepresentable: "any",
    override: (ctx) => {
      const def = (ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def;
      if (def.type === "date") Object.assign(ctx.jsonSchema, { type: "string", format: "date-time" });
    },
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** The procedure's input as one object schema, without the fields the path supplies. */
function inputSchema(route: Route): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required = new Set<string>();
  for (const part of inputsOf(route.procedure).map(jsonSchemaOf)) {
    Object.assign(properties, part.properties ?? {});
    for (const r of part.required ?? []) required.add(r);
  }
  for (const field of [...Object.values(route.params ?? {}), ...Object.keys(route.fixed ?? {}), "cursor"]) {
    delete properties[field];
    required.delete(field);
  }
  return { type: "object", properties, ...(required.size ? { required: [...required] } : {}) };
}

const problemRef = { $ref: "#/components/schemas/Problem" };
const problems: Record<string, unknown> = Object.fromEntries(
  (
    [
      ["400", "Bad input; `field` names the first field at fault"],
      ["401", "No token, or not a live one"],
      ["403", "The token or its person may not do this"],
      ["404", "No such thing, or not shared with you"],
      ["409", "Conflict (a changed version, or an Idempotency-Key still in use)"],
      ["422", "The Idempotency-Key was used for a different request"],
      ["429", "Rate limit reached: see Retry-After"],
    ] as const
  ).map(([code, description]) => [
    code,
    { description, content: { "application/problem+json": { schema: problemRef } } },
  ]),
);

function operation(route: Route) {
  const input = inputSchema(route);
  const parameters: unknown[] = Object.keys(route.params ?? {}).map((name) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
    ...(name === "case" ? { description: "Case key (CASE-2026-0042) or id" } : {}),
  }));
  if (route.method === "GET") {
    for (const [name, schema] of Object.entries(input.properties ?? {})) {
      parameters.push({ name, in: "query", required: input.required?.includes(name) ?? false, schema });
    }
    if (route.pages)
      parameters.push({
        name: "cursor",
        in: "query",
        schema: { type: "string" },
        description: "nextCursor of the previous page",
      });
    if (route.pages === "slice")
      parameters.push({
        name: "limit",
        in: "query",
        schema: { type: "integer", minimum: 1, maximum: 200, default: 50 },
      });
  }
  if (route.method === "POST") {
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      schema: { type: "string", maxLength: 255 },
      description: "Replays of the same request get the stored response",
    });
  }
  const body = route.batch
    ? {
        type: "object",
        required: ["events"],
        properties: {
          events: {
            type: "array",
            minItems: 1,
            maxItems: 5000,
            items: jsonSchemaOf(
              z.object({
                occurredAt: z.string().describe("ISO 8601 with a time zone"),
                title: z.string().max(300),
                description: z.string().max(20_000).optional(),
                category: z.string().max(100).optional(),
                attackTechnique: z.string().optional(),
                starred: z.boolean().optional(),
                entities: z
                  .array(
                    z.object({
                      relation: z.string(),
                      kind: z.string(),
                      value: z.string(),
                      role: z.string().optional(),
                    }),
                  )
                  .max(50)
                  .optional(),
                raw: z.record(z.string(), z.unknown()).optional(),
              }),
            ),
          },
        },
      }
    : input;
  return {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}_${route.procedure.replaceAll(".", "_")}`,
    security: [{ token: route.scopes === "any" ? [] : [...route.scopes] }],
    description: route.scopes === "any" ? "Any token." : `Token scope: ${route.scopes.join(" or ")}.`,
    parameters,
    ...(route.method !== "GET"
      ? { requestBody: { required: true, content: { "application/json": { schema: body } } } }
      : {}),
    responses: {
      [String(route.status ?? 200)]: {
        description: "Done",
        content: { "application/json": { schema: { type: "object" } } },
      },
      ...problems,
    },
  };
}

let cached: unknown;

/** The OpenAPI 3.1 document, generated from the same zod schemas the procedures validate with. */
export function openApiDocument(extraPaths: Record<string, unknown> = {}): unknown {
  cached ??= (() => {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of ROUTES) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
    return {
      openapi: "3.1.0",
      info: {
        title: "Casefile API",
        version: "1",
        description:
          "Cases, timelines, requests, grants and the ledger. Authenticate with an API token (Authorization: Bearer).",
      },
      servers: [{ url: "/api/v1" }],
      paths: { ...paths, ...extraPaths },
      components: {
        securitySchemes: { token: { type: "http", scheme: "bearer", description: "An API token (cf_…)" } },
        schemas: {
          Problem: {
            type: "object",
            description: "RFC 9457 problem details",
            properties: {
              type: { type: "string" },
              title: { type: "string" },
              status: { type: "integer" },
              detail: { type: "string" },
              field: { type: "string" },
              errors: {
                type: "array",
                items: {
                  type: "object",
                  properties: { field: { type: "string" }, message: { type: "string" } },
                },
              },
            },
          },
        },
      },
    };
  })();
  return cached;
}
