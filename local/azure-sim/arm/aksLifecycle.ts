/**
 * What a managed cluster's operations leave behind. Create: the MC_ node resource group with Contributor for the
 * cluster identity, the pod-subnet delegation, for kubenet a route table (associated only where the identity may write
 * the node subnet — seed 2's bug otherwise), and a Kubernetes API server with its own certificate. Delete: all of it,
 * the delegation only when no other cluster still uses that pod subnet.
 */
import { randomBytes } from "node:crypto";
import { issueServerCertificate } from "../certificates.js";
import { ipText, rangeOf, type KubeClusterData } from "../kube/model.js";
import { ArmContext, contributor, etag, networkContributor, props, rgId, text } from "./context.js";
import { grant, hasRole } from "./authorization.js";

/** What AKS leaves behind on success: node resource group, its Contributor grant, delegation or route table, a live API. */
export function finishCluster(ctx: ArmContext, id: string): void {
  const { state } = ctx;
  const cluster = state.get(id);
  const record = state.aks.get(id.toLowerCase());
  // A delete that started during the create wins: nothing is built for a cluster on its way out.
  if (cluster === undefined || record === undefined || props(cluster).provisioningState === "Deleting") return;
  const { network, sub, nodeResourceGroup, location, principalId } = record;
  const nodeGroupId = rgId(sub, nodeResourceGroup);
  state.put({
    id: nodeGroupId,
    type: "Microsoft.Resources/resourceGroups",
    createdAt: state.now(),
    body: {
      id: nodeGroupId,
      name: nodeResourceGroup,
      type: "Microsoft.Resources/resourceGroups",
      location,
      managedBy: cluster.id,
      properties: { provisioningState: "Succeeded" },
    },
  });
  grant(ctx, sub, nodeGroupId, contributor, principalId);
  if (network.mode === "pod-subnet" && network.podSubnetId !== null) {
    const podSubnet = state.get(network.podSubnetId);
    if (podSubnet !== undefined)
      props(podSubnet).delegations = [
        {
          name: "aks-delegation",
          id: `${podSubnet.id}/delegations/aks-delegation`,
          type: "Microsoft.Network/virtualNetworks/subnets/delegations",
          properties: {
            serviceName: "Microsoft.ContainerService/managedClusters",
            actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
            provisioningState: "Succeeded",
          },
        },
      ];
  }
  const key = randomBytes(8).toString("hex");
  const fqdn = text(props(cluster).fqdn, "localhost");
  const data: KubeClusterData = {
    key,
    token: randomBytes(32).toString("hex"),
    port: null,
    certificate: issueServerCertificate(ctx.authority(), "apiserver", [fqdn]),
    fqdn,
    network,
    resourceVersion: 1000,
    objects: {},
    nodeIps: {},
    podSubnetTaken: [],
    loadBalancerIps: [],
    publicIpCounter: 0,
  };
  state.kube.set(key, data);
  record.kubeKey = key;
  ctx.startKube(data, true);
  if (network.mode === "kubenet") {
    const nodes = Object.keys(data.nodeIps);
    const podRoutes = nodes.map((node, i) => ({
      name: node,
      properties: {
        addressPrefix: `${ipText(rangeOf(network.podCidr ?? "10.244.0.0/16").first + i * 256)}/24`,
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: ipText(rangeOf(network.nodeSubnet).first + 4 + i),
      },
    }));
    const nodeSubnet = state.get(network.nodeSubnetId);
    const ownTableId =
      nodeSubnet === undefined ? undefined : (props(nodeSubnet).routeTable as { id?: string } | undefined)?.id;
    const ownTable = ownTableId === undefined ? undefined : state.get(ownTableId);
    if (ownTable !== undefined) {
      // A route table the caller put on the subnet (UDR): AKS writes its pod routes into it instead of making one
      // (aks-docs configure-kubenet.md, "Bring your own subnet and route table").
      const kept = ((props(ownTable).routes as { name?: string }[] | undefined) ?? []).filter(
        (route) => !nodes.includes(String(route.name)),
      );
      props(ownTable).routes = [...kept, ...podRoutes];
    } else {
      const tableId = `${nodeGroupId}/providers/Microsoft.Network/routeTables/aks-agentpool-${Math.floor(10_000_000 + Math.random() * 89_999_999)}-routetable`;
      state.put({
        id: tableId,
        type: "Microsoft.Network/routeTables",
        createdAt: state.now(),
        body: {
          id: tableId,
          name: tableId.split("/").pop(),
          type: "Microsoft.Network/routeTables",
          location,
          etag: etag(),
          properties: {
            provisioningState: "Succeeded",
            disableBgpRoutePropagation: false,
            routes: podRoutes,
            subnets: [],
          },
        },
      });
      // AKS can attach its route table only where its identity may write the subnet (the seed-2 bug otherwise).
      if (
        nodeSubnet !== undefined &&
        state.config.associateRouteTable &&
        hasRole(ctx, network.nodeSubnetId, networkContributor, principalId)
      )
        props(nodeSubnet).routeTable = { id: tableId };
    }
  }
  const p = props(cluster);
  p.provisioningState = "Succeeded";
  for (const pool of (p.agentPoolProfiles as Record<string, unknown>[]) ?? []) pool.provisioningState = "Succeeded";
}

export function removeCluster(ctx: ArmContext, id: string): void {
  const { state } = ctx;
  const record = state.aks.get(id.toLowerCase());
  if (record !== undefined) {
    if (record.kubeKey !== null) {
      void ctx.stopKube(record.kubeKey);
      state.kube.delete(record.kubeKey);
    }
    state.deleteUnder(rgId(record.sub, record.nodeResourceGroup));
    state.aks.delete(id.toLowerCase());
    const podSubnetId = record.network.podSubnetId;
    // The delegation stays while another cluster still puts pods in that subnet.
    const shared = [...state.aks.values()].some(
      (other) => other.network.podSubnetId?.toLowerCase() === podSubnetId?.toLowerCase(),
    );
    const podSubnet = podSubnetId === null ? undefined : state.get(podSubnetId);
    if (podSubnet !== undefined && !shared) props(podSubnet).delegations = [];
  }
  // The cluster with everything under its id (its agent pools' operations find nothing left to finish).
  state.deleteUnder(id);
}
