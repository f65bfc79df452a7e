/**
 * The published JSON Schemas of what the API answers and sends, generated from the zod schemas the code's types come
 * from (domain/statusSchemas.ts), as the request's is from the schema it is validated with.
 */
import { z } from "zod";
import { changePlanSchema } from "../domain/changes/changePlanSchema.js";
import { normalisedRequestSchema } from "../domain/clusterRequest.js";
import { acceptedRunSchema, whatIfAnswerSchema } from "../domain/runAnswers.js";
import { cloudEventSchema, problemSchema, statusDocumentSchema, statusSummarySchema } from "../domain/statusSchemas.js";
import { notifyInputSchema } from "./notify.js";

/** zod spells out what `format` and `integer` already say (a date-time regex, ±2^53 bounds); readers need neither. */
function withoutNoise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutNoise);
  if (typeof node !== "object" || node === null) return node;
  const entries = Object.entries(node).filter(
    ([key, value]) =>
      !(key === "pattern" && (node as { format?: unknown }).format === "date-time") &&
      !((key === "minimum" || key === "maximum") && Math.abs(Number(value)) === Number.MAX_SAFE_INTEGER),
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, withoutNoise(value)]));
}

function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "output"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return withoutNoise(rest) as Record<string, unknown>;
}

/** Schemas that embed one another: each is published once, and the others point at it with a $ref. */
function linkedJsonSchemas(schemas: Record<string, z.ZodType>): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: generated } = z.toJSONSchema(registry, {
    io: "output",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(generated).map(([id, { $schema: _dialect, $id: _id, ...rest }]) => [
      id,
      withoutNoise(rest) as Record<string, unknown>,
    ]),
  );
}

/** components.schemas: the status document with the normalised request, the summary, events, problems, notify and
 * the change answers. */
export function responseJsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    ClusterSummary: jsonSchemaOf(statusSummarySchema),
    CloudEvent: jsonSchemaOf(cloudEventSchema),
    Problem: jsonSchemaOf(problemSchema),
    Notify: jsonSchemaOf(notifyInputSchema, "input"),
    ...linkedJsonSchemas({
      ClusterStatus: statusDocumentSchema,
      NormalisedClusterRequest: normalisedRequestSchema,
      ChangePlan: changePlanSchema,
      AcceptedRun: acceptedRunSchema,
      WhatIfAnswer: whatIfAnswerSchema,
    }),
  };
}
