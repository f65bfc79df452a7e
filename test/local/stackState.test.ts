/** Where the helper scripts look for the running stack, and the az lines they print for it. */
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { azCloudConfig, azLoginCommands, shellQuote } from "../../local/azCommands.js";
import { keptSecret, simulatorStateDir, stackDataDir } from "../../local/stackState.js";

const root = "/home/me/aks-provisioning-api";

describe("the stack's state folder", () => {
  it("is .azurite in the checkout unless LOCAL_DATA_DIR names another, relative to the checkout", () => {
    expect(stackDataDir({}, root)).toBe(`${root}/.azurite`);
    expect(stackDataDir({ LOCAL_DATA_DIR: "" }, root)).toBe(`${root}/.azurite`);
    expect(stackDataDir({ LOCAL_DATA_DIR: "state" }, root)).toBe(`${root}/state`);
    expect(stackDataDir({ LOCAL_DATA_DIR: "/tmp/s" }, root)).toBe("/tmp/s");
  });

  it("holds the simulator's state in azure-sim, unless AZURE_SIM_STATE_DIR names a simulator's own", () => {
    expect(simulatorStateDir({}, root)).toBe(`${root}/.azurite/azure-sim`);
    expect(simulatorStateDir({ LOCAL_DATA_DIR: "/tmp/s" }, root)).toBe("/tmp/s/azure-sim");
    expect(simulatorStateDir({ LOCAL_DATA_DIR: "/tmp/s", AZURE_SIM_STATE_DIR: "/tmp/sim" }, root)).toBe("/tmp/sim");
  });

  it("keeps a secret made once, readable by its owner only", () => {
    const folder = join(mkdtempSync(join(tmpdir(), "kept-")), "state");
    const first = keptSecret(folder, "function.key", 18);
    expect(first).toMatch(/^[\w-]{24}$/);
    expect(keptSecret(folder, "function.key", 18)).toBe(first);
    expect(readFileSync(join(folder, "function.key"), "utf8")).toBe(first);
    expect(statSync(join(folder, "function.key")).mode & 0o777).toBe(0o600);
  });
});

describe("the az lines", () => {
  const metadata = {
    resourceManager: "https://localhost:42981/",
    graphAudience: "https://graph.windows.net/",
    microsoftGraphResourceId: "https://localhost:42981/",
    authentication: { loginEndpoint: "https://localhost:42981/adfs", audiences: ["https://localhost:42981/"] },
    suffixes: { storage: "core.windows.net", keyVaultDns: "vault.azure.net" },
  };
  const login = {
    url: "https://localhost:42981",
    caCertPath: "/tmp/my state/azure-sim/ca.pem",
    caCertPem: "",
    tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    clientId: "0a1b2c3d-0000-4000-8000-5157a7e0c11e",
    clientSecret: "sim-secret-1",
  };

  it("describe the cloud from its metadata, Microsoft Graph included, with the profile Debian's az needs", () => {
    expect(azCloudConfig(metadata)).toEqual({
      endpoints: {
        resourceManager: "https://localhost:42981/",
        management: "https://localhost:42981/",
        activeDirectory: "https://localhost:42981/adfs",
        activeDirectoryResourceId: "https://localhost:42981/",
        activeDirectoryGraphResourceId: "https://graph.windows.net/",
        microsoftGraphResourceId: "https://localhost:42981/",
      },
      suffixes: { storageEndpoint: "core.windows.net", keyvaultDns: ".vault.azure.net" },
      profile: "2020-09-01-hybrid",
    });
  });

  it("quote what a shell would split, and log in with everything az needs", () => {
    expect(shellQuote("/tmp/a b")).toBe("'/tmp/a b'");
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
    expect(shellQuote("/tmp/plain-path.pem")).toBe("/tmp/plain-path.pem");
    const lines = azLoginCommands(login, metadata, "/tmp/my state/azure-sim/azure-cli");
    expect(lines[1]).toBe(
      "export AZURE_CONFIG_DIR='/tmp/my state/azure-sim/azure-cli' REQUESTS_CA_BUNDLE='/tmp/my state/azure-sim/ca.pem'",
    );
    expect(lines.at(-1)).toBe(
      "az login --service-principal -u 0a1b2c3d-0000-4000-8000-5157a7e0c11e -p sim-secret-1" +
        " --tenant 72f988bf-86f1-41af-91ab-2d7cd011db47 -o table",
    );
  });
});
