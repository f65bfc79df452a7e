/**
 * The module inside Backstage's own scaffolder backend (the real plugin, its task worker and templating, started by
 * Backstage's startTestBackend with a mock catalog that holds the example templates) against the local stack (the
 * simulator and the local Functions host running the built app): create, wait, delete, and the refusals a person
 * filling in the form can meet.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { BackendFeature } from "@backstage/backend-plugin-api";
import type { Entity } from "@backstage/catalog-model";
import { mockCredentials, mockServices, startTestBackend } from "@backstage/backend-test-utils";
import { catalogServiceMock } from "@backstage/plugin-catalog-node/testUtils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startTestStack, subscriptionId, type TestStack } from "../../../test/e2e/harness.js";
import { localCallerKeys } from "../../../local/stack.js";
import aksModule from "../src/index.js";

const template = parse(readFileSync(new URL("../examples/template.yaml", import.meta.url), "utf8")) as Entity;
const deleteTemplate = parse(
  readFileSync(new URL("../examples/delete-template.yaml", import.meta.url), "utf8"),
) as Entity;
const alice = mockCredentials.user.header("user:default/alice");
// Backstage's own key in the API's CALLER_KEYS, as a platform team would configure it.
const backstageKey = randomBytes(24).toString("base64url");
const readApi = (path: string) => stack.api(path, { key: backstageKey });

interface TaskEvent {
  type: string;
  body: { message?: string; stepId?: string; status?: string; output?: Record<string, unknown> };
}

let stack: TestStack;
let backstage: string;
let stopBackstage: () => Promise<void>;

beforeAll(async () => {
  stack = await startTestStack({}, { CALLER_KEYS: localCallerKeys(backstageKey, "backstage") });
  const backend = await startTestBackend({
    features: [
      // As a Backstage backend adds it; the CommonJS module's default export is the plugin.
      import("@backstage/plugin-scaffolder-backend") as unknown as Promise<{ default: BackendFeature }>,
      aksModule,
      catalogServiceMock.factory({ entities: [template, deleteTemplate] }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: "http://localhost:7007" },
          aksProvisioning: {
            baseUrl: stack.host.baseUrl,
            apiKey: backstageKey,
            pollIntervalSeconds: 0.2,
          },
        },
      }),
    ],
  });
  backstage = `http://localhost:${backend.server.port()}/api/scaffolder`;
  stopBackstage = () => backend.stop();
});

afterAll(async () => {
  await stopBackstage?.();
  await stack?.close();
});

/** The parts of the scaffolder's answers the tests read. */
interface ScaffolderAnswer {
  id: string;
  status: string;
  log: { body: { message: string } }[];
}

async function scaffolder(path: string, body?: unknown): Promise<{ status: number; body: ScaffolderAnswer }> {
  const response = await fetch(`${backstage}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: alice, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as ScaffolderAnswer };
}

async function startTask(name: string, values: Record<string, unknown>): Promise<string> {
  const started = await scaffolder("/v2/tasks", { templateRef: `template:default/${name}`, values });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return started.body.id;
}

async function taskLog(id: string): Promise<{ log: string[]; output: Record<string, unknown> }> {
  const events = (await scaffolder(`/v2/tasks/${id}/events`)).body as unknown as TaskEvent[];
  const log = events.filter((event) => event.type === "log").map((event) => event.body.message ?? "");
  return { log, output: events.find((event) => event.type === "completion")?.body.output ?? {} };
}

async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function taskEnd(id: string) {
  const status = await waitFor(`task ${id}`, async () => {
    const task = await scaffolder(`/v2/tasks/${id}`);
    return ["completed", "failed", "cancelled"].includes(task.body.status) ? task.body.status : undefined;
  });
  return { status, ...(await taskLog(id)) };
}

/** Runs a template as alice would from the Create page and waits for the task to end. */
async function runTemplate(name: string, values: Record<string, unknown>) {
  return taskEnd(await startTask(name, values));
}

const form = (clusterName: string) => ({
  subscriptionId,
  resourceGroup: `rg-${clusterName}`,
  location: "eastus2",
  clusterName,
  networkMode: "overlay",
  vnetAddressPrefix: "10.20.0.0/16",
  nodeSubnetPrefix: "10.20.0.0/24",
  podCidr: "192.168.0.0/16",
  nodeCount: 3,
  vmSize: "Standard_D2s_v5",
});

describe("the example template in Backstage's scaffolder", () => {
  it("plans, creates and verifies a cluster, then the delete template removes it", async () => {
    const created = await runTemplate("aks-cluster", form("aks-backstage"));
    expect(created.status, created.log.join("\n")).toBe("completed");
    const text = created.log.join("\n");
    expect(text).toContain("Network mode overlay");
    expect(text).toMatch(/node subnet snet-nodes 10\.20\.0\.0\/24: 4 of 251 usable addresses at surge/);
    expect(text).toMatch(/Cluster run c[0-9a-f]{24} accepted/);
    expect(text).toContain("cluster: succeeded — Succeeded");
    expect(text).toMatch(/ipVerification: succeeded — 3 node\(s\) and \d+ pod\(s\)/);
    expect(text).toContain("Cluster ready; IP verification passed");

    const output = created.output as { links: { title: string; url: string }[]; text: { content: string }[] };
    const id = /Cluster id: (c[0-9a-f]{24})/.exec(output.text[0]?.content ?? "")?.[1] ?? "";
    expect(output.text[0]?.content).toContain("Status: Succeeded");
    expect(output.text[0]?.content).toContain("IP verification passed: true");
    expect(output.links.map((link) => link.url)).toEqual([
      `${stack.host.baseUrl}/api/console/#/runs/${id}`,
      `${stack.host.baseUrl}/api/clusters/${id}`,
    ]);
    const status = await readApi(`/api/clusters/${id}`);
    expect(status.body.status).toBe("Succeeded");
    expect(status.body.requestedBy).toBe("key:backstage for user:default/alice");
    expect(status.body.request.tags.requestedBy).toBe("user:default/alice");

    const deleted = await runTemplate("aks-cluster-delete", { clusterId: id });
    expect(deleted.status, deleted.log.join("\n")).toBe("completed");
    expect(deleted.log.join("\n")).toContain(`Cluster ${id} deleted`);
    expect((deleted.output as { text: { content: string }[] }).text[0]?.content).toBe("Status: Deleted");
    expect((await readApi(`/api/clusters/${id}`)).body.status).toBe("Deleted");
  });

  it("stops at the plan step with each rule the API names when the ranges do not fit, creating nothing", async () => {
    const failed = await runTemplate("aks-cluster", { ...form("aks-misfit"), nodeSubnetPrefix: "10.30.0.0/24" });
    expect(failed.status).toBe("failed");
    const text = failed.log.join("\n");
    expect(text).toContain("The provisioning API refused this (400 Invalid cluster request)");
    expect(text).toMatch(/network\.nodeSubnet\.addressPrefix: .*10\.30\.0\.0\/24.*\[subnet-outside-vnet\]/);
    expect(text).not.toContain("Create and verify the cluster");
    const list = await readApi(`/api/clusters?resourceGroup=rg-aks-misfit`);
    expect(list.body.items).toEqual([]);
  });

  it("refuses a form value outside the published schema before any step runs", async () => {
    const started = await scaffolder("/v2/tasks", {
      templateRef: "template:default/aks-cluster",
      values: { ...form("aks-bad"), clusterName: "-bad-" },
    });
    expect(started.status).toBe(400);
    expect(JSON.stringify(started.body)).toContain("clusterName");
  });

  it("logs progress during a long step, and canceling the task cancels the cluster run", async () => {
    // AKS takes a few seconds to create at this time scale instead of half a second.
    stack.sim.control.setConfig({ timeScale: 0.03 });
    try {
      const task = await startTask("aks-cluster", form("aks-canceled"));
      await waitFor("the cluster step", async () =>
        (await taskLog(task)).log.some((line) => line.includes("cluster: running")) ? true : undefined,
      );
      // The step's detail moves on with every read (elapsed time), so the log grows while AKS works.
      const progress = await waitFor("three progress lines from the cluster step", async () => {
        const lines = (await taskLog(task)).log.filter((line) =>
          /cluster: running — created: Creating; \dm/.test(line),
        );
        return lines.length >= 3 ? lines : undefined;
      });
      expect(progress[2]).toMatch(/elapsed/);
      const cancel = await fetch(`${backstage}/v2/tasks/${task}/cancel`, {
        method: "POST",
        headers: { authorization: alice },
      });
      expect(cancel.status).toBe(200);
      const ended = await taskEnd(task);
      // Backstage's runner ends a canceled task as failed, with the action's error in the log.
      expect(ended.status).toBe("failed");
      expect(ended.log.join("\n")).toMatch(/Canceled while cluster run c[0-9a-f]{24} was in progress/);
      expect(ended.log.join("\n")).toMatch(/Task canceled: canceling cluster run c[0-9a-f]{24}/);
      const id = /Cluster run (c[0-9a-f]{24}) accepted/.exec(ended.log.join("\n"))?.[1] ?? "";
      const final = await waitFor("the run to end", async () => {
        const status = ((await readApi(`/api/clusters/${id}`)).body as { status: string }).status;
        return ["Succeeded", "Failed", "Canceled"].includes(status) ? status : undefined;
      });
      expect(final).toBe("Canceled");
    } finally {
      stack.sim.control.setConfig({ timeScale: 0.002 });
    }
  });

  it("plans in a dry run without creating anything", async () => {
    const answer = await scaffolder("/v2/dry-run", {
      template,
      values: form("aks-dry"),
      directoryContents: [],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const messages = answer.body.log.map((entry) => entry.body.message);
    expect(messages.join("\n")).toContain("Network mode overlay");
    expect(messages.join("\n")).toMatch(/Skipping because aks:cluster:create does not support dry-run/);
    expect((await readApi(`/api/clusters?resourceGroup=rg-aks-dry`)).body.items).toEqual([]);
  });
});
