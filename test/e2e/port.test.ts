/**
 * The Port self-service backend (portals/port) between the local Port stand-in (local/port-sim) and the local stack:
 * a signed create run and a signed delete run carried out with their run logs, statuses and catalog entity asserted;
 * forged, replayed and misconfigured deliveries and a request the API refuses, each reported in Port's terms; and the
 * signing secret in no log line.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startPortSimulator, type PortSimulator } from "../../local/port-sim/index.js";
import { localCallerKeys } from "../../local/stack.js";
import { createPortAdapter, webhookPath, type PortAdapter } from "../../portals/port/adapter.js";
import { ClusterApi } from "../../portals/port/clusterApi.js";
import { PortApi } from "../../portals/port/portApi.js";
import { requestFor, startTestStack, type TestStack } from "./harness.js";

let stack: TestStack;
let port: PortSimulator;
let adapter: PortAdapter;
let webhook: string;
const adapterLog: string[] = [];
const consoleLines: string[] = [];
// The Port backend's own key in the API's CALLER_KEYS.
const portKey = randomBytes(24).toString("base64url");
const readApi = (path: string) => stack.api(path, { key: portKey });

beforeAll(async () => {
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void consoleLines.push(args.join(" ")));
  stack = await startTestStack({}, { CALLER_KEYS: localCallerKeys(portKey, "port") });
  port = await startPortSimulator();
  adapter = createPortAdapter({
    port: new PortApi({ baseUrl: port.url, clientId: port.clientId, clientSecret: port.clientSecret }),
    api: new ClusterApi({ baseUrl: stack.host.baseUrl, apiKey: portKey }),
    webhookSecret: port.clientSecret,
    toleranceSeconds: 300,
    blueprint: "aksCluster",
    pollMs: 200,
    timeoutMs: 60_000,
    log: (line) => adapterLog.push(line),
  });
  await new Promise<void>((resolve) => adapter.server.listen(0, "127.0.0.1", resolve));
  webhook = `http://127.0.0.1:${(adapter.server.address() as AddressInfo).port}${webhookPath}`;
});

afterAll(async () => {
  await Promise.all(adapter?.running() ?? []);
  await new Promise((resolve) => adapter?.server.close(resolve));
  await port?.close();
  await stack?.close();
  vi.restoreAllMocks();
});

const alice = "alice@contoso.example";
const createBody = (request: unknown) => (run: { id: string; user: string }) => ({
  operation: "create",
  request,
  port_context: { runId: run.id, user: run.user },
});
const settled = () => Promise.all(adapter.running());
const messages = (runId: string) => port.run(runId).logs.map((log) => log.message);

describe("a Port self-service run through the adapter", () => {
  it("creates a cluster: step logs, links, SUCCESS and the catalog entity; then a delete run removes both", async () => {
    const delivery = await port.trigger({
      webhookUrl: webhook,
      action: "create_aks_cluster",
      user: alice,
      body: createBody(requestFor("overlay", "aks-port")),
    });
    expect(delivery.status).toBe(202);
    await settled();
    const run = port.run(delivery.runId);
    expect(run.status, messages(delivery.runId).join("\n")).toBe("SUCCESS");
    expect(run.statusLabel).toBe("Cluster ready");
    const log = messages(delivery.runId);
    const id = /Accepted as cluster (c[0-9a-f]{24})/.exec(log[0] ?? "")?.[1] ?? "";
    expect(log).toContain("resourceGroup: succeeded — created");
    expect(log.join("\n")).toMatch(/ipVerification: succeeded — 3 node\(s\)/);
    expect(log.at(-1)).toBe(
      `Cluster ${id} is ready; IP placement verified. Address map: ${stack.host.baseUrl}/api/console/#/runs/${id}`,
    );
    expect(run.link).toEqual([
      `${stack.host.baseUrl}/api/console/#/runs/${id}`,
      `${stack.host.baseUrl}/api/clusters/${id}`,
    ]);

    const entity = port.state.blueprints.get("aksCluster")?.get(id);
    expect(entity?.title).toBe("aks-port");
    expect(entity?.properties).toMatchObject({
      status: "Succeeded",
      networkMode: "overlay",
      resourceGroup: "rg-aks-port",
      ipVerification: "passed",
      requestedBy: `key:port for port:${alice}`,
    });
    expect(entity?.runs).toEqual([delivery.runId]);
    expect((await readApi(`/api/clusters/${id}`)).body.requestedBy).toBe(`key:port for port:${alice}`);

    // Port delivering the same run again (a retry) joins it: nothing new is started or logged.
    const before = messages(delivery.runId).length;
    const again = await port.redeliver(webhook, delivery);
    expect(again).toMatchObject({ status: 200, body: { runId: delivery.runId, duplicate: true } });
    expect(messages(delivery.runId)).toHaveLength(before);

    const removal = await port.trigger({
      webhookUrl: webhook,
      action: "delete_aks_cluster",
      user: alice,
      body: (next) => ({ operation: "delete", clusterId: id, port_context: { runId: next.id, user: next.user } }),
    });
    expect(removal.status).toBe(202);
    await settled();
    expect(port.run(removal.runId).status, messages(removal.runId).join("\n")).toBe("SUCCESS");
    expect(messages(removal.runId).at(-1)).toBe(`Cluster ${id} is deleted.`);
    expect(port.state.blueprints.get("aksCluster")?.has(id)).toBe(false);
    expect((await readApi(`/api/clusters/${id}`)).body.status).toBe("Deleted");
  });

  it("reports each rule a refused request breaks in the run's log and fails the run, building nothing", async () => {
    const request = requestFor("overlay", "aks-port-misfit");
    request.network.nodeSubnet.addressPrefix = "10.30.0.0/24";
    const delivery = await port.trigger({
      webhookUrl: webhook,
      action: "create_aks_cluster",
      user: alice,
      body: createBody(request),
    });
    expect(delivery.status).toBe(202);
    await settled();
    const run = port.run(delivery.runId);
    expect(run.status).toBe("FAILURE");
    expect(run.statusLabel).toMatch(/^Refused: \d+ problems? in the form$/);
    expect(messages(delivery.runId)[0]).toBe(
      "The provisioning API refused the cluster request (400 The cluster request is invalid).",
    );
    expect(messages(delivery.runId).join("\n")).toMatch(
      /network\.nodeSubnet\.addressPrefix: .*10\.30\.0\.0\/24.* \[subnet-outside-vnet\]/,
    );
    expect((await readApi("/api/clusters?resourceGroup=rg-aks-port-misfit")).body.items).toEqual([]);
  });

  it("refuses a wrong signature and a replayed timestamp with 401, touching neither the run nor Azure", async () => {
    const forged = await port.trigger({
      webhookUrl: webhook,
      action: "create_aks_cluster",
      user: alice,
      body: createBody(requestFor("overlay", "aks-port-forged")),
      signingSecret: "not-the-client-secret",
    });
    expect(forged.status).toBe(401);
    expect(forged.body.detail).toBe("x-port-signature does not match the body and timestamp");

    const replayed = await port.trigger({
      webhookUrl: webhook,
      action: "create_aks_cluster",
      user: alice,
      body: createBody(requestFor("overlay", "aks-port-replayed")),
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(replayed.status).toBe(401);
    expect(replayed.body.detail).toMatch(/x-port-timestamp is 60\d s old \(tolerance 300 s\): a replayed/);

    const tampered = { ...forged, headers: { ...forged.headers }, raw: forged.raw.replace("aks-port-forged", "aks-x") };
    expect((await port.redeliver(webhook, tampered)).status).toBe(401);

    await settled();
    for (const delivery of [forged, replayed]) expect(port.run(delivery.runId).logs).toEqual([]);
    for (const group of ["rg-aks-port-forged", "rg-aks-port-replayed"]) {
      expect((await readApi(`/api/clusters?resourceGroup=${group}`)).body.items).toEqual([]);
    }
  });

  it("tells the Port run when the action's payload lacks what the backend needs", async () => {
    const delivery = await port.trigger({
      webhookUrl: webhook,
      action: "create_aks_cluster",
      user: alice,
      body: (run) => ({ operation: "resize", port_context: { runId: run.id } }),
    });
    expect(delivery.status).toBe(400);
    await settled();
    expect(port.run(delivery.runId).status).toBe("FAILURE");
    expect(port.run(delivery.runId).statusLabel).toBe("Misconfigured action");
    expect(messages(delivery.runId)[0]).toMatch(/^Action payload: operation: /);
  });

  it("writes the signing secret into no log line, its own or the API's", () => {
    const everything = [...adapterLog, ...consoleLines].join("\n");
    expect(adapterLog.some((line) => line.startsWith("port-adapter: refused a webhook"))).toBe(true);
    expect(everything).not.toContain(port.clientSecret);
    expect(everything).not.toContain("x-port-signature: v1,");
  });
});
