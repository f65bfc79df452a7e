/**
 * kubenet → Azure CNI Overlay on an existing cluster, as AKS documents it (aks-docs update-azure-cni.md): a PUT with
 * networkPlugin azure and networkPluginMode overlay (and optionally a new podCidr) is an update, not a conflict. It is
 * refused while a network policy is installed. When the update completes every node is reimaged at once: each gets a
 * /24 of the (new) pod CIDR, every pod that is not on the host network restarts with an address from it, the route
 * table AKS made for kubenet is deleted and a customer's route table loses its pod routes. Any other change of
 * network plugin, mode or pod CIDR is refused, as AKS refuses it. Durations are those of any update (not recorded).
 */
import { armError, type SimResponse } from "../http.js";
import type { KubeCluster } from "../kube/cluster.js";
import { ipText, rangeOf, type AksNetworkFacts } from "../kube/model.js";
import type { AksRecord } from "../state.js";
import { ArmContext, props } from "./context.js";

const migrates = (from: AksNetworkFacts, to: AksNetworkFacts) => from.mode === "kubenet" && to.mode === "overlay";

/** AKS's answer to a network change in a PUT of an existing cluster: null when it may go ahead. */
export function networkUpdateRefusal(from: AksNetworkFacts, to: AksNetworkFacts): SimResponse | null {
  if (migrates(from, to)) {
    if (from.networkPolicy !== null && from.networkPolicy !== "none")
      return armError(
        400,
        "NetworkPolicyMigrationNotSupported",
        `Network policy '${from.networkPolicy}' must be uninstalled before a kubenet cluster is updated to Azure CNI Overlay.`,
        { target: "networkProfile.networkPolicy", subcode: "" },
      );
    return null;
  }
  if (from.mode !== to.mode)
    return armError(
      400,
      "NetworkPluginUpdateNotSupported",
      `Updating the network plugin from '${from.mode}' to '${to.mode}' is not supported; only kubenet to Azure CNI Overlay is.`,
      { target: "networkProfile.networkPlugin", subcode: "" },
    );
  if ((from.podCidr ?? "") !== (to.podCidr ?? ""))
    return armError(
      400,
      "PodCidrUpdateNotSupported",
      "The pod CIDR can change only with a kubenet to overlay update.",
      {
        target: "networkProfile.podCidr",
        subcode: "",
      },
    );
  return null;
}

/** At the update's completion: the new network in the record, nodes reimaged into it, kubenet's routes gone. */
export function completeMigration(ctx: ArmContext, record: AksRecord, to: AksNetworkFacts): void {
  const from = record.network;
  if (!migrates(from, to)) return;
  record.network = { ...from, mode: to.mode, podCidr: to.podCidr };
  removeKubenetRoutes(ctx, record, from);
  const key = record.kubeKey;
  if (key === null) return;
  const data = ctx.state.kube.get(key);
  if (data !== undefined) data.network = { ...data.network, mode: to.mode, podCidr: to.podCidr };
  void ctx.kubeRunning(key).then((running) => {
    if (running !== undefined) reimage(running.cluster, to.podCidr ?? "10.244.0.0/16");
  });
}

/** Every node gets a /24 of the overlay pod CIDR and its pods restart in it (overlay pods from .4). */
function reimage(cluster: KubeCluster, podCidr: string): void {
  const data = cluster.data;
  for (const pod of cluster.store.list("pods").filter((p) => p.spec?.hostNetwork !== true)) cluster.deletePod(pod);
  const first = rangeOf(podCidr).first;
  cluster.nodes
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .forEach((node, i) => {
      const cidr = `${ipText(first + i * 256)}/24`;
      cluster.store.update("nodes", { ...node, spec: { ...node.spec, podCIDR: cidr, podCIDRs: [cidr] } });
      const maxPods = Number((node.status?.capacity as Record<string, unknown> | undefined)?.pods ?? 250);
      data.nodeIps[node.metadata.name] = Array.from({ length: Math.min(maxPods, 250) }, (_, k) =>
        ipText(first + i * 256 + 4 + k),
      );
    });
  cluster.reconcile();
}

function removeKubenetRoutes(ctx: ArmContext, record: AksRecord, from: AksNetworkFacts): void {
  const { state } = ctx;
  const subnet = state.get(from.nodeSubnetId);
  const tableId = subnet === undefined ? undefined : (props(subnet).routeTable as { id?: string } | undefined)?.id;
  const managedPrefix = `/subscriptions/${record.sub}/resourceGroups/${record.nodeResourceGroup}/`.toLowerCase();
  for (const table of state.ofType("Microsoft.Network/routeTables")) {
    if (!table.id.toLowerCase().startsWith(managedPrefix)) continue;
    if (subnet !== undefined && tableId?.toLowerCase() === table.id.toLowerCase()) delete props(subnet).routeTable;
    state.delete(table.id);
  }
  const own = tableId === undefined ? undefined : state.get(tableId);
  if (own !== undefined) {
    const podRoutes = new Set(Object.keys(ctx.state.kube.get(record.kubeKey ?? "")?.nodeIps ?? {}));
    props(own).routes = ((props(own).routes as { name?: string }[] | undefined) ?? []).filter(
      (route) => !podRoutes.has(String(route.name)),
    );
  }
  state.changed();
}
