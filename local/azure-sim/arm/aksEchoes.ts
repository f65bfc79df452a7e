/**
 * What AKS gives back of a managed-cluster PUT beyond the network it validates: the profiles it echoes (with the
 * defaults it fills), ARM's systemData, and the references it checks exist. Shapes: azure-rest-api-specs
 * aks/stable/2026-10-01 managedClusters.json (ManagedClusterProperties, ManagedClusterLoadBalancerProfile,
 * ManagedClusterWindowsProfile) and the ManagedClustersCreate_Update / ManagedClustersGet examples.
 */
import { createHash } from "node:crypto";
import { armError, type SimResponse } from "../http.js";
import { ArmContext, rgId } from "./context.js";

type Body = Record<string, unknown>;
const record = (value: unknown): Body | null =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Body) : null;

/**
 * The cluster autoscaler's settings as AKS reports them once any pool autoscales (aks-docs cluster-autoscaler.md,
 * "cluster autoscaler profile settings" defaults); a profile the request gives overrides them field by field.
 */
const autoscalerDefaults: Body = {
  "balance-similar-node-groups": "false",
  "daemonset-eviction-for-empty-nodes": false,
  "daemonset-eviction-for-occupied-nodes": true,
  expander: "random",
  "ignore-daemonsets-utilization": false,
  "max-empty-bulk-delete": "10",
  "max-graceful-termination-sec": "600",
  "max-node-provision-time": "15m",
  "max-total-unready-percentage": "45",
  "new-pod-scale-up-delay": "0s",
  "ok-total-unready-count": "3",
  "scale-down-delay-after-add": "10m",
  "scale-down-delay-after-delete": "10s",
  "scale-down-delay-after-failure": "3m",
  "scale-down-unneeded-time": "10m",
  "scale-down-unready-time": "20m",
  "scale-down-utilization-threshold": "0.5",
  "scan-interval": "10s",
  "skip-nodes-with-local-storage": "false",
  "skip-nodes-with-system-pods": "true",
};

/** ARM's systemData: who wrote the resource and when; the first write's creation fields are kept. */
export function systemData(ctx: ArmContext, previous: unknown): Body {
  const now = new Date(ctx.state.now()).toISOString();
  const before = record(previous);
  return {
    createdBy: before?.createdBy ?? ctx.state.clientId,
    createdByType: before?.createdByType ?? "Application",
    createdAt: before?.createdAt ?? now,
    lastModifiedBy: ctx.state.clientId,
    lastModifiedByType: "Application",
    lastModifiedAt: now,
  };
}

/** Resources the PUT names by id that must exist: AKS refuses a disk encryption set it cannot read. */
export function checkClusterReferences(ctx: ArmContext, p: Body): SimResponse | null {
  const diskEncryptionSet = p.diskEncryptionSetID;
  if (typeof diskEncryptionSet === "string" && ctx.state.get(diskEncryptionSet) === undefined)
    return armError(
      400,
      "InvalidParameter",
      `The disk encryption set ${diskEncryptionSet} was not found or the cluster identity cannot read it.`,
      { target: "properties.diskEncryptionSetID", subcode: "" },
    );
  return null;
}

/** The profiles AKS echoes (and fills) from the request, to merge into the cluster's properties. */
export function echoedProfiles(p: Body, anyPoolAutoscales: boolean): Body {
  const autoscaler = record(p.autoScalerProfile);
  const windows = record(p.windowsProfile);
  return {
    ...(autoscaler !== null || anyPoolAutoscales
      ? { autoScalerProfile: { ...autoscalerDefaults, ...(autoscaler ?? {}) } }
      : {}),
    ...(record(p.linuxProfile) === null ? {} : { linuxProfile: p.linuxProfile }),
    // The admin password is write-only: AKS never returns it.
    ...(windows === null
      ? {}
      : {
          windowsProfile: {
            enableCSIProxy: true,
            ...Object.fromEntries(Object.entries(windows).filter(([key]) => key !== "adminPassword")),
          },
        }),
    ...(record(p.upgradeSettings) === null ? {} : { upgradeSettings: p.upgradeSettings }),
  };
}

/**
 * The load balancer profile of a cluster whose egress is the load balancer: the outbound settings given, AKS's
 * defaults for the rest (0 allocated ports = dynamic, 30 min idle timeout) and the managed outbound IPs it creates
 * in the node resource group, named per cluster.
 */
export function loadBalancerProfile(
  requested: unknown,
  cluster: { sub: string; nodeResourceGroup: string; id: string },
): Body {
  const given = record(requested) ?? {};
  const managed = record(given.managedOutboundIPs) ?? { count: 1 };
  const ownIps = [...((record(given.outboundIPs)?.publicIPs as unknown[] | undefined) ?? [])];
  const count = typeof managed.count === "number" ? managed.count : 1;
  const seed = createHash("sha256").update(cluster.id.toLowerCase()).digest("hex");
  const effective =
    ownIps.length > 0
      ? ownIps
      : Array.from({ length: count }, (_, n) => ({
          id: `${rgId(cluster.sub, cluster.nodeResourceGroup)}/providers/Microsoft.Network/publicIPAddresses/${seed.slice(n * 8, n * 8 + 8)}-${seed.slice(32, 36)}-${seed.slice(36, 40)}-${seed.slice(40, 44)}-${seed.slice(44, 56)}`,
        }));
  return {
    ...(ownIps.length > 0 ? {} : { managedOutboundIPs: managed }),
    ...given,
    allocatedOutboundPorts: typeof given.allocatedOutboundPorts === "number" ? given.allocatedOutboundPorts : 0,
    idleTimeoutInMinutes: typeof given.idleTimeoutInMinutes === "number" ? given.idleTimeoutInMinutes : 30,
    effectiveOutboundIPs: effective,
    backendPoolType: typeof given.backendPoolType === "string" ? given.backendPoolType : "nodeIPConfiguration",
  };
}

/** Whether any pool profile of the PUT turns the autoscaler on. */
export function anyPoolAutoscales(pools: unknown): boolean {
  return Array.isArray(pools) && pools.some((pool) => record(pool)?.enableAutoScaling === true);
}
