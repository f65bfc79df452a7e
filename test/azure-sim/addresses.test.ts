/**
 * Address bookkeeping per network mode, without a server (kube/network.ts). Sources: AKS docs "Azure CNI dynamic IP
 * allocation" (DynamicIndividual: a batch of 16 per node at creation, more batches on demand, non-contiguous;
 * StaticBlock: /28 blocks) and "Configure Azure CNI" (node-subnet: each node pre-allocates maxPods IPs after its own).
 */
import { describe, expect, it } from "vitest";
import type { KubeClusterData } from "../../local/azure-sim/kube/model.js";
import { loadBalancerIp, nodeIp, reserveNodeIps, takePodIp } from "../../local/azure-sim/kube/network.js";
import type { AksNetworkFacts } from "../../local/azure-sim/kube/model.js";

function data(network: Partial<AksNetworkFacts>): KubeClusterData {
  return {
    key: "k",
    token: "t",
    port: null,
    certificate: { certPem: "", keyPem: "" },
    fqdn: "x",
    resourceVersion: 1,
    objects: {},
    nodeIps: {},
    podSubnetTaken: [],
    loadBalancerIps: [],
    publicIpCounter: 0,
    network: {
      mode: "pod-subnet",
      nodeSubnet: "10.243.0.0/16",
      nodeSubnetId: "n",
      podSubnet: "10.242.0.0/24",
      podSubnetId: "p",
      podIPAllocationMode: "DynamicIndividual",
      podCidr: null,
      serviceCidr: "10.0.0.0/16",
      dnsServiceIP: "10.0.0.10",
      maxPods: 30,
      networkPolicy: null,
      nodeCount: 3,
      poolName: "system",
      kubernetesVersion: "1.33.2",
      subnetsByName: { "snet-lb": "10.241.0.0/28" },
      vnetId: "v",
      ...network,
    },
  };
}

const last = (ip: string) => Number(ip.split(".")[3]);

describe("pod-subnet DynamicIndividual", () => {
  it("reserves 16 interleaved addresses per node at creation, then another batch of 16 when a node runs out", () => {
    const d = data({});
    reserveNodeIps(d, ["a", "b", "c"]);
    expect(d.nodeIps.a?.slice(0, 3)).toEqual(["10.242.0.4", "10.242.0.7", "10.242.0.10"]);
    expect(Object.values(d.nodeIps).map((ips) => ips.length)).toEqual([16, 16, 16]);
    const taken = Array.from({ length: 17 }, () => takePodIp(d, "a") ?? "");
    // The 17th comes from a new batch: the lowest 16 free addresses after the 48 handed out at creation.
    expect(last(taken[16] ?? "")).toBe(4 + 48);
    expect(d.nodeIps.a).toHaveLength(15);
  });

  it("has nothing left once the subnet is spent", () => {
    const d = data({ podSubnet: "10.242.0.0/27" });
    reserveNodeIps(d, ["a"]);
    // A /27 has 32 addresses; Azure keeps .0–.3 and the broadcast: 27 for pods.
    for (let i = 0; i < 27; i += 1) expect(takePodIp(d, "a")).not.toBeNull();
    expect(takePodIp(d, "a")).toBeNull();
  });
});

describe("other modes", () => {
  it("StaticBlock: ceil(maxPods/16) contiguous /28 blocks per node, Azure's first four addresses skipped", () => {
    const d = data({ podIPAllocationMode: "StaticBlock" });
    reserveNodeIps(d, ["a", "b"]);
    expect(d.nodeIps.a?.[0]).toBe("10.242.0.4");
    expect(d.nodeIps.a?.at(-1)).toBe("10.242.0.31");
    expect(d.nodeIps.b?.[0]).toBe("10.242.0.32");
    expect(d.nodeIps.b).toHaveLength(32);
  });

  it("node-subnet: nodes at .4, .35, .66 for maxPods 30, each followed by its 30 pod IPs", () => {
    const d = data({ mode: "node-subnet", podSubnet: null, podIPAllocationMode: null });
    expect([0, 1, 2].map((i) => nodeIp(d.network, i))).toEqual(["10.243.0.4", "10.243.0.35", "10.243.0.66"]);
    reserveNodeIps(d, ["a", "b", "c"]);
    expect(d.nodeIps.b?.[0]).toBe("10.243.0.36");
    expect(d.nodeIps.b).toHaveLength(30);
  });

  it("kubenet: a /24 of the pod CIDR per node, pods from .2", () => {
    const d = data({
      mode: "kubenet",
      podSubnet: null,
      podIPAllocationMode: null,
      podCidr: "10.244.0.0/16",
      maxPods: 110,
    });
    reserveNodeIps(d, ["a", "b"]);
    expect(takePodIp(d, "b")).toBe("10.244.1.2");
  });
});

describe("internal load balancers", () => {
  it("take the next free address after the nodes, or the named subnet's, and stay pending when the subnet is full", () => {
    const d = data({ mode: "node-subnet", podSubnet: null, podIPAllocationMode: null });
    const internal = (subnetName?: string) =>
      loadBalancerIp(d, { internal: true, subnetName, requestedIp: undefined }, 3, []);
    // Three nodes with 30 pre-allocated IPs each occupy .4–.96.
    expect(internal()).toBe("10.243.0.97");
    expect(internal("snet-lb")).toBe("10.241.0.4");
    // A /28 offers .4–.14: eleven frontends.
    for (let i = 0; i < 10; i += 1) internal("snet-lb");
    expect(internal("snet-lb")).toBeNull();
  });
});
