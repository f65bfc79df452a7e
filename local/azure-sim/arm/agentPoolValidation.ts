/**
 * What AKS refuses synchronously at an agent-pool PUT (400), in the shapes aksValidation.ts uses for the cluster:
 * - pool names: lowercase letters and digits, starting with a letter, at most 12 characters for Linux pools
 *   (AKS docs "Create node pools": "must start with a lowercase letter and can only contain alphanumeric characters";
 *   12 for Linux, 6 for Windows);
 * - count 0–1000 (a System pool needs at least one node), autoscaler bounds around it; maxPods 10–250;
 * - the pool's subnet exists, is not delegated, and lies in the same VNet as the cluster's other pools (AKS docs
 *   "Use multiple node pools": "All subnets assigned to node pools must belong to the same virtual network");
 *   a pod subnet in pod-subnet clusters, in that VNet and not the node subnet;
 * - LinkedAuthorizationFailed when the identity may not join an Azure CNI subnet (as for the cluster);
 * - InsufficientSubnetSize per pool at the PUT: count × (maxPods + 1) addresses in node-subnet mode, else count, against
 *   what the subnet has left after the cluster's other pools on it; 16-address batches or /28 blocks in the pod subnet.
 * Codes not quoted by any public source are InvalidParameter with the offending field as target.
 */
import { armError, type SimResponse } from "../http.js";
import { rangeOf, type PoolNetworkFacts } from "../kube/model.js";
import { batchSize } from "../kube/network.js";
import type { AksRecord } from "../state.js";
import { hasRole } from "./authorization.js";
import { ArmContext, networkContributor, props, text } from "./context.js";

type PoolValidation = { error: SimResponse } | { facts: PoolNetworkFacts };

function invalid(target: string, message: string, code = "InvalidParameter"): { error: SimResponse } {
  return { error: armError(400, code, message, { target, subcode: "" }) };
}

/** Addresses a pool takes in its node subnet (and, in pod-subnet mode, in its pod subnet) at its node count. */
export function poolNeeds(
  mode: AksRecord["network"]["mode"],
  pool: { count: number; maxPods: number; staticBlock: boolean },
): { node: number; pod: number } {
  return {
    node: mode === "node-subnet" ? pool.count * (pool.maxPods + 1) : pool.count,
    pod: pool.staticBlock ? pool.count * Math.ceil(pool.maxPods / batchSize) * batchSize : pool.count * batchSize,
  };
}

const lower = (value: unknown) => text(value, "").toLowerCase();

export function validateAgentPool(
  ctx: ArmContext,
  record: AksRecord,
  name: string,
  p: Record<string, unknown>,
  otherPools: Record<string, unknown>[],
): PoolValidation {
  const { state } = ctx;
  const { network } = record;
  if (!/^[a-z][a-z0-9]{0,11}$/.test(name))
    return invalid(
      "agentPoolName",
      `The agent pool name '${name}' is invalid. Linux agent pool names must start with a lowercase letter, contain only lowercase letters and numbers, and be at most 12 characters long.`,
    );
  const mode = text(p.mode, "User") === "System" ? "System" : "User";
  const count = Number(p.count ?? 3);
  if (!Number.isInteger(count) || count < (mode === "System" ? 1 : 0) || count > 1000)
    return invalid(
      "properties.count",
      `The value of parameter agentPoolProfile.count is invalid: ${String(p.count)}. ${mode === "System" ? "System node pools must have at least one node." : "The value must be between 0 and 1000."}`,
    );
  if (p.enableAutoScaling === true) {
    const min = Number(p.minCount);
    const max = Number(p.maxCount);
    if (!Number.isInteger(min) || !Number.isInteger(max) || min > max || count < min || count > max)
      return invalid(
        "properties.minCount",
        `Autoscaled agent pools need minCount ≤ count ≤ maxCount; got minCount ${String(p.minCount)}, count ${count}, maxCount ${String(p.maxCount)}.`,
      );
  }
  const maxPods = Number(p.maxPods ?? network.maxPods);
  if (!Number.isInteger(maxPods) || maxPods < 10 || maxPods > 250)
    return invalid(
      "properties.maxPods",
      `The value of parameter agentPoolProfile.maxPods is invalid: ${String(p.maxPods)}. The value must be between 10 and 250.`,
    );

  const nodeSubnetId = text(p.vnetSubnetID, network.nodeSubnetId);
  const nodeSubnet = state.get(nodeSubnetId);
  if (nodeSubnet === undefined)
    return {
      error: armError(400, "InvalidResourceReference", `Resource ${nodeSubnetId} was not found.`, { subcode: "" }),
    };
  if (((props(nodeSubnet).delegations as unknown[] | undefined) ?? []).length > 0)
    return invalid(
      "properties.vnetSubnetID",
      `AgentPoolProfile.VnetSubnetID '${nodeSubnetId}' cannot be used as it's a delegated subnet. Please check https://aka.ms/adv-network-prerequest for more details.`,
      "SubnetIsDelegated",
    );
  const vnetPrefix = `${network.vnetId.toLowerCase()}/subnets/`;
  if (!nodeSubnetId.toLowerCase().startsWith(vnetPrefix))
    return invalid(
      "properties.vnetSubnetID",
      `The subnet ${nodeSubnetId} of agent pool '${name}' is not in the virtual network ${network.vnetId} of the cluster's other agent pools. All subnets assigned to node pools must belong to the same virtual network.`,
    );
  const podSubnetId = typeof p.podSubnetID === "string" ? p.podSubnetID : null;
  if (network.mode === "pod-subnet" && podSubnetId === null)
    return invalid(
      "properties.podSubnetID",
      "All agent pools of a cluster with dynamic pod IP allocation need a podSubnetID.",
    );
  const podSubnet = podSubnetId === null ? undefined : state.get(podSubnetId);
  if (podSubnetId !== null && podSubnet === undefined)
    return {
      error: armError(400, "InvalidResourceReference", `Resource ${podSubnetId} was not found.`, { subcode: "" }),
    };
  if (podSubnetId !== null && lower(podSubnetId) === lower(nodeSubnetId))
    return invalid(
      "properties.podSubnetID",
      "The pod subnet must be a different subnet from the node subnet (agentPoolProfile.vnetSubnetID).",
    );
  if (podSubnetId !== null && !podSubnetId.toLowerCase().startsWith(vnetPrefix))
    return invalid(
      "properties.podSubnetID",
      `The pod subnet ${podSubnetId} must be in the same virtual network as the node subnet ${nodeSubnetId}.`,
    );

  if (network.mode !== "kubenet") {
    for (const subnetId of [nodeSubnetId, ...(podSubnetId === null ? [] : [podSubnetId])]) {
      if (!hasRole(ctx, subnetId, networkContributor, record.principalId))
        return {
          error: armError(
            403,
            "LinkedAuthorizationFailed",
            `The client '${record.principalId}' with object id '${record.principalId}' has permission to perform action 'Microsoft.Compute/virtualMachineScaleSets/write' on scope '/subscriptions/${record.sub}/resourceGroups/${record.nodeResourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-${name}-vmss'; however, it does not have permission to perform action(s) 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '${subnetId}' or the linked scope(s) are invalid.`,
          ),
        };
    }
  }

  const staticBlock = p.podIPAllocationMode === "StaticBlock";
  const needs = poolNeeds(network.mode, { count, maxPods, staticBlock });
  // What the cluster's other pools already take in the same subnets.
  const usedBy = (subnetId: string, field: "vnetSubnetID" | "podSubnetID") =>
    otherPools
      .filter((other) => lower(other[field]) === subnetId.toLowerCase())
      .reduce((sum, other) => {
        const taken = poolNeeds(network.mode, {
          count: Number(other.count ?? 0),
          maxPods: Number(other.maxPods ?? network.maxPods),
          staticBlock: other.podIPAllocationMode === "StaticBlock",
        });
        return sum + (field === "vnetSubnetID" ? taken.node : taken.pod);
      }, 0);
  const nodeCidr = String(props(nodeSubnet).addressPrefix);
  const nodeLeft = rangeOf(nodeCidr).size - 5 - usedBy(nodeSubnetId, "vnetSubnetID");
  if (needs.node > nodeLeft)
    return insufficient(needs.node, nodeLeft, nodeCidr, String(nodeSubnet.body.name), "properties.count");
  if (podSubnet !== undefined && podSubnetId !== null) {
    const podCidr = String(props(podSubnet).addressPrefix);
    const podLeft = rangeOf(podCidr).size - 5 - usedBy(podSubnetId, "podSubnetID");
    if (needs.pod > podLeft)
      return insufficient(needs.pod, podLeft, podCidr, String(podSubnet.body.name), "properties.podSubnetID");
  }
  return {
    facts: {
      poolName: name,
      mode,
      vmSize: text(p.vmSize, "Standard_D4ds_v5"),
      nodeCount: count,
      maxPods,
      nodeSubnet: nodeCidr,
      nodeSubnetId,
      podSubnet: podSubnet === undefined ? null : String(props(podSubnet).addressPrefix),
      podSubnetId,
      podIPAllocationMode: podSubnet === undefined ? null : staticBlock ? "StaticBlock" : "DynamicIndividual",
    },
  };
}

function insufficient(needed: number, usable: number, cidr: string, name: string, target: string) {
  return invalid(
    target,
    `Pre-allocated IPs ${needed} exceeds IPs available ${Math.max(0, usable)} in Subnet Cidr ${cidr}, Subnet Name ${name}. http://aka.ms/aks/insufficientsubnetsize for more details.`,
    "InsufficientSubnetSize",
  );
}
