/**
 * One simulated cluster's Kubernetes state as plain, persistable data: the objects an API server stores (keyed by
 * resource and namespace/name) and the IP bookkeeping the network mode implies. Behaviour lives in controllers.ts.
 */
import { Address4 } from "ip-address";
import type { ServerCertificate } from "../certificates.js";

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface KubeClusterData {
  key: string;
  token: string;
  /** The port of this cluster's own API endpoint (kept across restarts when free). */
  port: number | null;
  certificate: ServerCertificate;
  fqdn: string;
  network: AksNetworkFacts;
  resourceVersion: number;
  /** resource plural (with group for non-core: "deployments.apps") → "namespace/name" → object. */
  objects: Record<string, Record<string, KubeObject>>;
  /** Free pod IPs reserved for each node (the node's batch, block, secondary IPs or /24). */
  nodeIps: Record<string, string[]>;
  /** Addresses taken in the pod subnet (pod-subnet mode), so new batches never overlap. */
  podSubnetTaken: string[];
  /** Load balancer frontends handed out, so the next internal one takes the next free address. */
  loadBalancerIps: string[];
  publicIpCounter: number;
  /** Agent pools added after the create (agent-pool API), by name; their nodes are on the pools' own subnets. */
  pools?: Record<string, PoolNetworkFacts>;
  /** Node name → its pool, for nodes of those pools (the create's nodes belong to network.poolName). */
  nodePools?: Record<string, string>;
  /** Exact creation time (ms) of pods still Pending: creationTimestamp has whole seconds only. */
  podCreatedAt?: Record<string, number>;
}

/** What one added agent pool changes about the network facts its nodes follow. */
export interface PoolNetworkFacts {
  poolName: string;
  mode: "System" | "User";
  vmSize: string;
  nodeCount: number;
  maxPods: number;
  nodeSubnet: string;
  nodeSubnetId: string;
  podSubnet: string | null;
  podSubnetId: string | null;
  podIPAllocationMode: "DynamicIndividual" | "StaticBlock" | null;
}

export interface Range {
  first: number;
  size: number;
}

export function rangeOf(cidr: string): Range {
  const address = new Address4(cidr);
  return { first: Number(address.startAddress().bigInt()), size: 2 ** (32 - address.subnetMask) };
}

export function ipText(value: number): string {
  return Address4.fromBigInt(BigInt(value)).correctForm();
}

export function ipNumber(ip: string): number {
  return rangeOf(`${ip}/32`).first;
}

export function contains(cidr: string, ip: string): boolean {
  const range = rangeOf(cidr);
  const value = ipNumber(ip);
  return value >= range.first && value < range.first + range.size;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ""}/${name}`;
}

export interface AksNetworkFacts {
  mode: "pod-subnet" | "node-subnet" | "kubenet" | "overlay";
  nodeSubnet: string;
  nodeSubnetId: string;
  podSubnet: string | null;
  podSubnetId: string | null;
  podIPAllocationMode: "DynamicIndividual" | "StaticBlock" | null;
  podCidr: string | null;
  serviceCidr: string;
  dnsServiceIP: string;
  maxPods: number;
  networkPolicy: string | null;
  nodeCount: number;
  poolName: string;
  kubernetesVersion: string;
  /** Subnets of the VNet by lower-case name, for internal load balancers that name one. */
  subnetsByName: Record<string, string>;
  vnetId: string;
  /** Dual-stack only (absent on single-stack clusters). */
  ipFamilies?: string[];
  nodeSubnetV6?: string | null;
  podCidrV6?: string | null;
  serviceCidrV6?: string | null;
}
