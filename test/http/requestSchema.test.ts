/**
 * The published request schema is what portals build forms from: every documented example must pass it, and the
 * shape mistakes the API refuses must fail it too, judged by an independent JSON Schema validator (Ajv, 2020-12).
 */
import { HttpRequest } from "@azure/functions";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { planCluster } from "../../src/domain/planner.js";
import { openApiDocument } from "../../src/http/openapi.js";
import { requestSchemaHandler } from "../../src/http/requestSchema.js";
import { example, exampleBodies } from "../fixtures/examples.js";

const url = "https://aks-prov.example/api/schemas/cluster-request.json";
const response = requestSchemaHandler(new HttpRequest({ method: "GET", url }));
const schema = response.jsonBody as Record<string, unknown>;
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

describe("GET /api/schemas/cluster-request.json", () => {
  it("is a JSON Schema document with its own address, cacheable", () => {
    expect(response.status).toBe(200);
    const headers = response.headers as Record<string, string>;
    expect(headers["Content-Type"]).toMatch(/^application\/schema\+json/);
    expect(headers["Cache-Control"]).toContain("max-age");
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(url);
    expect(schema.title).toBe("ClusterRequest");
  });

  it("is the schema the OpenAPI document gives for the request body", () => {
    const { $schema, $id, title, description, ...published } = schema;
    void [$schema, $id, title, description];
    const components = (openApiDocument().components as { schemas: { ClusterRequest: Record<string, unknown> } })
      .schemas.ClusterRequest;
    const { $schema: openApiDraft, ...fromOpenApi } = components;
    void openApiDraft;
    expect(published).toEqual(fromOpenApi);
  });

  it.each(Object.keys(exampleBodies))("accepts the documented example %s", (name) => {
    expect(validate(example(name)), JSON.stringify(validate.errors)).toBe(true);
    expect(planCluster(example(name)).ok).toBe(true);
  });

  it("accepts an ARM id in any case, as ARM and the API do", () => {
    const body = example("overlay");
    const id = `/SUBSCRIPTIONS/${body.subscriptionId}/resourcegroups/rg-hub/providers/microsoft.network/VIRTUALNETWORKS/hub`;
    body.network.vnet = { id };
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(planCluster(body).ok).toBe(true);
  });

  const refused: [string, (body: Record<string, any>) => void][] = [
    ["an unknown top-level field", (body) => (body.clusterNmae = "typo")],
    ["an unknown network mode", (body) => (body.network.mode = "bridge")],
    ["a cluster name ARM refuses", (body) => (body.clusterName = "-bad-")],
    ["a subscription id that is no GUID", (body) => (body.subscriptionId = "prod")],
    ["zero nodes in the system pool", (body) => (body.nodePool = { count: 0 })],
    ["a count given as text", (body) => (body.nodePool = { count: "3" })],
    ["a VM size that is no Azure size", (body) => (body.nodePool = { vmSize: "large" })],
    ["a missing node subnet", (body) => delete body.network.nodeSubnet],
    ["a VNet id that is no ARM id", (body) => (body.network.vnet = { id: "vnet-hub" })],
  ];
  it.each(refused)("refuses %s, as the API does", (_, change) => {
    const body = example("overlay");
    change(body);
    expect(planCluster(body).ok).toBe(false);
    expect(validate(body)).toBe(false);
  });
});
