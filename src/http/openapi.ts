import type { HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { clusterRequestSchema } from "../domain/clusterRequest.js";
import { clusterStatuses } from "../domain/statusDocument.js";
import { json } from "./responses.js";

const problemSchema = {
  type: "object",
  required: ["type", "title", "status"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    instance: { type: "string" },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["path", "code", "message"],
        properties: { path: { type: "string" }, code: { type: "string" }, message: { type: "string" } },
      },
    },
  },
};

const stepSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    status: {
      type: "string",
      enum: ["pending", "running", "succeeded", "failed", "skipped", "canceled"],
      description: "canceled: the step was under way when its run was canceled or failed at another step",
    },
    startedAt: { type: ["string", "null"], format: "date-time" },
    completedAt: { type: ["string", "null"], format: "date-time" },
    attempts: { type: "integer" },
    detail: { type: ["string", "null"] },
  },
};

const ipRowSchema = {
  type: "object",
  properties: {
    namespace: { type: "string" },
    name: { type: "string" },
    ip: { type: ["string", "null"] },
    hostNetwork: { type: "boolean" },
    expected: { type: "string" },
    actual: { type: "string" },
    ok: { type: "boolean" },
  },
};

const statusSchema = {
  type: "object",
  required: ["id", "status", "steps"],
  properties: {
    id: { type: "string" },
    status: { type: "string", enum: [...clusterStatuses] },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
    request: { $ref: "#/components/schemas/ClusterRequest" },
    steps: { type: "array", items: stepSchema },
    resources: { type: "object", additionalProperties: { type: "string" } },
    roleChecks: {
      type: "array",
      items: {
        type: "object",
        properties: {
          role: { type: "string" },
          scope: { type: "string" },
          principalId: { type: "string" },
          present: { type: "boolean" },
        },
      },
    },
    ipVerification: {
      type: ["object", "null"],
      properties: {
        passed: { type: "boolean" },
        nodes: { type: "array", items: ipRowSchema },
        pods: { type: "array", items: ipRowSchema },
        summary: { type: "object", additionalProperties: { type: "integer" } },
      },
    },
    error: {
      type: ["object", "null"],
      properties: { step: { type: "string" }, code: { type: "string" }, message: { type: "string" } },
    },
  },
};

const problemResponses = (codes: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(codes).map(([code, description]) => [
      code,
      { description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } },
    ]),
  );

const idParameter = { name: "id", in: "path", required: true, schema: { type: "string" } };

/** The OpenAPI 3.1 description; the request schema is generated from the same zod schema the API validates with. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "aks-provisioning-api",
      version: "1.0.0",
      description:
        "Plan, create, verify and tear down AKS clusters with their networking. All routes but /health need a function key (x-functions-key header or ?code=). The web console's static files are served anonymously at /api/console/ (not described here); its API calls carry the key.",
    },
    servers: [{ url: "/api" }],
    security: [{ functionKey: [] }],
    paths: {
      "/clusters": {
        post: {
          summary: "Validate, IP-plan and start provisioning a cluster",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/ClusterRequest" } } },
          },
          responses: {
            "202": {
              description: "Accepted; poll the Location URL",
              headers: { Location: { schema: { type: "string" } }, "Retry-After": { schema: { type: "integer" } } },
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      id: { type: "string" },
                      status: { type: "string" },
                      statusUrl: { type: "string" },
                      changes: {
                        type: "array",
                        items: { type: "string" },
                        description:
                          "For a cluster this API already built: the fields the run changes in place (node count, tags), then verifies",
                      },
                    },
                  },
                },
              },
            },
            ...problemResponses({
              "400": "Invalid request: every violated rule is listed in errors",
              "403": "Subscription or location not allowed",
              "409":
                "A run with a different spec, or a teardown, is in progress for this cluster; or the cluster exists and differs in fields AKS cannot change in place (each listed in errors with code immutable-field)",
              "413": "The body is over 64 KiB (counted in bytes)",
              "415": "The body is not sent as application/json",
            }),
          },
        },
        get: {
          summary: "List provisioning runs, newest first",
          parameters: [
            { name: "status", in: "query", schema: { type: "string", enum: [...clusterStatuses] } },
            { name: "top", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
            { name: "continuationToken", in: "query", schema: { type: "string" } },
          ],
          responses: {
            "200": {
              description: "A page of runs",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      items: { type: "array", items: { type: "object" } },
                      continuationToken: { type: ["string", "null"] },
                    },
                  },
                },
              },
            },
            ...problemResponses({ "400": "Invalid query parameters" }),
          },
        },
      },
      "/plans": {
        post: {
          summary: "Validate and IP-plan a request without touching Azure",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/ClusterRequest" } } },
          },
          responses: {
            "200": {
              description: "The plan, or the violations",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      valid: { type: "boolean" },
                      violations: { type: "array" },
                      plan: { type: ["object", "null"] },
                      modes: {
                        type: "array",
                        description:
                          "VNet addresses each network mode would consume at upgrade surge, and whether it fits the requested subnets",
                      },
                    },
                  },
                },
              },
            },
            ...problemResponses({ "400": "Body is not JSON" }),
          },
        },
      },
      "/clusters/{id}": {
        get: {
          summary: "Status document: steps, resources, role checks, IP verification",
          parameters: [idParameter],
          responses: {
            "200": {
              description: "Status",
              content: { "application/json": { schema: { $ref: "#/components/schemas/ClusterStatus" } } },
            },
            ...problemResponses({ "404": "Unknown id" }),
          },
        },
        delete: {
          summary: "Tear down the cluster, or its whole resource group",
          parameters: [
            idParameter,
            {
              name: "scope",
              in: "query",
              schema: { type: "string", enum: ["cluster", "resourceGroup"], default: "cluster" },
            },
          ],
          responses: {
            "202": { description: "Teardown started; progress at the status URL" },
            ...problemResponses({
              "404": "Unknown id, or not an id this API issues",
              "409": "Provisioning still running",
            }),
          },
        },
      },
      "/clusters/{id}/cancel": {
        post: {
          summary: "Stop a running provisioning run",
          parameters: [idParameter],
          responses: {
            "202": { description: "Canceled" },
            ...problemResponses({ "404": "Unknown id, or not an id this API issues", "409": "Not running" }),
          },
        },
      },
      "/health": {
        get: { summary: "Liveness (anonymous)", security: [], responses: { "200": { description: "ok" } } },
      },
      "/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } } },
    },
    components: {
      securitySchemes: { functionKey: { type: "apiKey", in: "header", name: "x-functions-key" } },
      schemas: {
        ClusterRequest: z.toJSONSchema(clusterRequestSchema, { io: "input", unrepresentable: "any" }),
        ClusterStatus: statusSchema,
        Problem: problemSchema,
      },
    },
  };
}

export function openApiHandler(): HttpResponseInit {
  return json(200, openApiDocument());
}
