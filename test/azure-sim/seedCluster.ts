/**
 * Seed 1 (docs/examples/pod-subnet.json) created straight through the simulator's ARM API with the requests the
 * product sends — resource group, VNet with node and pod subnets, identity, Network Contributor on both subnets,
 * the managed cluster — for tests that drive a simulated cluster with real clients.
 */
import { request as httpsRequest } from "node:https";
import type { AzureSimulator } from "../../local/azure-sim/index.js";

export interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export async function armToken(sim: AzureSimulator): Promise<string> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: sim.clientId,
    client_secret: sim.clientSecret,
    scope: `${sim.url}/.default`,
  });
  const response = await call(
    sim,
    "",
    "POST",
    `/${sim.tenantId}/oauth2/v2.0/token`,
    form.toString(),
    "application/x-www-form-urlencoded",
  );
  return String(response.body.access_token);
}

export function call(
  sim: AzureSimulator,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
): Promise<Raw> {
  const url = new URL(path.startsWith("https://") ? path : `${sim.url}${path}`);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      {
        method,
        agent: false,
        ca: sim.caCertPem,
        headers: {
          ...(token === "" ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { "content-type": contentType }),
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => {
          let parsed: unknown = text;
          try {
            parsed = text === "" ? null : JSON.parse(text);
          } catch {
            // plain text (kubeconfig from the control API)
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parsed });
        });
      },
    );
    request.on("error", reject);
    if (body !== undefined) request.write(typeof body === "string" ? body : JSON.stringify(body));
    request.end();
  });
}

export const seed1 = { rg: "rg-aks-podsubnet", cluster: "aks-podsubnet", location: "eastus2" };

/** Creates seed 1 and waits for the cluster; returns its admin kubeconfig (YAML). */
export async function createSeed1(
  sim: AzureSimulator,
  sub = sim.subscriptionId,
  overrides: { podIPAllocationMode?: string } = {},
): Promise<string> {
  const token = await armToken(sim);
  const rg = `/subscriptions/${sub}/resourceGroups/${seed1.rg}`;
  const put = async (path: string, apiVersion: string, body: unknown) => {
    const response = await call(sim, token, "PUT", `${rg}${path}?api-version=${apiVersion}`, body);
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response;
  };
  await put("", "2025-04-01", { location: seed1.location });
  const vnetPath = "/providers/Microsoft.Network/virtualNetworks/vnet-aks";
  await put(vnetPath, "2026-01-01", {
    location: seed1.location,
    properties: {
      addressSpace: { addressPrefixes: ["10.240.0.0/12"] },
      subnets: [
        { name: "snet-nodes", properties: { addressPrefix: "10.243.0.0/16" } },
        { name: "snet-pods", properties: { addressPrefix: "10.242.0.0/16" } },
        { name: "snet-services", properties: { addressPrefix: "10.241.0.0/24" } },
      ],
    },
  });
  const identity = (
    await put("/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-podsubnet", "2024-11-30", {
      location: seed1.location,
    })
  ).body;
  for (const subnet of ["snet-nodes", "snet-pods"]) {
    await put(
      `${vnetPath}/subnets/${subnet}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`,
      "2022-04-01",
      {
        properties: {
          roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`,
          principalId: identity.properties.principalId,
          principalType: "ServicePrincipal",
        },
      },
    );
  }
  const subnetId = (name: string) => `${rg}${vnetPath}/subnets/${name}`;
  const created = await put(`/providers/Microsoft.ContainerService/managedClusters/${seed1.cluster}`, "2026-10-01", {
    location: seed1.location,
    identity: { type: "UserAssigned", userAssignedIdentities: { [identity.id]: {} } },
    properties: {
      kubernetesVersion: "1.33",
      dnsPrefix: seed1.cluster,
      agentPoolProfiles: [
        {
          name: "system",
          count: 3,
          vmSize: "Standard_D2s_v5",
          maxPods: 30,
          mode: "System",
          vnetSubnetID: subnetId("snet-nodes"),
          podSubnetID: subnetId("snet-pods"),
          ...overrides,
        },
      ],
      networkProfile: {
        networkPlugin: "azure",
        networkPolicy: "calico",
        serviceCidr: "10.0.0.0/16",
        dnsServiceIP: "10.0.0.10",
      },
    },
  });
  const operation = String(created.headers["azure-asyncoperation"]);
  for (;;) {
    const status = (await call(sim, token, "GET", operation)).body.status as string;
    if (status !== "InProgress") {
      if (status !== "Succeeded") throw new Error(`cluster create ended ${status}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const credentials = await call(
    sim,
    token,
    "POST",
    `${rg}/providers/Microsoft.ContainerService/managedClusters/${seed1.cluster}/listClusterAdminCredential?api-version=2026-10-01`,
  );
  return Buffer.from(String(credentials.body.kubeconfigs[0].value), "base64").toString("utf8");
}
