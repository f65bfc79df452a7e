/**
 * The in-place updates of a built cluster's egress, API server and dataplane, as AKS documents them:
 * - outboundType in a BYO VNet migrates between loadBalancer, userAssignedNATGateway and userDefinedRouting only
 *   (aks-docs egress-outboundtype.md, "Supported Migration Paths for BYO VNet"); the new type's egress is checked on
 *   the node subnet as at create (egress.ts validateOutbound);
 * - API server VNet integration can be enabled, never disabled nor moved to another subnet, and the update rolls a
 *   node-image upgrade through every pool (api-server-vnet-integration.md);
 * - the Cilium dataplane is reached from Azure CNI Overlay or pod subnet with no Calico or Azure NPM installed, never
 *   left, and every pool is reimaged at once (azure-cni-powered-by-cilium.md).
 * AKS's error codes for these refusals are in no recording or spec example found; the codes below are descriptive
 * ones of this simulator, with the target field AKS names.
 */
import { armError, type SimResponse } from "../http.js";
import type { KubeCluster } from "../kube/cluster.js";
import type { AksNetworkFacts } from "../kube/model.js";
import type { StoredResource } from "../state.js";
import { props } from "./context.js";

const byoMigrations: Record<string, readonly string[]> = {
  loadbalancer: ["userassignednatgateway", "userdefinedrouting"],
  userassignednatgateway: ["loadbalancer", "userdefinedrouting"],
  userdefinedrouting: ["loadbalancer", "userassignednatgateway"],
};

const lower = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback).toLowerCase();
const refused = (code: string, target: string, message: string) =>
  armError(400, code, message, { target, subcode: "" });

interface UpdateFacts {
  outboundType: string;
  dataplane: string;
  vnetIntegration: boolean;
  apiServerSubnetId: string | null;
  private: boolean;
}

function factsOf(properties: Record<string, unknown>): UpdateFacts {
  const network = (properties.networkProfile ?? {}) as Record<string, unknown>;
  const access = (properties.apiServerAccessProfile ?? {}) as Record<string, unknown>;
  return {
    outboundType: lower(network.outboundType, "loadBalancer"),
    dataplane: lower(network.networkDataplane, "azure"),
    vnetIntegration: access.enableVnetIntegration === true,
    apiServerSubnetId: typeof access.subnetId === "string" ? access.subnetId.toLowerCase() : null,
    private: access.enablePrivateCluster === true,
  };
}

/** What an update of an existing cluster reimages: null when nothing. */
export type Reimage = "rolling" | "all-at-once" | null;

/** AKS's answer to a PUT of an existing cluster that changes egress, API server or dataplane. */
export function clusterUpdateRefusal(
  existing: StoredResource,
  requested: Record<string, unknown>,
  network: { from: AksNetworkFacts; to: AksNetworkFacts },
): { error: SimResponse } | { reimage: Reimage } {
  const from = factsOf(props(existing));
  const next = factsOf(requested);
  if (from.outboundType !== next.outboundType && !(byoMigrations[from.outboundType] ?? []).includes(next.outboundType))
    return {
      error: refused(
        "OutboundTypeMigrationNotSupported",
        "networkProfile.outboundType",
        `Updating outboundType from ${from.outboundType} to ${next.outboundType} is not supported for a cluster in a ` +
          "custom virtual network. Please see http://aka.ms/aks/outboundtype for the supported migration paths.",
      ),
    };
  if (from.private !== next.private)
    return {
      error: refused(
        "PrivateClusterUpdateNotSupported",
        "apiServerAccessProfile.enablePrivateCluster",
        "enablePrivateCluster cannot be changed on an existing cluster without API Server VNet Integration.",
      ),
    };
  if (from.vnetIntegration && !next.vnetIntegration)
    return {
      error: refused(
        "ApiServerVnetIntegrationDisableNotSupported",
        "apiServerAccessProfile.enableVnetIntegration",
        "API Server VNet Integration cannot be disabled once it is enabled.",
      ),
    };
  if (from.vnetIntegration && next.vnetIntegration && from.apiServerSubnetId !== next.apiServerSubnetId)
    return {
      error: refused(
        "ApiserverSubnetConfigError",
        "apiServerAccessProfile.subnetId",
        "The API server subnet of a cluster with API Server VNet Integration cannot be changed.",
      ),
    };
  if (from.dataplane !== next.dataplane) {
    if (from.dataplane === "cilium")
      return {
        error: refused(
          "NetworkDataplaneUpdateNotSupported",
          "networkProfile.networkDataplane",
          "A cluster cannot be moved off the Cilium dataplane.",
        ),
      };
    const { from: was, to } = network;
    if (to.mode !== "overlay" && to.mode !== "pod-subnet")
      return {
        error: refused(
          "NetworkDataplaneUpdateNotSupported",
          "networkProfile.networkDataplane",
          `Only Azure CNI Overlay and Azure CNI with dynamic IP allocation can be updated to Cilium, not ${to.mode}.`,
        ),
      };
    const policy = was.networkPolicy ?? "none";
    if (policy !== "none" && policy !== "cilium")
      return {
        error: refused(
          "NetworkPolicyMigrationNotSupported",
          "networkProfile.networkPolicy",
          `Network policy '${policy}' must be uninstalled before the cluster is updated to the Cilium dataplane.`,
        ),
      };
    return { reimage: "all-at-once" };
  }
  return { reimage: !from.vnetIntegration && next.vnetIntegration ? "rolling" : null };
}

/** The pods restart on reimaged nodes: each is deleted and its controller starts it again. */
export function restartPods(cluster: KubeCluster): void {
  for (const pod of cluster.store.list("pods").filter((p) => p.spec?.hostNetwork !== true)) cluster.deletePod(pod);
  cluster.reconcile();
}
