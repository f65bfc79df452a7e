/**
 * Microsoft.ContainerService managed clusters (2026-10-01) as the real recording shows them
 * (Azure/azure-sdk-assets js/sdk/containerservice/arm-containerservice/recordings/node/containerservice_test/
 * recording_managedclusters_create_test.json, 2023-09): PUT → 201 `Creating` with Azure-AsyncOperation only and no
 * Retry-After; the operation answers `{name, status: "InProgress", startTime}` on every poll for the whole create
 * (≈ 4 min 13 s), then `Succeeded` with endTime. DELETE → 202 with Azure-AsyncOperation and Location (≈ 3 min 17 s,
 * recording_managedclusters_delete_test.json). Invalid specs are refused at the PUT (aksValidation.ts).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { armError, json, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import { kubeconfigFor } from "../kube/kubeconfig.js";
import type { AksRecord, StoredResource } from "../state.js";
import { completeMigration, networkUpdateRefusal } from "./aksMigration.js";
import { clusterUpdateRefusal, restartPods } from "./aksUpdates.js";
import { ArmContext, NAME, props, RG, rgId, text } from "./context.js";
import { validateCluster } from "./aksValidation.js";
import { finishCluster, removeCluster } from "./aksLifecycle.js";
import { accessFields, kubeconfigServer, validateApiServerAccess } from "./aksApiServer.js";
import {
  anyPoolAutoscales,
  checkClusterReferences,
  echoedProfiles,
  loadBalancerProfile,
  systemData,
} from "./aksEchoes.js";
import { putAksManagedVnet } from "./network.js";

const TYPE = "Microsoft.ContainerService/ManagedClusters";
export const aksCreateMs = 253_000;
const aksDeleteMs = 197_000;
const aksUpdateMs = 120_000;

function clusterId(r: SimRequest): string {
  return `/subscriptions/${r.params[0] ?? ""}/resourcegroups/${r.params[1] ?? ""}/providers/Microsoft.ContainerService/managedClusters/${r.params[2] ?? ""}`;
}

export function containerServiceRoutes(ctx: ArmContext): Route[] {
  ctx.onComplete("aks.finish", (id) => finishCluster(ctx, id));
  ctx.onComplete("aks.remove", (id) => removeCluster(ctx, id));
  ctx.onComplete("aks.updated", (id) => {
    const cluster = ctx.state.get(id);
    if (cluster === undefined) return;
    const record = ctx.state.aks.get(id.toLowerCase());
    if (record?.pendingNetwork !== undefined) completeMigration(ctx, record, record.pendingNetwork);
    if (record?.pendingReimage !== undefined && record.kubeKey !== null)
      void ctx.kubeRunning(record.kubeKey).then((running) => {
        if (running !== undefined) restartPods(running.cluster);
      });
    if (record !== undefined) {
      delete record.pendingNetwork;
      delete record.pendingReimage;
    }
    props(cluster).provisioningState = "Succeeded";
    for (const pool of (props(cluster).agentPoolProfiles as Record<string, unknown>[] | undefined) ?? [])
      pool.provisioningState = "Succeeded";
  });
  ctx.beforeGroupRemoval.push((groupId) => {
    for (const cluster of ctx.state.ofType(TYPE))
      if (cluster.id.toLowerCase().startsWith(`${groupId.toLowerCase()}/`)) removeCluster(ctx, cluster.id);
  });
  const path = `${RG}/providers/Microsoft.ContainerService/managedClusters/${NAME}`;
  const operationStatus = (r: SimRequest) => {
    const operation = ctx.operation(r.params[0] ?? "");
    if (operation === undefined)
      return armError(404, "OperationNotFound", `The operation '${r.params[0] ?? ""}' could not be found.`);
    // No Retry-After on AKS operation polls: none in the recording.
    return json(200, ctx.operationBody(operation).body);
  };
  return [
    route("PUT", path, (r) => putCluster(ctx, r)),
    route("GET", path, (r) => {
      const cluster = ctx.state.get(clusterId(r));
      return cluster === undefined
        ? ctx.notFound("Microsoft.ContainerService/managedClusters", r.params[2] ?? "", r.params[1] ?? "")
        : json(200, cluster.body);
    }),
    route("GET", `${RG}/providers/Microsoft.ContainerService/managedClusters`, (r) => {
      const prefix = `${rgId(r.params[0] ?? "", r.params[1] ?? "")}/`.toLowerCase();
      return json(200, {
        value: ctx.state
          .ofType(TYPE)
          .filter((c) => c.id.toLowerCase().startsWith(prefix))
          .map((c) => c.body),
      });
    }),
    route("GET", `/subscriptions/([^/]+)/providers/Microsoft.ContainerService/managedClusters`, (r) => {
      const prefix = `/subscriptions/${r.params[0] ?? ""}/`.toLowerCase();
      return json(200, {
        value: ctx.state
          .ofType(TYPE)
          .filter((c) => c.id.toLowerCase().startsWith(prefix))
          .map((c) => c.body),
      });
    }),
    route("DELETE", path, (r) => deleteCluster(ctx, r)),
    route("POST", `${path}/listClusterAdminCredential`, (r) => credentials(ctx, r, "clusterAdmin")),
    route("POST", `${path}/listClusterUserCredential`, (r) => credentials(ctx, r, "clusterUser")),
    route(
      "GET",
      `/subscriptions/[^/]+/providers/Microsoft.ContainerService/locations/[^/]+/operations/([^/]+)`,
      operationStatus,
    ),
    route(
      "GET",
      `/subscriptions/[^/]+/providers/Microsoft.ContainerService/locations/[^/]+/operationresults/([^/]+)`,
      (r) => {
        const operation = ctx.operation(r.params[0] ?? "");
        return operation === undefined || !operation.done ? { status: 202 } : { status: 204 };
      },
    ),
  ];
}

function putCluster(ctx: ArmContext, r: SimRequest): SimResponse {
  const { state } = ctx;
  const [sub = "", rg = "", name = ""] = r.params;
  if (ctx.groupExists(sub, rg) === undefined) return ctx.missingGroup(rg);
  const id = clusterId(r);
  const existing = state.get(id);
  if (existing !== undefined) {
    const current = String(props(existing).provisioningState);
    if (current === "Creating" || current === "Updating" || current === "Deleting")
      return armError(
        409,
        "OperationNotAllowed",
        `Operation is not allowed because there's an in progress ${current.toLowerCase().replace(/ing$/, "e")} managed cluster operation on the managed cluster.`,
      );
  }
  const body = (r.body ?? {}) as {
    location?: string;
    tags?: Record<string, string>;
    identity?: { type?: string; userAssignedIdentities?: Record<string, unknown> };
    properties?: Record<string, unknown>;
  };
  const p = body.properties ?? {};
  const location = String(body.location ?? "eastus");
  const nodeResourceGroup = text(p.nodeResourceGroup, `MC_${rg}_${name}_${location}`);
  const refused = checkClusterReferences(ctx, p);
  if (refused !== null) return refused;
  const requestedPool = ((p.agentPoolProfiles as Record<string, unknown>[] | undefined) ?? [])[0];
  // No node subnet: AKS builds its own VNet in the node resource group (the spec's ManagedClustersCreate_Update).
  const managedVnet =
    requestedPool !== undefined && typeof requestedPool.vnetSubnetID !== "string"
      ? putAksManagedVnet(ctx, sub, nodeResourceGroup, location, id)
      : null;
  const validation = validateCluster(ctx, nodeResourceGroup, body, p, sub, managedVnet?.subnetId ?? null);
  if ("error" in validation) managedVnet?.remove();
  if ("error" in validation) return validation.error;
  const { network, identity } = validation;
  const accessValidation = validateApiServerAccess(
    ctx,
    p,
    { nodeSubnetId: network.nodeSubnetId, podSubnetId: network.podSubnetId, vnetId: network.vnetId },
    String(props(identity).principalId),
  );
  if ("error" in accessValidation) managedVnet?.remove();
  if ("error" in accessValidation) return accessValidation.error;
  const pool = ((p.agentPoolProfiles as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
  const dnsPrefix = text(p.dnsPrefix, name);
  const fqdn = `${dnsPrefix}-${randomBytes(4).toString("hex")}.hcp.${location}.azmk8s.io`;
  const identityId = Object.keys(body.identity?.userAssignedIdentities ?? {})[0] ?? "";
  const version = network.kubernetesVersion;
  const requestedVersion = text(p.kubernetesVersion, "") === "" ? version : text(p.kubernetesVersion, "");
  const requestedNetwork = (p.networkProfile ?? {}) as Record<string, unknown>;
  const clusterBody: Record<string, unknown> = {
    id,
    location,
    name,
    type: TYPE,
    tags: body.tags ?? {},
    eTag: randomUUID(),
    sku: { name: "Base", tier: "Free" },
    systemData: systemData(ctx, existing?.body.systemData),
    identity: {
      type: "UserAssigned",
      userAssignedIdentities: {
        [identityId]: { clientId: props(identity).clientId, principalId: props(identity).principalId },
      },
    },
    properties: {
      provisioningState: "Creating",
      powerState: { code: "Running" },
      kubernetesVersion: requestedVersion,
      currentKubernetesVersion: version,
      dnsPrefix,
      fqdn,
      azurePortalFQDN: fqdn.replace(".hcp.", ".portal.hcp."),
      agentPoolProfiles: [
        {
          ...pool,
          count: network.nodeCount,
          vmSize: text(pool.vmSize, "Standard_D4ds_v5"),
          osDiskSizeGB: typeof pool.osDiskSizeGB === "number" ? pool.osDiskSizeGB : 128,
          osDiskType: text(pool.osDiskType, "Managed"),
          kubeletDiskType: "OS",
          maxPods: network.maxPods,
          type: text(pool.type, "VirtualMachineScaleSets"),
          provisioningState: "Creating",
          powerState: { code: "Running" },
          orchestratorVersion: requestedVersion,
          currentOrchestratorVersion: version,
          mode: text(pool.mode, "System"),
          osType: "Linux",
          osSKU: text(pool.osSKU, "Ubuntu"),
          nodeImageVersion: "AKSUbuntu-2204gen2containerd-202510.01.0",
          enableFIPS: false,
          ...(network.podIPAllocationMode === null ? {} : { podIPAllocationMode: network.podIPAllocationMode }),
          securityProfile: { sshAccess: "LocalUser" },
        },
      ],
      servicePrincipalProfile: { clientId: "msi" },
      nodeResourceGroup,
      enableRBAC: true,
      supportPlan: "KubernetesOfficial",
      networkProfile: {
        networkPlugin: network.mode === "kubenet" ? "kubenet" : "azure",
        loadBalancerSku: "standard",

        serviceCidr: network.serviceCidr,
        dnsServiceIP: network.dnsServiceIP,
        outboundType: "loadBalancer",
        serviceCidrs: [network.serviceCidr],
        ipFamilies: ["IPv4"],
        ...(network.podCidr === null ? {} : { podCidr: network.podCidr, podCidrs: [network.podCidr] }),
        ...requestedNetwork,
        // Outbound IPs on the load balancer exist only when it carries egress (outboundType loadBalancer).
        ...((requestedNetwork.outboundType ?? "loadBalancer") === "loadBalancer"
          ? {
              loadBalancerProfile: loadBalancerProfile(requestedNetwork.loadBalancerProfile, {
                sub,
                nodeResourceGroup,
                id,
              }),
            }
          : {}),
      },
      maxAgentPools: 100,
      autoUpgradeProfile: { nodeOSUpgradeChannel: "NodeImage" },
      securityProfile: {},
      storageProfile: {
        // diskCSIDriver.version exists only in preview api-versions; this simulator answers the stable shape.
        diskCSIDriver: { enabled: true },
        fileCSIDriver: { enabled: true },
        snapshotController: { enabled: true },
      },
      oidcIssuerProfile: { enabled: false },
      workloadAutoScalerProfile: {},
      metricsProfile: { costAnalysis: { enabled: false } },
      resourceUID: randomBytes(12).toString("hex"),
      ...echoedProfiles(p, anyPoolAutoscales(p.agentPoolProfiles)),
      ...accessFields(accessValidation.access, dnsPrefix, location, fqdn),
    },
  };
  const previous = state.aks.get(id.toLowerCase());
  if (existing !== undefined && previous?.kubeKey !== null && previous !== undefined) {
    const refused = networkUpdateRefusal(previous.network, network);
    if (refused !== null) return refused;
    const update = clusterUpdateRefusal(existing, p, { from: previous.network, to: network });
    if ("error" in update) return update.error;
    previous.pendingNetwork = network;
    if (update.reimage !== null) previous.pendingReimage = update.reimage;
    // A PUT on a running cluster updates it in place: same FQDN, resourceUID and Kubernetes API (the spec change
    // itself — scaling, upgrades — is not modelled). Duration unverified: no update recording was found.
    const kept = props(existing);
    const properties = clusterBody.properties as Record<string, unknown>;
    for (const field of ["fqdn", "azurePortalFQDN", "privateFQDN", "resourceUID", "nodeResourceGroup"])
      if (kept[field] !== undefined) properties[field] = kept[field];
    properties.provisioningState = "Updating";
    for (const pool of properties.agentPoolProfiles as Record<string, unknown>[]) pool.provisioningState = "Updating";
    state.put({ ...existing, body: clusterBody });
    const operation = ctx.startOperation(aksUpdateMs, "aks.updated", id);
    previous.operationId = operation.id;
    state.changed();
    return json(200, clusterBody, {
      "Azure-AsyncOperation": `${r.origin}/subscriptions/${sub}/providers/Microsoft.ContainerService/locations/${location}/operations/${operation.id}?api-version=${r.query.get("api-version") ?? "2026-10-01"}&t=${Date.now()}`,
    });
  }
  const stored: StoredResource = { id, type: TYPE, createdAt: existing?.createdAt ?? state.now(), body: clusterBody };
  state.put(stored);
  const operation = ctx.startOperation(aksCreateMs, "aks.finish", id);
  const record: AksRecord = {
    id: id.toLowerCase(),
    operationId: operation.id,
    sub,
    rg,
    nodeResourceGroup,
    location,
    principalId: String(props(identity).principalId),
    network,
    kubeKey: null,
  };
  state.aks.set(id.toLowerCase(), record);
  state.changed();
  return json(existing === undefined ? 201 : 200, clusterBody, {
    "Azure-AsyncOperation": `${r.origin}/subscriptions/${sub}/providers/Microsoft.ContainerService/locations/${location}/operations/${operation.id}?api-version=${r.query.get("api-version") ?? "2026-10-01"}&t=${Date.now()}`,
  });
}

function deleteCluster(ctx: ArmContext, r: SimRequest): SimResponse {
  const id = clusterId(r);
  const cluster = ctx.state.get(id);
  if (cluster === undefined) return { status: 204 };
  props(cluster).provisioningState = "Deleting";
  const operation = ctx.startOperation(aksDeleteMs, "aks.remove", id);
  const location = text(cluster.body.location, "eastus");
  const base = `${r.origin}/subscriptions/${r.params[0] ?? ""}/providers/Microsoft.ContainerService/locations/${location}`;
  const apiVersion = r.query.get("api-version") ?? "2026-10-01";
  return {
    status: 202,
    headers: {
      "Azure-AsyncOperation": `${base}/operations/${operation.id}?api-version=${apiVersion}`,
      Location: `${base}/operationresults/${operation.id}?api-version=${apiVersion}`,
    },
  };
}

async function credentials(ctx: ArmContext, r: SimRequest, name: "clusterAdmin" | "clusterUser"): Promise<SimResponse> {
  const id = clusterId(r);
  const cluster = ctx.state.get(id);
  if (cluster === undefined)
    return ctx.notFound("Microsoft.ContainerService/managedClusters", r.params[2] ?? "", r.params[1] ?? "");
  const key = ctx.state.aks.get(id.toLowerCase())?.kubeKey ?? null;
  const running = key === null ? undefined : await ctx.kubeRunning(key);
  if (running === undefined)
    return armError(
      400,
      "BadRequest",
      `Managed cluster '${r.params[2] ?? ""}' is not in a state where credentials can be listed (provisioningState ${String(props(cluster).provisioningState)}).`,
    );
  const kubeconfig = kubeconfigFor(
    running.cluster.data,
    ctx.authority().caCertPem,
    r.params[2] ?? "",
    r.params[1] ?? "",
    name,
    kubeconfigServer(cluster),
  );
  return json(200, { kubeconfigs: [{ name, value: Buffer.from(kubeconfig).toString("base64") }] });
}
