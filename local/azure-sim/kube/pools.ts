/**
 * Agent pools added after the create (the agent-pool API): their nodes join the cluster's API as AKS names and labels
 * them (`aks-<pool>-<id>-vmss<index>`, `agentpool` and `kubernetes.azure.com/agentpool` = the pool), with IPs from the
 * pool's own node subnet, pod IPs reserved where the mode puts that pool's pods, and DaemonSet pods scheduled onto them.
 * Addresses already taken in a subnet (other pools sharing it, pods, load balancers) are never handed out twice.
 */
import type { KubeCluster } from "./cluster.js";
import { ipText, rangeOf, type KubeClusterData, type PoolNetworkFacts } from "./model.js";
import { batchSize, networkOfNode, takeFromPodSubnet } from "./network.js";
import { nodeObject } from "./nodeObject.js";

interface NodeAddress {
  type: string;
  address: string;
}

function internalIp(node: { status?: Record<string, unknown> }): string | undefined {
  return (node.status?.addresses as NodeAddress[] | undefined)?.find((a) => a.type === "InternalIP")?.address;
}

/** Every address in use anywhere in the cluster: node IPs, their reservations, pods, load balancers, pod subnets. */
function takenAddresses(cluster: KubeCluster): Set<number> {
  const data = cluster.data;
  const texts = [
    ...cluster.nodes.map(internalIp),
    ...Object.values(data.nodeIps).flat(),
    ...cluster.store.list("pods").map((pod) => pod.status?.podIP as string | undefined),
    ...data.loadBalancerIps,
    ...data.podSubnetTaken,
  ];
  return new Set(texts.filter((ip): ip is string => typeof ip === "string").map((ip) => rangeOf(`${ip}/32`).first));
}

/** The lowest run of `size` free usable addresses of the subnet (Azure keeps the first four and the last). */
function freeRun(cidr: string, size: number, taken: Set<number>): number | null {
  const range = rangeOf(cidr);
  const end = range.first + range.size - 1;
  for (let start = range.first + 4; start + size <= end; start += 1) {
    let free = true;
    for (let k = 0; k < size && free; k += 1) free = !taken.has(start + k);
    if (free) return start;
  }
  return null;
}

/** The lowest /24 of the pod CIDR no node has yet (kubenet and overlay). */
function freePodCidr(cluster: KubeCluster): string | null {
  const podCidr = cluster.data.network.podCidr;
  if (podCidr === null) return null;
  const used = new Set(cluster.nodes.map((node) => String(node.spec?.podCIDR)));
  const range = rangeOf(podCidr);
  for (let i = 0; i < range.size / 256; i += 1) {
    const candidate = `${ipText(range.first + i * 256)}/24`;
    if (!used.has(candidate)) return candidate;
  }
  return null;
}

/** StaticBlock: whole aligned /28 blocks of the pod subnet that hold no taken address. */
function freeBlocks(data: KubeClusterData, cidr: string, blocks: number, taken: Set<number>): string[] {
  const range = rangeOf(cidr);
  const out: string[] = [];
  for (let start = range.first; start < range.first + range.size && out.length < blocks * batchSize; start += 16) {
    const block: number[] = [];
    for (let value = start; value < start + batchSize; value += 1) {
      if (value - range.first >= 4 && value < range.first + range.size - 1) block.push(value);
    }
    if (block.some((value) => taken.has(value))) continue;
    block.forEach((value) => taken.add(value));
    out.push(...block.map(ipText));
  }
  data.podSubnetTaken.push(...out);
  return out;
}

/** Adds the pool's nodes (count of them), each Ready with its addresses; the controllers then start DaemonSet pods. */
export function addPoolNodes(cluster: KubeCluster, pool: PoolNetworkFacts): string[] {
  const data = cluster.data;
  (data.pools ??= {})[pool.poolName] = pool;
  data.nodePools ??= {};
  const vmss = `aks-${pool.poolName}-${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}-vmss`;
  const taken = takenAddresses(cluster);
  const names: string[] = [];
  for (let i = 0; i < pool.nodeCount; i += 1) {
    const name = `${vmss}${i.toString(36).padStart(6, "0")}`;
    data.nodePools[name] = pool.poolName;
    const network = networkOfNode(data, name);
    // Azure CNI (node subnet) pre-allocates maxPods secondary IPs right after the node's own.
    const run = network.mode === "node-subnet" ? pool.maxPods + 1 : 1;
    const start = freeRun(pool.nodeSubnet, run, taken);
    if (start === null) break;
    for (let k = 0; k < run; k += 1) taken.add(start + k);
    const reserved: string[] = [];
    if (network.mode === "node-subnet") {
      for (let k = 1; k < run; k += 1) reserved.push(ipText(start + k));
    }
    const podCidr = network.mode === "kubenet" || network.mode === "overlay" ? freePodCidr(cluster) : null;
    if (podCidr !== null) {
      const base = rangeOf(podCidr).first + (network.mode === "kubenet" ? 2 : 4);
      for (let k = 0; k < Math.min(pool.maxPods, 250); k += 1) reserved.push(ipText(base + k));
    }
    if (network.mode === "pod-subnet" && pool.podSubnet !== null) {
      reserved.push(
        ...(pool.podIPAllocationMode === "StaticBlock"
          ? freeBlocks(data, pool.podSubnet, Math.ceil(pool.maxPods / batchSize), taken)
          : takeFromPodSubnet(data, batchSize, network)),
      );
    }
    data.nodeIps[name] = reserved;
    cluster.store.create(
      "nodes",
      nodeObject({
        name,
        vmss,
        index: i,
        poolName: pool.poolName,
        mode: pool.mode,
        vmSize: pool.vmSize,
        ips: [ipText(start)],
        podCidrs: podCidr === null ? [] : [podCidr],
        maxPods: pool.maxPods,
        kubernetesVersion: cluster.data.network.kubernetesVersion,
      }),
    );
    names.push(name);
  }
  cluster.reconcile();
  return names;
}

/** Removes the pool's nodes and every pod on them (the agent-pool DELETE drains and deletes the scale set). */
export function removePoolNodes(cluster: KubeCluster, poolName: string): void {
  const data = cluster.data;
  const nodes = Object.entries(data.nodePools ?? {}).filter(([, pool]) => pool === poolName);
  for (const [name] of nodes) {
    for (const pod of cluster.store.list("pods").filter((p) => p.spec?.nodeName === name)) cluster.deletePod(pod);
    cluster.store.remove("nodes", undefined, name);
    delete data.nodeIps[name];
    delete data.nodePools?.[name];
  }
  delete data.pools?.[poolName];
  cluster.reconcile();
}
