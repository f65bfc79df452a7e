// @ts-check
/**
 * Starting points for the plan form: the documented requests of docs/examples/, every documented request
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
      vnet: {
        name: "vnet-aks",
        addressPrefixes: ["10.240.0.0/12"],
      },
      nodeSubnet: {
        name: "snet-nodes",
        addressPrefix: "10.243.0.0/16",
      },
      podSubnet: {
        name: "snet-pods",
        addressPrefix: "10.242.0.0/16",
      },
      serviceCidr: "10.0.0.0/16",
      dnsServiceIp: "10.0.0.10",
      networkPolicy: "calico",
    },
    nodePool: {
      name: "system",
      vmSize: "Standard_D2s_v5",
      count: 3,
      maxPods: 30,
      maxSurge: 1,
    },
    identity: {
      name: "id-aks-podsubnet",
    },
    tags: {
      owner: "platform",
    },
  },
  "node-subnet": {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-nodesubnet",
    location: "eastus2",
    clusterName: "aks-nodesubnet",
    network: {
      mode: "node-subnet",
      vnet: {
        name: "vnet-aks",
        addressPrefixes: ["10.10.0.0/16"],
      },
      nodeSubnet: {
        name: "snet-nodes",
        addressPrefix: "10.10.0.0/22",
      },
      serviceCidr: "10.0.0.0/16",
      dnsServiceIp: "10.0.0.10",
      networkPolicy: "azure",
    },
    nodePool: {
      count: 3,
      maxPods: 30,
    },
    tags: {
      owner: "platform",
    },
  },
  kubenet: {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-kubenet",
    location: "eastus",
    clusterName: "aks-kubenet",
    network: {
      mode: "kubenet",
      vnet: {
        name: "vnet-aks",
        addressPrefixes: ["172.16.0.0/16"],
      },
      nodeSubnet: {
        name: "aks",
        addressPrefix: "172.16.0.0/20",
      },
      podCidr: "10.16.0.0/16",
      serviceCidr: "10.0.0.0/16",
      dnsServiceIp: "10.0.0.10",
    },
    nodePool: {
      count: 3,
    },
    verify: {
      demoWorkload: true,
    },
    tags: {
      owner: "platform",
    },
  },
  overlay: {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-overlay",
    location: "eastus2",
    clusterName: "aks-overlay",
    network: {
      mode: "overlay",
      vnet: {
        name: "vnet-aks",
        addressPrefixes: ["10.20.0.0/16"],
      },
      nodeSubnet: {
        name: "snet-nodes",
        addressPrefix: "10.20.0.0/24",
      },
      podCidr: "192.168.0.0/16",
      networkPolicy: "cilium",
    },
    nodePool: {
      count: 3,
    },
    tags: {
      owner: "platform",
    },
  },
  "overlay-cilium": {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-cilium",
    location: "eastus2",
    clusterName: "aks-cilium",
    kubernetesVersion: "1.33",
    network: {
      vnet: {
        name: "vnet-aks",
        addressPrefixes: ["10.30.0.0/16"],
      },
      nodeSubnet: {
        name: "snet-nodes",
        addressPrefix: "10.30.0.0/22",
      },
      dataplane: "cilium",
      networkPolicy: "cilium",
    },
    nodePool: {
      name: "system",
      vmSize: "Standard_D4s_v5",
      count: 3,
      maxPods: 110,
      maxSurge: 1,
    },
    tags: {
      owner: "platform",
    },
  },
  "overlay-dual-stack": {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-dualstack",
    location: "eastus2",
    clusterName: "aks-dualstack",
    kubernetesVersion: "1.33",
    network: {
      mode: "overlay",
      dataplane: "cilium",
      networkPolicy: "cilium",
      ipFamilies: ["IPv4", "IPv6"],
      vnet: {
        name: "vnet-aks",
        addressPrefixes: ["10.70.0.0/16", "fd00:70::/48"],
      },
      nodeSubnet: {
        name: "snet-nodes",
        addressPrefix: "10.70.0.0/22",
        ipv6AddressPrefix: "fd00:70::/64",
      },
      podCidrs: ["10.244.0.0/16", "fd12:3456:789a::/64"],
      serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
      dnsServiceIp: "10.0.0.10",
    },
    nodePool: {
      name: "system",
      vmSize: "Standard_D4s_v5",
      count: 3,
      maxSurge: 1,
    },
    tags: {
      owner: "platform",
    },
  },
  "overlay-private-nat-gateway": {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-private",
    location: "eastus2",
    clusterName: "aks-private",
    kubernetesVersion: "1.33",
    network: {
      mode: "overlay",
      dataplane: "cilium",
      networkPolicy: "cilium",
      vnet: {
        name: "vnet-aks",
        addressPrefixes: ["10.50.0.0/16"],
      },
      nodeSubnet: {
        name: "snet-nodes",
        addressPrefix: "10.50.0.0/22",
      },
      apiServerSubnet: {
        name: "snet-apiserver",
        addressPrefix: "10.50.4.0/28",
      },
      outbound: {
        type: "userAssignedNATGateway",
        natGateway: {
          name: "ng-aks-private",
        },
      },
    },
    apiServer: {
      private: true,
      vnetIntegration: true,
    },
    nodePool: {
      name: "system",
      vmSize: "Standard_D4s_v5",
      count: 3,
      maxSurge: 1,
    },
    tags: {
      owner: "platform",
    },
  },
  "overlay-udr-egress": {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-udr",
    location: "eastus2",
    clusterName: "aks-udr",
    kubernetesVersion: "1.33",
    network: {
      mode: "overlay",
      vnet: {
        name: "vnet-aks-spoke",
        addressPrefixes: ["10.60.0.0/16"],
      },
      nodeSubnet: {
        name: "snet-nodes",
        addressPrefix: "10.60.0.0/22",
      },
      outbound: {
        type: "userDefinedRouting",
        routeTable: {
          name: "rt-aks-udr",
        },
        nextHopIp: "10.0.100.4",
      },
      serviceCidr: "10.61.0.0/16",
      dnsServiceIp: "10.61.0.10",
    },
    apiServer: {
      private: true,
    },
    nodePool: {
      name: "system",
      vmSize: "Standard_D4s_v5",
      count: 3,
      maxSurge: 1,
    },
    tags: {
      owner: "platform",
    },
  },
  "overlay-user-pools": {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-pools",
    location: "eastus2",
    clusterName: "aks-pools",
    kubernetesVersion: "1.33",
    network: {
      mode: "overlay",
      dataplane: "cilium",
      networkPolicy: "cilium",
      vnet: {
        name: "vnet-aks",
        addressPrefixes: ["10.80.0.0/16"],
      },
      nodeSubnet: {
        name: "snet-system",
        addressPrefix: "10.80.0.0/24",
      },
    },
    nodePools: [
      {
        name: "system",
        mode: "System",
        vmSize: "Standard_D4s_v5",
        count: 3,
        maxSurge: 1,
      },
      {
        name: "apps",
        mode: "User",
        vmSize: "Standard_D8s_v5",
        count: 3,
        minCount: 3,
        maxCount: 20,
        maxPods: 110,
        maxSurge: 2,
        nodeSubnet: {
          name: "snet-apps",
          addressPrefix: "10.80.4.0/22",
        },
      },
      {
        name: "batch",
        mode: "User",
        vmSize: "Standard_D16s_v5",
        count: 0,
        minCount: 0,
        maxCount: 50,
        maxPods: 250,
        maxSurge: 1,
        nodeSubnet: {
          name: "snet-batch",
          addressPrefix: "10.80.8.0/22",
        },
      },
    ],
    tags: {
      owner: "platform",
    },
  },
  "pod-subnet-static-block": {
    subscriptionId: "11111111-2222-3333-4444-555555555555",
    resourceGroup: "rg-aks-staticblock",
    location: "eastus2",
    clusterName: "aks-staticblock",
    kubernetesVersion: "1.33",
    network: {
      mode: "pod-subnet",
      podIpAllocation: "staticBlock",
      dataplane: "cilium",
      networkPolicy: "cilium",
      vnet: {
        name: "vnet-aks",
        addressPrefixes: ["10.40.0.0/16"],
      },
      nodeSubnet: {
        name: "snet-nodes",
        addressPrefix: "10.40.0.0/24",
      },
      podSubnet: {
        name: "snet-pods",
        addressPrefix: "10.40.16.0/20",
      },
    },
    nodePool: {
      name: "system",
      vmSize: "Standard_D4s_v5",
      count: 3,
      maxPods: 31,
      maxSurge: 1,
    },
    tags: {
      owner: "platform",
    },
  },
};
