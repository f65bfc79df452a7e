import type { HttpResponseInit } from "@azure/functions";
import { clusterStatuses } from "../domain/statusDocument.js";
import { acknowledgeJsonSchema } from "./changeRequest.js";
import { clusterRequestJsonSchema } from "./requestSchema.js";
import { responseJsonSchemas } from "./responseSchemas.js";
import { json } from "./responses.js";

const etagHeader = { ETag: { description: "Strong entity tag of this representation", schema: { type: "string" } } };
const ifMatch = {
  name: "If-Match",
  in: "header",
  description: "The ETag the caller last saw; anything else (a stale view) is refused with 412",
  schema: { type: "string" },
};
const ifNoneMatch = {
  name: "If-None-Match",
  in: "header",
  description: "304 without a body when the ETag still matches",
  schema: { type: "string" },
};
const acceptedHeaders = {
  Location: { schema: { type: "string" } },
  "Operation-Location": { description: "The status monitor (same as Location)", schema: { type: "string" } },
  "Retry-After": { schema: { type: "integer" } },
};

const problemResponses = (codes: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(codes).map(([code, description]) => [
      code,
      { description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } },
    ]),
  );

const idParameter = { name: "id", in: "path", required: true, schema: { type: "string" } };

const onBehalfOf = {
  name: "X-On-Behalf-Of",
  in: "header",
  description:
    "A portal acting for a person names them here (e.g. user:default/alice). Recorded next to the authenticated " +
    "caller in requestedBy and the audit lines ('function-key for user:default/alice'); grants nothing. " +
    "1-200 printable characters, else 400 invalid-header.",
  schema: { type: "string", maxLength: 200 },
};

/** The OpenAPI 3.1 description; the request schema is generated from the same zod schema the API validates with. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "aks-provisioning-api",
      version: "1.0.0",
      description:
        "Plan, create, verify and tear down AKS clusters with their networking. Every route but /health and " +
        "/openapi.json needs an identified caller (docs/access.md). People and Entra app principals sign in " +
        "through App Service authentication (easyAuth: EASY_AUTH_ENABLED=true, the platform sets " +
        "x-ms-client-principal) and are bound by the ACCESS_POLICY grants of their app roles and groups. " +
        "Machine callers without Entra send a caller key (apiKey: x-api-key), bound to the key's own scope in " +
        "CALLER_KEYS. No key reaches beyond its scope and none is needed by a signed-in person. Every " +
        "subscription and resource group a request touches must be in the caller's scope. The web console " +
        "(/api/console/, not described here) works with the Easy Auth session alone.",
    },
    servers: [{ url: "/api" }],
    security: [{ easyAuth: [] }, { apiKey: [] }],
    paths: {
      "/clusters": {
        post: {
          summary: "Validate, IP-plan and start provisioning a cluster",
          description:
            "Builds the resource group, the VNet and subnets, the identity and preview features, then the egress the outbound type needs (userAssignedNATGateway: a NAT gateway of natGateway.sku, Standard or StandardV2, with a static public IP of the same SKU, or the one given by id; userDefinedRouting: a route table with a 0.0.0.0/0 route to nextHopIp, or the one given by id checked for such a route; either attached to every node and pod subnet before the cluster; loadBalancer and none: nothing), Network Contributor for the identity on the subnets and a UDR route table, the cluster, and verifies role assignments and IP placement. Several node pools: the first System pool with the cluster, the others after it through the agent-pool API. API server access: apiServer.vnetIntegration creates network.apiServerSubnet delegated to Microsoft.ContainerService/managedClusters, grants the cluster identity Network Contributor on it and checks both after create (roleChecks); apiServer.private builds a private cluster whose IPs are verified through AKS run command (kubectl get nodes / pods -A -o json in a pod AKS starts), since its API server answers only inside the VNet; apiServer.authorizedIpRanges restricts a public API server (the API's own outbound address must be in them: it reads the cluster directly). verify.demoWorkload is refused on a private cluster (not-yet-provisionable).",
          parameters: [
            onBehalfOf,
            {
              name: "Idempotency-Key",
              in: "header",
              description:
                "A replay with the same key and body answers the first 202 and starts nothing; the same key with another body is 422. Scoped to the caller, kept 24 h.",
              schema: { type: "string", maxLength: 255 },
            },
            {
              name: "Repeatability-Request-ID",
              in: "header",
              description: "OASIS Repeatable Requests (Azure API guidelines); same semantics as Idempotency-Key",
              schema: { type: "string", maxLength: 255 },
            },
            {
              name: "Repeatability-First-Sent",
              in: "header",
              description:
                "HTTP-date the request was first sent; older than 24 h is 400 (Repeatability-Result: rejected)",
              schema: { type: "string" },
            },
            {
              name: "whatIf",
              in: "query",
              description:
                "true: answer 200 with the change plan for a cluster this API built (changePlan; null for a " +
                "new cluster, which POST /plans plans) and start nothing",
              schema: { type: "boolean", default: false },
            },
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  allOf: [
                    { $ref: "#/components/schemas/ClusterRequest" },
                    {
                      type: "object",
                      properties: {
                        notify: { $ref: "#/components/schemas/Notify" },
                        acknowledge: acknowledgeJsonSchema(),
                      },
                    },
                  ],
                },
              },
            },
          },
          callbacks: {
            runEvent: {
              "{$request.body#/notify/url}": {
                post: {
                  summary: "A run event",
                  parameters: [
                    {
                      name: "X-Signature-256",
                      in: "header",
                      description:
                        "sha256=<hex HMAC-SHA256 of the raw body with notify.secret>, when a secret was given",
                      schema: { type: "string" },
                    },
                  ],
                  requestBody: {
                    content: {
                      "application/cloudevents+json": { schema: { $ref: "#/components/schemas/CloudEvent" } },
                    },
                  },
                  responses: {
                    "2XX": { description: "Delivered" },
                    "4XX": { description: "Given up on (except 408 and 429, which are retried) and recorded" },
                    "5XX": { description: "Retried with backoff" },
                  },
                },
              },
            },
          },
          responses: {
            "200": {
              description: "With ?whatIf=true: the change plan; nothing started",
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/WhatIfAnswer" } },
              },
            },
            "202": {
              description:
                "Accepted; poll the Location URL. Repeatability-Result: accepted when Repeatability-Request-ID was sent.",
              headers: {
                ...acceptedHeaders,
                "Repeatability-Result": { schema: { type: "string", enum: ["accepted", "rejected"] } },
              },
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/AcceptedRun" } },
              },
            },
            ...problemResponses({
              "400":
                "Invalid request: every violated rule is listed in errors (a refused notify URL has path notify.url; a bad key header names the header; what the orchestration cannot build yet has code not-yet-provisionable)",
              "401": "x-ms-client-principal is malformed (Easy Auth enabled)",
              "403":
                "A subscription or resource group the request touches (its own, or one a referenced VNet, NAT gateway " +
                "or route table lives in) is outside the subscription allow-list (code subscription-not-allowed) or " +
                "the caller's grants (code not-authorized); each error names the field and its scope. Or the " +
                "location is not allowed.",
              "422": "Idempotency-Key or Repeatability-Request-ID already used with a different body (code key-reused)",
              "409":
                "A run with a different spec, or a teardown, is in progress for this cluster; or the cluster exists " +
                "and differs in fields AKS cannot change in place (each listed in errors with code immutable-field); " +
                "or the change is one-way or disruptive and not acknowledged (code acknowledgement-required). " +
                "Both carry changePlan.",
              "413": "The body is over 64 KiB (counted in bytes)",
              "415": "The body is not sent as application/json",
              "503": "The cluster's last run ended but a completion event's delivery is still retried; POST again",
            }),
          },
        },
        get: {
          summary: "List provisioning runs, newest first, from the run index (one page read, filtered on the server)",
          description:
            "A caller signed in through Easy Auth sees only the runs ACCESS_POLICY grants them; such a page may hold fewer than `top` items and still carry `nextLink`. A malformed principal is 401.",
          parameters: [
            { name: "status", in: "query", schema: { type: "string", enum: [...clusterStatuses] } },
            { name: "subscriptionId", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "resourceGroup", in: "query", schema: { type: "string", maxLength: 90 } },
            {
              name: "requestedBy",
              in: "query",
              description: "User principal name, app:<client id> or key:<id>",
              schema: { type: "string" },
            },
            { name: "top", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
            { name: "maxpagesize", in: "query", description: "Alias of top", schema: { type: "integer" } },
            { name: "continuationToken", in: "query", schema: { type: "string" } },
            ifNoneMatch,
          ],
          responses: {
            "200": {
              description: "A page of runs",
              headers: etagHeader,
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      items: { type: "array", items: { $ref: "#/components/schemas/ClusterSummary" } },
                      continuationToken: { type: ["string", "null"] },
                      nextLink: {
                        type: "string",
                        format: "uri",
                        description: "Absolute URL of the next page; absent on the last page",
                      },
                    },
                  },
                },
              },
            },
            "304": { description: "Not modified (If-None-Match matched)", headers: etagHeader },
            ...problemResponses({ "400": "Invalid query parameters" }),
          },
        },
      },
      "/plans": {
        post: {
          summary: "Validate and IP-plan a request; with live=true also check it against Azure, read-only",
          parameters: [
            {
              name: "live",
              in: "query",
              schema: { type: "string", enum: ["true", "false"], default: "false" },
              description:
                "true: after planning a valid request, read Azure with the API's identity (GET/HEAD/list only, nothing created) for vCPU quota, the existing VNet and its subnets, provider and feature registration, and the identity's permissions; findings in `live`",
            },
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  allOf: [
                    { $ref: "#/components/schemas/ClusterRequest" },
                    {
                      type: "object",
                      description: "The same body as POST /clusters: notify is checked, then set aside",
                      properties: { notify: { $ref: "#/components/schemas/Notify" } },
                    },
                  ],
                },
              },
            },
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
                      warnings: {
                        type: "array",
                        description: "What is allowed but unwise ({ path, code, message }), e.g. kubenet-retiring",
                      },
                      notYetProvisionable: {
                        type: "array",
                        description:
                          "Planned, but POST /api/clusters would refuse it with code not-yet-provisionable ({ path, code, message })",
                      },
                      plan: { type: ["object", "null"] },
                      modes: {
                        type: "array",
                        description:
                          "VNet addresses each network mode would consume at upgrade surge, and whether it fits the requested subnets",
                      },
                      live: {
                        description:
                          "Only with live=true; null when the request is invalid. valid stays the planner's verdict: a live error sets passed to false, not valid",
                        oneOf: [
                          { type: "null" },
                          {
                            type: "object",
                            required: ["passed", "errors", "warnings", "checks"],
                            properties: {
                              passed: { type: "boolean", description: "false when any check is an error" },
                              errors: { type: "integer" },
                              warnings: { type: "integer" },
                              checks: {
                                type: "array",
                                items: {
                                  type: "object",
                                  required: ["code", "path", "status", "message"],
                                  properties: {
                                    code: {
                                      type: "string",
                                      examples: ["vcpu-quota", "subnet-conflicts-existing", "permission"],
                                    },
                                    path: { type: "string" },
                                    status: { type: "string", enum: ["ok", "warning", "error"] },
                                    message: { type: "string" },
                                    family: { type: "string" },
                                    needed: { type: "integer" },
                                    used: { type: "integer" },
                                    limit: { type: "integer" },
                                    available: { type: "integer" },
                                    addressPrefixes: { type: "array", items: { type: "string" } },
                                    conflicts: {
                                      type: "array",
                                      items: {
                                        type: "object",
                                        properties: {
                                          id: { type: "string" },
                                          name: { type: "string" },
                                          addressPrefix: { type: "string" },
                                        },
                                      },
                                    },
                                    action: { type: "string" },
                                    scope: { type: "string" },
                                    state: { type: "string" },
                                    armCode: { type: "string" },
                                  },
                                },
                              },
                            },
                          },
                        ],
                      },
                    },
                  },
                },
              },
            },
            ...problemResponses({
              "400":
                "Body is not JSON, live is neither true nor false, or notify is refused (errors[].path notify.url)",
              "403":
                "live=true outside the allow-lists or ACCESS_POLICY, or the API's identity may not read the subscription",
              "404": "live=true and ARM does not know the subscription",
              "502": "live=true and ARM or Entra ID could not be reached (after retries)",
            }),
          },
        },
      },
      "/clusters/{id}": {
        get: {
          summary: "Status document: steps, resources, role checks, IP verification",
          parameters: [idParameter, ifNoneMatch],
          responses: {
            "200": {
              description: "Status (one store read)",
              headers: { ...etagHeader, "Retry-After": { schema: { type: "integer" } } },
              content: { "application/json": { schema: { $ref: "#/components/schemas/ClusterStatus" } } },
            },
            "304": { description: "Not modified (If-None-Match matched)", headers: etagHeader },
            ...problemResponses({ "404": "Unknown id" }),
          },
        },
        delete: {
          summary: "Tear down the cluster, or its whole resource group",
          parameters: [
            idParameter,
            onBehalfOf,
            {
              name: "scope",
              in: "query",
              schema: { type: "string", enum: ["cluster", "resourceGroup"], default: "cluster" },
            },
            ifMatch,
          ],
          responses: {
            "202": { description: "Teardown started; progress at the status URL", headers: acceptedHeaders },
            ...problemResponses({
              "403": "Outside the caller's ACCESS_POLICY grants",
              "404": "Unknown id, or not an id this API issues",
              "409": "Provisioning still running (not yet Succeeded or Failed)",
              "412": "If-Match is not the run's current ETag",
              "503": "The run ended but a completion event's delivery is still retried; DELETE after Retry-After",
            }),
          },
        },
      },
      "/clusters/{id}/cancel": {
        post: {
          summary: "Stop a running provisioning run",
          parameters: [idParameter, ifMatch, onBehalfOf],
          responses: {
            "202": { description: "Canceled; the canceled event follows", headers: acceptedHeaders },
            ...problemResponses({
              "403": "Outside the caller's ACCESS_POLICY grants",
              "404": "Unknown id, or not an id this API issues",
              "409": "Not running",
              "412": "If-Match is not the run's current ETag",
            }),
          },
        },
      },
      "/health": {
        get: { summary: "Liveness (anonymous)", security: [], responses: { "200": { description: "ok" } } },
      },
      "/openapi.json": {
        get: { summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1" } } },
      },
      "/schemas/cluster-request.json": {
        get: {
          security: [],
          summary: "The ClusterRequest as a JSON Schema document, for portals that generate their forms",
          description:
            "Generated from the schema POST /api/clusters validates with (the same as components.schemas." +
            "ClusterRequest), with $id and title. Shape only: the planner's CIDR and cross-field rules are not in it.",
          responses: {
            "200": {
              description: "JSON Schema (draft 2020-12)",
              content: { "application/schema+json": { schema: { type: "object" } } },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: "apiKey",
          in: "header",
          name: "x-api-key",
          description:
            "A machine caller's key. CALLER_KEYS maps each key (stored as its SHA-256) to an id and the " +
            "subscriptions and resource groups it may use; runs record requestedBy key:<id>.",
        },
        easyAuth: {
          type: "apiKey",
          in: "header",
          name: "x-ms-client-principal",
          description:
            "Set by App Service authentication (never by clients; it strips a client's copy) from an Entra " +
            "user token, the browser session cookie, or an app's client-credentials token; read only when " +
            "EASY_AUTH_ENABLED=true. ACCESS_POLICY maps the principal's app roles and groups to scopes.",
        },
      },
      schemas: {
        ClusterRequest: clusterRequestJsonSchema(),
        ...responseJsonSchemas(),
      },
    },
  };
}

export function openApiHandler(): HttpResponseInit {
  return json(200, openApiDocument());
}
