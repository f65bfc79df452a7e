/**
 * A simulator started on a state folder resumes the same simulated Azure after a restart — even after SIGKILL, since
 * the state is written (atomically, ≤ 200 ms after a change) while it runs: resources, operations finishing on the
 * clock, identities, the issued secret and tokens, the CA, its port and each cluster's Kubernetes objects and port.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { armToken, call, createSeed1, seed1 } from "./seedCluster.js";

const stateDir = mkdtempSync(join(tmpdir(), "azure-sim-state-"));
const options = { stateDir, timeScale: 0.002, emitRetryAfter: false, principalNotFoundWindowMs: 0, podStartupMs: 10 };
let sim: AzureSimulator | undefined;

afterAll(async () => {
  await sim?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function kube(kubeconfig: string, path: string) {
  const server = /server: (\S+)/.exec(kubeconfig)?.[1] ?? "";
  const token = /token: (\S+)/.exec(kubeconfig)?.[1] ?? "";
  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? "", "base64").toString();
  const { request } = await import("node:https");
  return new Promise<any>((resolve, reject) => {
    const r = request(
      `${server}${path}`,
      { agent: false, ca, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve(JSON.parse(text)));
      },
    );
    r.on("error", reject);
    r.end();
  });
}

describe("state folder", () => {
  it("resumes resources, credentials, CA, ports, clusters and their Kubernetes objects after a restart", async () => {
    sim = await startAzureSimulator(options);
    const first = { url: sim.url, secret: sim.clientSecret, ca: sim.caCertPem };
    const token = await armToken(sim);
    const kubeconfig = await createSeed1(sim);
    const before = await kube(kubeconfig, "/api/v1/pods");
    // An operation still running when the process goes: a resource group delete.
    await call(
      sim,
      token,
      "PUT",
      `/subscriptions/${sim.subscriptionId}/resourceGroups/rg-going?api-version=2025-04-01`,
      { location: "eastus" },
    );
    const deletion = await call(
      sim,
      token,
      "DELETE",
      `/subscriptions/${sim.subscriptionId}/resourceGroups/rg-going?api-version=2025-04-01`,
    );
    await sleep(300);
    // What is on disk while it runs is what a SIGKILL would leave: restart from exactly that, not from close()'s flush.
    const file = join(stateDir, "azure-sim-state.json");
    const onDisk = readFileSync(file, "utf8");
    expect(JSON.parse(onDisk).kube).toHaveLength(1);
    await sim.close();
    writeFileSync(file, onDisk);

    sim = await startAzureSimulator(options);
    expect({ url: sim.url, secret: sim.clientSecret, ca: sim.caCertPem }).toEqual(first);
    // The old token still works; the cluster, its kubeconfig and its objects (uids included) are the same.
    const cluster = await call(
      sim,
      token,
      "GET",
      `/subscriptions/${sim.subscriptionId}/resourceGroups/${seed1.rg}/providers/Microsoft.ContainerService/managedClusters/${seed1.cluster}?api-version=2026-04-01`,
    );
    expect(cluster.body.properties.provisioningState).toBe("Succeeded");
    expect(await sim.control.kubeconfig(seed1.rg, seed1.cluster)).toBe(kubeconfig);
    const after = await kube(kubeconfig, "/api/v1/pods");
    expect(after.items.map((p: { metadata: { uid: string } }) => p.metadata.uid)).toEqual(
      before.items.map((p: { metadata: { uid: string } }) => p.metadata.uid),
    );
    // The delete started before the restart finishes on the clock after it.
    const location = String(deletion.headers.location);
    let status = 202;
    for (let i = 0; i < 100 && status === 202; i += 1) {
      status = (await call(sim, token, "GET", location)).status;
      await sleep(20);
    }
    expect(status).toBe(200);
  }, 60_000);
});
