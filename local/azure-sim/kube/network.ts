/**
 * Where a cluster's addresses come from, per network mode (see the audit §5.2 and the AKS docs it cites):
 * - node IPs: the node subnet from .4 (Azure keeps .0–.3); node-subnet (Azure CNI) nodes each pre-allocate maxPods
 *   secondary IPs right after their primary one, so nodes land at .4, .4+(maxPods+1), …
 * - pod-subnet, podIPAllocationMode DynamicIndividual: each node reserves a batch of 16 individual IPs at creation and
 *   more batches as pods need them; batches come from a shared pool, so a node's list is not contiguous.
 * - pod-subnet, StaticBlock: each node gets ceil(maxPods/16) /28 blocks at creation.
 * - kubenet / overlay: a /24 of the pod CIDR per node; pods from .2 (kubenet, .1 is cbr0) or .4 (overlay).
 * - Dual-stack (overlay): each node also takes an IPv6 address from the subnet's IPv6 /64 (from ::4, as IPv4 from .4)
 *   and a /80 of the IPv6 pod CIDR (the AKS docs' sample output: node podCIDRs 10.244.0.0/24,fd12:3456:789a::/80);
 *   a pod's IPv6 address has the same host offset in its node's /80 as its IPv4 one in the node's /24.
 * - Services: ClusterIPs from the service CIDR (first address = `kubernetes`, dnsServiceIP = `kube-dns`, the rest
 *   random as the API server's allocator does); internal load balancers take the next free address of their subnet.
 */
import { randomInt } from "node:crypto";
import { Address6 } from "ip-address";
import { contains, ipNumber, ipText, rangeOf, type AksNetworkFacts, type KubeClusterData } from "./model.js";

export const batchSize = 16;

export function nodeIp(network: AksNetworkFacts, index: number): string {
  const first = rangeOf(network.nodeSubnet).first;
  return ipText(network.mode === "node-subnet" ? first + 4 + index * (network.maxPods + 1) : first + 4 + index);
}

/** Per node, the /24 of the pod CIDR (kubenet and overlay). */
export function nodePodCidr(network: AksNetworkFacts, index: number): string | null {
  if (network.podCidr === null || (network.mode !== "kubenet" && network.mode !== "overlay")) return null;
  return `${ipText(rangeOf(network.podCidr).first + index * 256)}/24`;
}

/** The network facts a node follows: its own pool's subnets and limits for a node of an added pool. */
export function networkOfNode(data: KubeClusterData, node: string): AksNetworkFacts {
  const pool = data.pools?.[data.nodePools?.[node] ?? ""];
  if (pool === undefined) return data.network;
  const { mode: _poolMode, vmSize: _vmSize, ...facts } = pool;
  return { ...data.network, ...facts };
}

function usablePodSubnet(network: AksNetworkFacts): number[] {
  const range = rangeOf(network.podSubnet ?? network.nodeSubnet);
  const out: number[] = [];
  for (let value = range.first + 4; value < range.first + range.size - 1; value += 1) out.push(value);
  return out;
}

/** Takes `count` free pod-subnet addresses, lowest first (from the given pool's pod subnet). */
export function takeFromPodSubnet(data: KubeClusterData, count: number, network = data.network): string[] {
  const taken = new Set(data.podSubnetTaken);
  const out: string[] = [];
  for (const value of usablePodSubnet(network)) {
    if (out.length === count) break;
    const ip = ipText(value);
    if (!taken.has(ip)) out.push(ip);
  }
  data.podSubnetTaken.push(...out);
  return out;
}

/** The IPs each node holds for its pods from the moment it exists. */
export function reserveNodeIps(data: KubeClusterData, nodeNames: string[]): void {
  const { network } = data;
  nodeNames.forEach((name) => (data.nodeIps[name] = []));
  if (network.mode === "pod-subnet" && network.podIPAllocationMode !== "StaticBlock") {
    // Nodes come up together and request their warm batch concurrently: interleave so no list is contiguous.
    const pool = takeFromPodSubnet(data, batchSize * nodeNames.length);
    pool.forEach((ip, i) => data.nodeIps[nodeNames[i % nodeNames.length] ?? ""]?.push(ip));
    return;
  }
  if (network.mode === "pod-subnet") {
    const blocks = Math.ceil(network.maxPods / batchSize);
    const range = rangeOf(network.podSubnet ?? network.nodeSubnet);
    nodeNames.forEach((name, i) => {
      for (let b = 0; b < blocks; b += 1) {
        const start = range.first + (i * blocks + b) * batchSize;
        for (let value = start; value < start + batchSize; value += 1) {
          // The subnet's first four and last addresses belong to Azure.
          if (value - range.first >= 4 && value < range.first + range.size - 1) data.nodeIps[name]?.push(ipText(value));
        }
      }
      data.podSubnetTaken.push(...(data.nodeIps[name] ?? []));
    });
    return;
  }
  nodeNames.forEach((name, i) => {
    const list = data.nodeIps[name] ?? [];
    if (network.mode === "node-subnet") {
      const primary = ipNumber(nodeIp(network, i));
      for (let k = 1; k <= network.maxPods; k += 1) list.push(ipText(primary + k));
    } else {
      const base = rangeOf(nodePodCidr(network, i) ?? "10.244.0.0/24").first;
      const offset = network.mode === "kubenet" ? 2 : 4;
      for (let k = 0; k < Math.min(network.maxPods, 250); k += 1) list.push(ipText(base + offset + k));
    }
  });
}

/** A pod IP from its node's reservation; in DynamicIndividual mode an exhausted node reserves another batch. */
export function takePodIp(data: KubeClusterData, node: string): string | null {
  const list = (data.nodeIps[node] ??= []);
  const network = networkOfNode(data, node);
  if (list.length === 0 && network.mode === "pod-subnet" && network.podIPAllocationMode !== "StaticBlock") {
    list.push(...takeFromPodSubnet(data, batchSize, network));
  }
  return list.shift() ?? null;
}

export function releasePodIp(data: KubeClusterData, node: string, ip: string): void {
  if (data.nodeIps[node]?.includes(ip) === false) data.nodeIps[node]?.push(ip);
}

export function firstServiceIp(network: AksNetworkFacts): string {
  return ipText(rangeOf(network.serviceCidr).first + 1);
}

export function randomServiceIp(network: AksNetworkFacts, used: Set<string>): string {
  const range = rangeOf(network.serviceCidr);
  for (;;) {
    const ip = ipText(range.first + 2 + randomInt(Math.max(1, range.size - 3)));
    if (!used.has(ip) && ip !== network.dnsServiceIP) return ip;
  }
}

/** Addresses of `cidr` already in use by nodes, their pre-allocated pod IPs, pods and load balancers. */
function usedIn(data: KubeClusterData, cidr: string, nodeCount: number, podIps: string[]): Set<string> {
  const used = new Set<string>();
  const { network } = data;
  if (cidr === network.nodeSubnet) {
    for (let i = 0; i < nodeCount; i += 1) {
      const primary = ipNumber(nodeIp(network, i));
      used.add(ipText(primary));
      if (network.mode === "node-subnet") for (let k = 1; k <= network.maxPods; k += 1) used.add(ipText(primary + k));
    }
  }
  if (network.podSubnet === cidr) data.podSubnetTaken.forEach((ip) => used.add(ip));
  podIps.filter((ip) => contains(cidr, ip)).forEach((ip) => used.add(ip));
  data.loadBalancerIps.forEach((ip) => used.add(ip));
  return used;
}

export interface LoadBalancerRequest {
  internal: boolean;
  subnetName: string | undefined;
  requestedIp: string | undefined;
}

/** An LB frontend, or null when the requested one cannot be had (the service then stays <pending>, as on AKS). */
export function loadBalancerIp(
  data: KubeClusterData,
  request: LoadBalancerRequest,
  nodeCount: number,
  podIps: string[],
): string | null {
  if (!request.internal) {
    data.publicIpCounter += 1;
    return `20.81.${Math.floor(data.publicIpCounter / 250)}.${(data.publicIpCounter % 250) + 4}`;
  }
  const subnet =
    request.subnetName === undefined
      ? data.network.nodeSubnet
      : data.network.subnetsByName[request.subnetName.toLowerCase()];
  if (subnet === undefined) return null;
  const used = usedIn(data, subnet, nodeCount, podIps);
  const range = rangeOf(subnet);
  if (request.requestedIp !== undefined) {
    const value = ipNumber(request.requestedIp);
    const usable = value >= range.first + 4 && value < range.first + range.size - 1;
    if (!usable || used.has(request.requestedIp)) return null;
    data.loadBalancerIps.push(request.requestedIp);
    return request.requestedIp;
  }
  for (let value = range.first + 4; value < range.first + range.size - 1; value += 1) {
    const ip = ipText(value);
    if (!used.has(ip)) {
      data.loadBalancerIps.push(ip);
      return ip;
    }
  }
  return null;
}

const ipv6NodePodPrefix = 80;

function range6(cidr: string): { first: bigint; size: bigint } {
  const address = new Address6(cidr);
  const first = address.startAddress().bigInt();
  return { first, size: address.endAddress().bigInt() - first + 1n };
}

const text6 = (value: bigint) => Address6.fromBigInt(value).correctForm();

export function isDualStack(network: AksNetworkFacts): boolean {
  return network.ipFamilies?.includes("IPv6") === true;
}

/** Dual-stack: the node's IPv6 address in its subnet's IPv6 prefix, from ::4 as the IPv4 one starts at .4. */
export function nodeIpV6(network: AksNetworkFacts, index: number): string | null {
  if (!isDualStack(network) || network.nodeSubnetV6 == null) return null;
  return text6(range6(network.nodeSubnetV6).first + 4n + BigInt(index));
}

/** Dual-stack: the node's /80 of the IPv6 pod CIDR. */
export function nodePodCidrV6(network: AksNetworkFacts, index: number): string | null {
  if (!isDualStack(network) || network.podCidrV6 == null) return null;
  const block = 2n ** BigInt(128 - ipv6NodePodPrefix);
  return `${text6(range6(network.podCidrV6).first + BigInt(index) * block)}/${ipv6NodePodPrefix}`;
}

/** The pod's IPv6 address: its IPv4 address's offset in the node's /24, in the node's IPv6 /80. */
export function podIpV6(nodeCidrV6: string, ipv4: string): string {
  return text6(range6(nodeCidrV6).first + BigInt(ipNumber(ipv4) % 256));
}

/** A free ClusterIP of the IPv6 service CIDR (the first address stays for `kubernetes`, as in IPv4). */
export function randomServiceIpV6(network: AksNetworkFacts, used: Set<string>): string | null {
  if (network.serviceCidrV6 == null) return null;
  const range = range6(network.serviceCidrV6);
  const span = range.size > 2n ** 20n ? 2n ** 20n : range.size;
  for (;;) {
    const ip = text6(range.first + 2n + BigInt(randomInt(Math.max(1, Number(span) - 3))));
    if (!used.has(ip)) return ip;
  }
}
