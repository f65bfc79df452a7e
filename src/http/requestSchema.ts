/**
 * GET /api/schemas/cluster-request.json: the ClusterRequest as JSON Schema, generated from the zod schema the API
 * validates with, so a portal builds its form from what the API accepts instead of a hand-written copy that drifts.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { clusterRequestSchema } from "../domain/clusterRequest.js";
import { json, urlFor } from "./responses.js";

export const requestSchemaRoute = "schemas/cluster-request.json";

/** The input side of the request schema (defaults are not filled in: an absent field keeps the API's default). */
export function clusterRequestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(clusterRequestSchema, { io: "input", unrepresentable: "any" });
}

/** The published document: the same schema with an identity and a title a form generator can show. */
export function publishedRequestSchema(id: string): Record<string, unknown> {
  const { $schema, ...schema } = clusterRequestJsonSchema();
  return {
    $schema,
    $id: id,
    title: "ClusterRequest",
    description:
      "The body of POST /api/clusters and POST /api/plans (POST /api/clusters also takes a top-level `notify`). " +
      "Shape only: CIDR arithmetic and cross-field rules are checked by the planner; POST /api/plans reports them.",
    ...schema,
  };
}

export function requestSchemaHandler(request: HttpRequest): HttpResponseInit {
  const id = urlFor(request.url, `/api/${requestSchemaRoute}`);
  // The schema changes only with a deployment; an hour keeps portal forms fresh enough without a fetch per form.
  return json(200, publishedRequestSchema(id), {
    "Content-Type": "application/schema+json; charset=utf-8",
    "Cache-Control": "public, max-age=3600",
  });
}
