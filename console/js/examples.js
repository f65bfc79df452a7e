// @ts-check
/**
 * Starting points for the plan form: the documented requests of docs/examples/, one per network mode
 * (test/console/static.test.ts keeps the two identical).
 */
export const examples = {
  "pod-subnet": {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-podsubnet",
    location: "eastus2",
    clusterName: "aks-podsubnet",
    kubernetesVersion: "1.33",
    network: {
      mode: "pod-subnet",
      vnet: { name: "vnet-aks", addressPrefixes: ["10.240.0.0/12"] },
      nodeSubnet: { name: "snet-nodes", addressPrefix: "10.243.0.0/16" },
      podSubnet: { name: "snet-pods", addressPrefix: "10.242.0.0/16" },
      serviceCidr: "10.0.0.0/16",
      dnsServiceIp: "10.0.0.10",
      networkPolicy: "calico",
    },
    nodePool: { name: "system", vmSize: "Standard_D2s_v5", count: 3, maxPods: 30, maxSurge: 1 },
    identity: { name: "id-aks-podsubnet" },
    features: ["Microsoft.ContainerService/PodSubnetPreview"],
    tags: { owner: "platform" },
  },
  "node-subnet": {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-nodesubnet",
    location: "eastus2",
    clusterName: "aks-nodesubnet",
    network: {
      mode: "node-subnet",
      vnet: { name: "vnet-aks", addressPrefixes: ["10.10.0.0/16"] },
      nodeSubnet: { name: "snet-nodes", addressPrefix: "10.10.0.0/22" },
      serviceCidr: "10.0.0.0/16",
      dnsServiceIp: "10.0.0.10",
      networkPolicy: "azure",
    },
    nodePool: { count: 3, maxPods: 30 },
    tags: { owner: "platform" },
  },
  kubenet: {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-kubenet",
    location: "eastus",
    clusterName: "aks-kubenet",
    network: {
      mode: "kubenet",
      vnet: { name: "vnet-aks", addressPrefixes: ["172.16.0.0/16"] },
      nodeSubnet: { name: "aks", addressPrefix: "172.16.0.0/20" },
      podCidr: "10.16.0.0/16",
      serviceCidr: "10.0.0.0/16",
      dnsServiceIp: "10.0.0.10",
    },
    nodePool: { count: 3 },
    verify: { demoWorkload: true },
    tags: { owner: "platform" },
  },
  overlay: {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-overlay",
    location: "eastus2",
    clusterName: "aks-overlay",
    network: {
      mode: "overlay",
      vnet: { name: "vnet-aks", addressPrefixes: ["10.20.0.0/16"] },
      nodeSubnet: { name: "snet-nodes", addressPrefix: "10.20.0.0/24" },
      podCidr: "192.168.0.0/16",
      networkPolicy: "cilium",
    },
    nodePool: { count: 3 },
    tags: { owner: "platform" },
  },
};
