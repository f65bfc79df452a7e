/**
 * The change answers as /api/openapi.json publishes them: the plan of every documented change request, the 202 that
 * carries it and the what-if 200 validate against the generated components, and a document they do not describe fails.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { planChanges } from "../../src/domain/changes/changePlan.js";
import { changeRules } from "../../src/domain/changes/changeRules.js";
import { planCluster } from "../../src/domain/planner.js";
import { acceptedRun, whatIfAnswer } from "../../src/domain/runAnswers.js";
import { splitAcknowledge } from "../../src/http/changeRequest.js";
import { openApiDocument } from "../../src/http/openapi.js";
import { plannedExample } from "../fixtures/examples.js";

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: "openapi.json", components: (openApiDocument() as { components: unknown }).components });
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
const validate = (schema: string, document: unknown): string[] => {
  const check = compiled.get(schema) ?? ajv.compile({ $ref: `openapi.json#/components/schemas/${schema}` });
  compiled.set(schema, check);
  return check(document) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
};

const folder = fileURLToPath(new URL("../../docs/examples/changes/", import.meta.url));
const plans = readdirSync(folder)
  .filter((file) => file.endsWith(".json"))
  .map((file) => {
    const split = splitAcknowledge(JSON.parse(readFileSync(`${folder}${file}`, "utf8")));
    const next = split.ok ? planCluster(split.spec) : null;
    if (next === null || !next.ok) throw new Error(`${file} does not plan`);
    const base = plannedExample(file === "kubenet-to-overlay.json" ? "kubenet" : "overlay-user-pools");
    return [file, planChanges(base, next.request), next.warnings] as const;
  });
const where = {
  id: "c0123456789abcdef01234567",
  statusUrl: "https://api.example/api/clusters/c0123456789abcdef01234567",
};

describe("the change answers match the published OpenAPI", () => {
  it.each(plans)("%s: its ChangePlan, the 202 carrying it and the what-if answer", (_file, plan, warnings) => {
    expect(plan.changes.length).toBeGreaterThan(0);
    expect(validate("ChangePlan", plan)).toEqual([]);
    expect(validate("AcceptedRun", acceptedRun(where, warnings, plan))).toEqual([]);
    expect(validate("WhatIfAnswer", whatIfAnswer(where, warnings, plan))).toEqual([]);
  });

  it("a new cluster's 202 and what-if answer, with a warning", () => {
    const warning = { path: "network.vnet.addressPrefixes", code: "vnet-roomy", message: "a warning" };
    expect(validate("AcceptedRun", acceptedRun(where, [warning], null))).toEqual([]);
    expect(validate("WhatIfAnswer", whatIfAnswer(where, [], null))).toEqual([]);
  });

  it("the body's acknowledge is published as the schema it is validated with: every change code, nothing else", () => {
    const paths = (openApiDocument() as { paths: Record<string, any> }).paths;
    const extra = paths["/clusters"].post.requestBody.content["application/json"].schema.allOf[1];
    const check = ajv.compile({ type: "object", properties: { acknowledge: extra.properties.acknowledge } });
    const acknowledged = { acknowledge: changeRules.map((rule) => rule.code) };
    expect(check(acknowledged)).toBe(true);
    expect(splitAcknowledge(acknowledged).ok).toBe(true);
    expect(check({ acknowledge: ["pool-renamed"] })).toBe(false);
    expect(splitAcknowledge({ acknowledge: ["pool-renamed"] }).ok).toBe(false);
  });

  it("refuses what it does not describe (so the checks above can fail)", () => {
    const [, plan] = plans[0] ?? [];
    const change = plan?.changes[0];
    expect(validate("ChangePlan", { ...plan, changes: [{ ...change, kind: "sideways" }] })).not.toEqual([]);
    expect(validate("ChangePlan", { ...plan, addresses: { before: {}, after: {} } })).not.toEqual([]);
    expect(validate("AcceptedRun", { ...acceptedRun(where, [], null), status: "Running" })).not.toEqual([]);
    expect(validate("WhatIfAnswer", { ...whatIfAnswer(where, [], null), exists: "no" })).not.toEqual([]);
  });
});
