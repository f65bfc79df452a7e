/**
 * Debian's azure-cli (2.45, `apt-get install azure-cli`) against the simulator, as the README tells a user to point it
 * there: cloud register from /metadata/endpoints, service-principal login through the /adfs authority, then the
 * seed article's commands. Skipped where az is not installed.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator } from "../../local/azure-sim/index.js";
import { createSeed1, seed1 } from "./seedCluster.js";

const run = promisify(execFile);
const hasAz = (() => {
  try {
    execFileSync("az", ["version"], { stdio: "ignore", timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();

let sim: AzureSimulator;
let home: string;

async function az(...args: string[]): Promise<any> {
  const env = {
    ...process.env,
    HOME: home,
    AZURE_CONFIG_DIR: join(home, "az"),
    REQUESTS_CA_BUNDLE: sim.caCertPath,
    AZURE_CORE_COLLECT_TELEMETRY: "false",
  };
  const { stdout } = await run("az", [...args, "-o", "json"], { env, timeout: 120_000 });
  return stdout.trim() === "" ? null : JSON.parse(stdout);
}

describe.skipIf(!hasAz)("azure-cli against the simulator", () => {
  beforeAll(async () => {
    sim = await startAzureSimulator({
      timeScale: 0.002,
      emitRetryAfter: false,
      principalNotFoundWindowMs: 0,
      podStartupMs: 10,
    });
    home = mkdtempSync(join(tmpdir(), "az-home-"));
    await createSeed1(sim);
    await az(
      "cloud",
      "register",
      "-n",
      "AzureSim",
      "--endpoint-resource-manager",
      `${sim.url}/`,
      "--suffix-storage-endpoint",
      "core.windows.net",
      "--suffix-keyvault-dns",
      ".vault.azure.net",
    );
    await az("cloud", "set", "-n", "AzureSim");
  }, 300_000);

  afterAll(async () => {
    await sim?.close();
  });

  it("logs in with a service principal and lists the simulator's subscription", async () => {
    const accounts = await az(
      "login",
      "--service-principal",
      "-u",
      sim.clientId,
      "-p",
      sim.clientSecret,
      "--tenant",
      sim.tenantId,
    );
    expect(accounts).toEqual([
      expect.objectContaining({ id: sim.subscriptionId, cloudName: "AzureSim", state: "Enabled" }),
    ]);
  }, 120_000);

  it("shows the group, identity, feature and cluster; gets admin credentials kubectl can use", async () => {
    expect(await az("group", "show", "-n", seed1.rg)).toMatchObject({
      name: seed1.rg,
      properties: { provisioningState: "Succeeded" },
    });
    expect(await az("identity", "show", "-g", seed1.rg, "-n", "id-aks-podsubnet")).toMatchObject({
      name: "id-aks-podsubnet",
    });
    expect(
      await az("feature", "show", "--namespace", "Microsoft.ContainerService", "-n", "PodSubnetPreview"),
    ).toMatchObject({ properties: { state: "NotRegistered" } });
    // az aks show dereferences servicePrincipalProfile, which real AKS always returns ({clientId: "msi"}).
    expect(await az("aks", "show", "-g", seed1.rg, "-n", seed1.cluster)).toMatchObject({
      provisioningState: "Succeeded",
      servicePrincipalProfile: { clientId: "msi" },
    });
    const file = join(home, "kubeconfig");
    await az("aks", "get-credentials", "--admin", "-g", seed1.rg, "-n", seed1.cluster, "-f", file);
    const { stdout } = await run("kubectl", ["get", "nodes", "-o", "name"], {
      env: { ...process.env, HOME: home, KUBECONFIG: file },
    });
    expect(stdout.trim().split("\n")).toHaveLength(3);
    const { stdout: context } = await run("kubectl", ["config", "current-context"], {
      env: { ...process.env, HOME: home, KUBECONFIG: file },
    });
    // azure-cli appends -admin to the context AKS names after the cluster.
    expect(context.trim()).toBe(`${seed1.cluster}-admin`);
  }, 300_000);
});
