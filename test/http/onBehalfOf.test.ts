/** A portal names the person it acts for; the run and the audit trail record both, and the name grants nothing. */
import { HttpRequest } from "@azure/functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setAuditSink } from "../../src/audit.js";
import { loadConfig } from "../../src/config.js";
import { provisioningId } from "../../src/domain/names.js";
import { memoryTable } from "../../src/azure/tables.js";
import { callerKeyHash } from "../../src/identity/callerKeys.js";
import { startProvisioning } from "../../src/http/startProvisioning.js";
import { NotifySecrets, RequestKeys, RunIndex } from "../../src/http/stores.js";
import type { ProvisionInput } from "../../src/orchestrators/provisionCluster.js";
import { example } from "../fixtures/examples.js";
import { FakeDurableClient } from "./fakeDurableClient.js";

let durable: FakeDurableClient;
let lines: string[];
let restore: (line: string) => void;

beforeEach(() => {
  durable = new FakeDurableClient();
  lines = [];
  restore = setAuditSink((line) => lines.push(line));
});
afterEach(() => void setAuditSink(restore));

// A portal backend's key, reaching every group.
const apiKey = "portal-test-key-0123456789";
const keyed = loadConfig({
  CALLER_KEYS: JSON.stringify({
    keys: [{ id: "backstage", sha256: callerKeyHash(apiKey), subscriptions: ["*"], resourceGroups: ["*"] }],
  }),
});

function post(headers: Record<string, string>, config = keyed) {
  const body = example("overlay");
  const stores = {
    index: new RunIndex(memoryTable()),
    keys: new RequestKeys(memoryTable()),
    secrets: new NotifySecrets(memoryTable()),
  };
  const request = new HttpRequest({
    method: "POST",
    url: "http://localhost:7071/api/clusters",
    body: { string: JSON.stringify(body) },
    headers: { "content-type": "application/json", ...headers },
  });
  const id = provisioningId(body.subscriptionId, body.resourceGroup, body.clusterName);
  return { id, response: startProvisioning(request, durable.asClient(), config, stores) };
}

describe("X-On-Behalf-Of", () => {
  it("records the person next to the caller in requestedBy and the audit line", async () => {
    const { id, response } = post({ "x-api-key": apiKey, "x-on-behalf-of": "user:default/alice" });
    expect((await response).status).toBe(202);
    const input = durable.instances.get(id)?.input as ProvisionInput;
    expect(input.meta?.requestedBy).toBe("key:backstage for user:default/alice");
    const accepted = lines.map((line) => JSON.parse(line)).find((entry) => entry.action === "run.accepted");
    expect(accepted.who).toBe("key:backstage for user:default/alice");
  });

  it("refuses a value that is too long with 400 naming the header, and starts nothing", async () => {
    const { id, response } = post({ "x-api-key": apiKey, "x-on-behalf-of": "a".repeat(201) });
    const answer = await response;
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body as string).errors[0]).toMatchObject({
      path: "X-On-Behalf-Of",
      code: "invalid-header",
    });
    expect(durable.instances.has(id)).toBe(false);
  });

  it("grants nothing: the caller's own access decides", async () => {
    const policy = JSON.stringify({
      grants: [{ roles: ["Aks.TeamB"], subscriptions: ["*"], resourceGroups: ["x-*"] }],
    });
    const config = loadConfig({ EASY_AUTH_ENABLED: "true", ACCESS_POLICY: policy });
    const principal = Buffer.from(
      JSON.stringify({
        auth_typ: "aad",
        claims: [
          { typ: "name", val: "backstage" },
          { typ: "roles", val: "Aks.TeamB" },
        ],
      }),
    ).toString("base64");
    const { id, response } = post({ "x-ms-client-principal": principal, "x-on-behalf-of": "platform-admin" }, config);
    expect((await response).status).toBe(403);
    expect(durable.instances.has(id)).toBe(false);
  });
});
