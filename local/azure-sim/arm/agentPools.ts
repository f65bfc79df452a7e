/**
 * Microsoft.ContainerService managedClusters/{name}/agentPools, in the shapes of azure-rest-api-specs
 * (aks/stable/2025-10-01/examples AgentPoolsCreate_Update.json, AgentPoolsGet.json, AgentPoolsList.json,
 * AgentPoolsDelete.json): PUT → 201 `Creating` (200 `Updating` for an existing pool) with Azure-AsyncOperation, polled
 * like the cluster's own operation; GET/LIST give `{id, name, type, properties}`; DELETE → 202 with Location. A pool lives
 * in its cluster's agentPoolProfiles, as AKS shows it in the managed-cluster GET too. When the operation completes the
 * pool's nodes join the cluster's Kubernetes API (kube/pools.ts). Durations are not from a recording (none found).
 */
import { armError, json, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import type { PoolNetworkFacts } from "../kube/model.js";
import { addPoolNodes, removePoolNodes } from "../kube/pools.js";
import type { StoredResource } from "../state.js";
import { validateAgentPool } from "./agentPoolValidation.js";
import { systemData } from "./aksEchoes.js";
import { ArmContext, NAME, props, RG, text } from "./context.js";

const poolCreateMs = 150_000;
const poolDeleteMs = 120_000;
const TYPE = "Microsoft.ContainerService/managedClusters/agentPools";
const busy = new Set(["Creating", "Updating", "Deleting", "Scaling", "Upgrading"]);

type Profile = Record<string, unknown>;

function clusterIdOf(r: SimRequest): string {
  return `/subscriptions/${r.params[0] ?? ""}/resourcegroups/${r.params[1] ?? ""}/providers/Microsoft.ContainerService/managedClusters/${r.params[2] ?? ""}`;
}

const profilesOf = (cluster: StoredResource): Profile[] =>
  ((props(cluster).agentPoolProfiles ??= []) as Profile[]) ?? [];

const findProfile = (cluster: StoredResource, name: string): Profile | undefined =>
  profilesOf(cluster).find((profile) => String(profile.name).toLowerCase() === name.toLowerCase());

/** A profile in the agent-pool resource's shape (AgentPoolsGet.json), with ARM's systemData. */
function asAgentPool(ctx: ArmContext, cluster: StoredResource, profile: Profile): Record<string, unknown> {
  const { name, ...properties } = profile;
  const own = ctx.state.aks.get(cluster.id.toLowerCase())?.poolSystemData?.[String(name).toLowerCase()];
  const systemData = own ?? cluster.body.systemData;
  return {
    id: `${cluster.id}/agentPools/${String(name)}`,
    name,
    type: TYPE,
    ...(systemData === undefined ? {} : { systemData }),
    properties,
  };
}

/** The pool operation's target: `<cluster id>|<pool name>`, so a restarted simulator finishes it too. */
const targetOf = (clusterId: string, pool: string) => `${clusterId}|${pool}`;
function parseTarget(ctx: ArmContext, target: string): { cluster: StoredResource; pool: string } | undefined {
  const [clusterId = "", pool = ""] = target.split("|");
  const cluster = ctx.state.get(clusterId);
  return cluster === undefined ? undefined : { cluster, pool };
}

/** Applies a change to the cluster's running Kubernetes API (once it is up; a stopped one has nothing to change). */
function withCluster(
  ctx: ArmContext,
  cluster: StoredResource,
  apply: (kube: Parameters<typeof addPoolNodes>[0]) => void,
): void {
  const key = ctx.state.aks.get(cluster.id.toLowerCase())?.kubeKey ?? null;
  if (key === null) return;
  void ctx.kubeRunning(key).then((running) => {
    if (running !== undefined) apply(running.cluster);
  });
}

export function agentPoolRoutes(ctx: ArmContext): Route[] {
  ctx.onComplete("aks.pool.finish", (target) => {
    const found = parseTarget(ctx, target);
    const profile = found === undefined ? undefined : findProfile(found.cluster, found.pool);
    if (found === undefined || profile === undefined || profile.provisioningState === "Deleting") return;
    profile.provisioningState = "Succeeded";
    const facts = factsOf(ctx, profile);
    if (facts !== null)
      withCluster(ctx, found.cluster, (kube) => {
        if (kube.data.pools?.[facts.poolName] !== undefined) removePoolNodes(kube, facts.poolName);
        addPoolNodes(kube, facts);
      });
  });
  ctx.onComplete("aks.pool.remove", (target) => {
    const found = parseTarget(ctx, target);
    if (found === undefined) return;
    const p = props(found.cluster);
    p.agentPoolProfiles = profilesOf(found.cluster).filter(
      (profile) => String(profile.name).toLowerCase() !== found.pool.toLowerCase(),
    );
    const aks = ctx.state.aks.get(found.cluster.id.toLowerCase());
    if (aks?.poolSystemData !== undefined) delete aks.poolSystemData[found.pool.toLowerCase()];
    withCluster(ctx, found.cluster, (kube) => removePoolNodes(kube, found.pool));
  });

  const cluster = `${RG}/providers/Microsoft.ContainerService/managedClusters/${NAME}`;
  const pool = `${cluster}/agentPools/${NAME}`;
  const notFound = (r: SimRequest, what: string) =>
    ctx.notFound("Microsoft.ContainerService/managedClusters", what, r.params[1] ?? "");
  return [
    route("GET", `${cluster}/agentPools`, (r) => {
      const found = ctx.state.get(clusterIdOf(r));
      if (found === undefined) return notFound(r, r.params[2] ?? "");
      return json(200, { value: profilesOf(found).map((profile) => asAgentPool(ctx, found, profile)) });
    }),
    route("GET", pool, (r) => {
      const found = ctx.state.get(clusterIdOf(r));
      const profile = found === undefined ? undefined : findProfile(found, r.params[3] ?? "");
      if (found === undefined || profile === undefined)
        return notFound(r, `${r.params[2] ?? ""}/agentPools/${r.params[3] ?? ""}`);
      return json(200, asAgentPool(ctx, found, profile));
    }),
    route("PUT", pool, (r) => putPool(ctx, r)),
    route("DELETE", pool, (r) => deletePool(ctx, r)),
  ];
}

/** What the pool's nodes follow, read back from its profile when its operation completes (also after a restart). */
function factsOf(ctx: ArmContext, profile: Profile): PoolNetworkFacts | null {
  const nodeSubnet = ctx.state.get(text(profile.vnetSubnetID, ""));
  if (nodeSubnet === undefined) return null;
  const podSubnetId = typeof profile.podSubnetID === "string" ? profile.podSubnetID : null;
  const podSubnet = podSubnetId === null ? undefined : ctx.state.get(podSubnetId);
  return {
    poolName: String(profile.name),
    mode: profile.mode === "System" ? "System" : "User",
    vmSize: String(profile.vmSize),
    nodeCount: Number(profile.count ?? 0),
    maxPods: Number(profile.maxPods),
    nodeSubnet: String(props(nodeSubnet).addressPrefix),
    nodeSubnetId: nodeSubnet.id,
    podSubnet: podSubnet === undefined ? null : String(props(podSubnet).addressPrefix),
    podSubnetId: podSubnet === undefined ? null : podSubnet.id,
    podIPAllocationMode:
      podSubnet === undefined
        ? null
        : profile.podIPAllocationMode === "StaticBlock"
          ? "StaticBlock"
          : "DynamicIndividual",
  };
}

function asyncHeaders(
  r: SimRequest,
  location: string,
  operationId: string,
  kind: "operations" | "operationresults",
): Record<string, string> {
  const base = `${r.origin}/subscriptions/${r.params[0] ?? ""}/providers/Microsoft.ContainerService/locations/${location}`;
  const apiVersion = r.query.get("api-version") ?? "2026-10-01";
  return kind === "operations"
    ? { "Azure-AsyncOperation": `${base}/operations/${operationId}?api-version=${apiVersion}&t=${Date.now()}` }
    : { Location: `${base}/operationresults/${operationId}?api-version=${apiVersion}` };
}

function putPool(ctx: ArmContext, r: SimRequest): SimResponse {
  const name = r.params[3] ?? "";
  const cluster = ctx.state.get(clusterIdOf(r));
  const record = ctx.state.aks.get(clusterIdOf(r).toLowerCase());
  if (cluster === undefined || record === undefined)
    return ctx.notFound("Microsoft.ContainerService/managedClusters", r.params[2] ?? "", r.params[1] ?? "");
  const clusterState = String(props(cluster).provisioningState);
  if (clusterState !== "Succeeded")
    return armError(
      409,
      "OperationNotAllowed",
      `Operation is not allowed because there's an in progress ${clusterState.toLowerCase().replace(/ing$/, "e")} managed cluster operation on the managed cluster.`,
    );
  const existing = findProfile(cluster, name);
  if (existing !== undefined && busy.has(String(existing.provisioningState)))
    return armError(
      409,
      "OperationNotAllowed",
      `Operation is not allowed because there's an in progress operation on agent pool '${name}'.`,
    );
  const p = ((r.body ?? {}) as { properties?: Record<string, unknown> }).properties ?? {};
  const others = profilesOf(cluster).filter((profile) => profile !== existing);
  if (existing?.mode === "System" && p.mode !== "System" && !others.some((other) => other.mode === "System"))
    return armError(400, "InvalidParameter", "A cluster needs at least one System agent pool.", {
      target: "properties.mode",
      subcode: "",
    });
  const validation = validateAgentPool(ctx, record, name, p, others);
  if ("error" in validation) return validation.error;
  const { facts } = validation;
  const version = record.network.kubernetesVersion;
  const profile: Profile = {
    ...p,
    name,
    count: facts.nodeCount,
    vmSize: facts.vmSize,
    osDiskSizeGB: typeof p.osDiskSizeGB === "number" ? p.osDiskSizeGB : 128,
    osDiskType: typeof p.osDiskType === "string" ? p.osDiskType : "Managed",
    kubeletDiskType: "OS",
    maxPods: facts.maxPods,
    type: typeof p.type === "string" ? p.type : "VirtualMachineScaleSets",
    enableAutoScaling: p.enableAutoScaling === true,
    provisioningState: existing === undefined ? "Creating" : "Updating",
    powerState: { code: "Running" },
    orchestratorVersion: typeof p.orchestratorVersion === "string" ? p.orchestratorVersion : version,
    currentOrchestratorVersion: version,
    mode: facts.mode,
    osType: "Linux",
    osSKU: typeof p.osSKU === "string" ? p.osSKU : "Ubuntu",
    nodeImageVersion: "AKSUbuntu-2204gen2containerd-202510.01.0",
    eTag: Math.random().toString(36).slice(2, 13),
    ...(facts.podIPAllocationMode === null ? {} : { podIPAllocationMode: facts.podIPAllocationMode }),
  };
  props(cluster).agentPoolProfiles = [...others, profile];
  const key = name.toLowerCase();
  const previous = record.poolSystemData?.[key] ?? (existing === undefined ? undefined : cluster.body.systemData);
  record.poolSystemData = { ...record.poolSystemData, [key]: systemData(ctx, previous) };
  const operation = ctx.startOperation(poolCreateMs, "aks.pool.finish", targetOf(cluster.id, name));
  ctx.state.changed();
  const location = text(cluster.body.location, "eastus");
  return json(
    existing === undefined ? 201 : 200,
    asAgentPool(ctx, cluster, profile),
    asyncHeaders(r, location, operation.id, "operations"),
  );
}

function deletePool(ctx: ArmContext, r: SimRequest): SimResponse {
  const name = r.params[3] ?? "";
  const cluster = ctx.state.get(clusterIdOf(r));
  const profile = cluster === undefined ? undefined : findProfile(cluster, name);
  if (cluster === undefined || profile === undefined) return { status: 204 };
  const systemLeft = profilesOf(cluster).some((other) => other !== profile && other.mode === "System");
  if (profile.mode === "System" && !systemLeft)
    return armError(
      400,
      "OperationNotAllowed",
      `Agent pool '${name}' is the cluster's last System agent pool and cannot be deleted: a cluster needs at least one System agent pool.`,
    );
  profile.provisioningState = "Deleting";
  const operation = ctx.startOperation(poolDeleteMs, "aks.pool.remove", targetOf(cluster.id, name));
  ctx.state.changed();
  const location = text(cluster.body.location, "eastus");
  return {
    status: 202,
    headers: {
      ...asyncHeaders(r, location, operation.id, "operations"),
      ...asyncHeaders(r, location, operation.id, "operationresults"),
    },
  };
}
