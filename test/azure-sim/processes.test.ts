/**
 * The simulator as separate processes (built dist/, as `npm test` builds it first): `npm run sim --state-dir` killed
 * with SIGKILL and started again resumes the same simulated Azure, and `npm run kubeconfig` finds a running
 * simulator through its state folder (or AZURE_SIM_URL) and prints a cluster's admin kubeconfig.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startSimulatorProcess } from "../../local/azure-sim/childProcess.js";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { freePort } from "../../local/ports.js";
import { alive } from "../stack/stackProcess.js";
import { call, createSeed1, seed1 } from "./seedCluster.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), "azure-sim-proc-"));
let child: ChildProcess | undefined;
let sim: AzureSimulator | undefined;

afterAll(async () => {
  child?.kill("SIGKILL");
  await sim?.close();
});

function node(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const process_ = spawn(process.execPath, [join(repoRoot, script), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    process_.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    process_.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    process_.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("simulator processes", () => {
  it("resumes after SIGKILL, and npm run kubeconfig prints the cluster's kubeconfig from the state folder", async () => {
    const port = await freePort();
    child = spawn(
      process.execPath,
      [
        join(repoRoot, "dist/local/azure-sim/main.js"),
        "--port",
        String(port),
        "--time-scale",
        "0.002",
        "--state-dir",
        stateDir,
      ],
      { cwd: repoRoot },
    );
    await new Promise<void>((resolve, reject) => {
      child?.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("listening")) resolve();
      });
      child?.on("exit", () => reject(new Error("simulator exited")));
    });
    // Drive the child through an in-process client view of the same state (URL, secret and CA from its state file).
    const saved = JSON.parse(readFileSync(join(stateDir, "azure-sim-state.json"), "utf8"));
    const view = {
      url: `https://localhost:${port}`,
      caCertPem: saved.certificates.caCertPem,
      clientId: "0a1b2c3d-0000-4000-8000-5157a7e0c11e",
      clientSecret: saved.clientSecret,
      tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      subscriptionId: "11111111-2222-3333-4444-555555555555",
    } as AzureSimulator;
    const kubeconfig = await createSeed1(view);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGKILL");
    await new Promise((resolve) => child?.once("exit", resolve));

    sim = await startAzureSimulator({ stateDir, timeScale: 0.002 });
    expect(sim.url).toBe(view.url);
    const printed = await node("dist/local/kubeconfig.js", [seed1.rg, seed1.cluster], {
      AZURE_SIM_STATE_DIR: stateDir,
    });
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(kubeconfig);
    const server = /server: (\S+)/.exec(kubeconfig)?.[1] ?? "";
    const token = /token: (\S+)/.exec(kubeconfig)?.[1] ?? "";
    const nodes = await call({ ...sim, url: server }, token, "GET", "/api/v1/nodes");
    expect(nodes.body.items).toHaveLength(3);

    const elsewhere = await node(
      "dist/local/kubeconfig.js",
      [seed1.rg, seed1.cluster, "--subscription", "99999999-0000-0000-0000-000000000000"],
      { AZURE_SIM_STATE_DIR: stateDir },
    );
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/answered 404/);
    const byUrl = await node("dist/local/kubeconfig.js", [seed1.rg, seed1.cluster], {
      AZURE_SIM_URL: sim.url,
      AZURE_SIM_CA: sim.caCertPath,
    });
    expect(byUrl.stdout).toBe(kubeconfig);
    const nowhere = await node("dist/local/kubeconfig.js", [seed1.rg, seed1.cluster], {
      AZURE_SIM_STATE_DIR: join(stateDir, "missing"),
    });
    expect(nowhere.code).toBe(1);
    // Where it looked, and what to do, not "start the stack" alone (it may be running with another LOCAL_DATA_DIR).
    expect(nowhere.stderr.trim()).toBe(
      `No local stack state in ${join(stateDir, "missing")}. Start the stack with npm start, or, if it runs with ` +
        "LOCAL_DATA_DIR, give this command the same LOCAL_DATA_DIR.",
    );
  }, 120_000);

  it("runs as a child with a config patch, prints its client settings as JSON, and answers its control API", async () => {
    const started = await startSimulatorProcess({ timeScale: 0.002, config: { throttling: true, podStartupMs: 1234 } });
    try {
      expect(await started.config()).toMatchObject({ timeScale: 0.002, throttling: true, podStartupMs: 1234 });
      // The settings it printed are enough for a real client: a seed cluster is built through them.
      await createSeed1({ ...started.endpoint } as AzureSimulator);
      const log = await started.requestLog();
      expect(log.some((entry) => entry.method === "PUT" && /managedClusters\/[^/]+$/.test(entry.path))).toBe(true);
      expect(log.some((entry) => entry.path.includes("oauth2"))).toBe(true);
    } finally {
      await started.close();
    }
    expect(alive(started.pid)).toBe(false);
  }, 60_000);
});
