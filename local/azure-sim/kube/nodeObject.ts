/** A Node as an AKS VM scale set instance registers it: pool labels, one InternalIP and pod CIDR per family. */
import { meta } from "./objects.js";

export interface NodeFacts {
  name: string;
  vmss: string;
  index: number;
  poolName: string;
  mode: "System" | "User";
  vmSize: string;
  /** IPv4 first; a dual-stack node lists its IPv6 address second (kubectl shows the first). */
  ips: string[];
  /** Empty where pods take their IPs from a subnet (no per-node pod CIDR). */
  podCidrs: string[];
  maxPods: number;
  kubernetesVersion: string;
}

export function nodeObject(node: NodeFacts) {
  const [podCidr] = node.podCidrs;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: meta(node.name, undefined, {
      agentpool: node.poolName,
      "kubernetes.azure.com/agentpool": node.poolName,
      "kubernetes.azure.com/mode": node.mode.toLowerCase(),
      "kubernetes.io/arch": "amd64",
      "kubernetes.io/hostname": node.name,
      "kubernetes.io/os": "linux",
      "kubernetes.io/role": "agent",
      "node.kubernetes.io/instance-type": node.vmSize,
    }),
    spec: {
      providerID: `azure:///subscriptions/sim/resourceGroups/mc/providers/Microsoft.Compute/virtualMachineScaleSets/${node.vmss}/virtualMachines/${node.index}`,
      ...(podCidr === undefined ? {} : { podCIDR: podCidr, podCIDRs: node.podCidrs }),
    },
    status: {
      addresses: [
        ...node.ips.map((address) => ({ type: "InternalIP", address })),
        { type: "Hostname", address: node.name },
      ],
      allocatable: { cpu: "3860m", memory: "12880780Ki", pods: String(node.maxPods) },
      capacity: { cpu: "4", memory: "16351116Ki", pods: String(node.maxPods) },
      conditions: [
        { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
      ],
      nodeInfo: {
        architecture: "amd64",
        containerRuntimeVersion: "containerd://1.7.27-1",
        kernelVersion: "5.15.0-1089-azure",
        kubeProxyVersion: `v${node.kubernetesVersion}`,
        kubeletVersion: `v${node.kubernetesVersion}`,
        operatingSystem: "linux",
        osImage: "Ubuntu 22.04.5 LTS",
      },
    },
  };
}
