/**
 * The objects AKS has in a new cluster (seen with kubectl on a fresh AKS cluster): the four system namespaces, one
 * Node per VM (named after the scale set, labelled as AKS labels them, nodeInfo of the AKS Ubuntu image), the
 * hostNetwork DaemonSets and the Deployments of kube-system, and the `kubernetes`, `kube-dns` and metrics-server
 * services.
 */
import type { KubeClusterData, KubeObject } from "./model.js";
import { nodeIp, nodeIpV6, nodePodCidr, nodePodCidrV6, firstServiceIp, reserveNodeIps } from "./network.js";
import { nodeObject } from "./nodeObject.js";
import { meta } from "./objects.js";
import type { KubeStore } from "./store.js";

/** What bootstrapping needs of a cluster: KubeCluster provides it, without the two files importing each other. */
export interface NewCluster {
  readonly data: KubeClusterData;
  readonly store: KubeStore;
  createService(namespace: string, body: KubeObject): KubeObject;
}

const DS = "daemonsets.apps";
const DEPLOY = "deployments.apps";

/** What AKS has created by the time the create operation succeeds: namespaces, nodes, system workloads, services. */
export function bootstrapCluster(cluster: NewCluster): void {
  const { network } = cluster.data;
  const vmss = `aks-${network.poolName}-${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}-vmss`;
  for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    cluster.store.create("namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: meta(name, undefined, { "kubernetes.io/metadata.name": name }),
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    });
  }
  const names: string[] = [];
  for (let i = 0; i < network.nodeCount; i += 1) {
    const name = `${vmss}${i.toString(36).padStart(6, "0")}`;
    names.push(name);
    const podCidr = nodePodCidr(network, i);
    // Dual-stack nodes list an InternalIP and a pod CIDR per family, IPv4 first (kubectl shows the first).
    const podCidrV6 = nodePodCidrV6(network, i);
    const ipv6 = nodeIpV6(network, i);
    cluster.store.create(
      "nodes",
      nodeObject({
        name,
        vmss,
        index: i,
        poolName: network.poolName,
        mode: "System",
        vmSize: "Standard_D4ds_v5",
        ips: [nodeIp(network, i), ...(ipv6 === null ? [] : [ipv6])],
        podCidrs: podCidr === null ? [] : [podCidr, ...(podCidrV6 === null ? [] : [podCidrV6])],
        maxPods: network.maxPods,
        kubernetesVersion: network.kubernetesVersion,
      }),
    );
  }
  reserveNodeIps(cluster.data, names);
  const daemonSets = [
    "kube-proxy",
    "cloud-node-manager",
    "csi-azuredisk-node",
    "csi-azurefile-node",
    "azure-ip-masq-agent",
  ];
  if (network.mode !== "kubenet") daemonSets.push("azure-cns");
  if (network.networkPolicy === "calico") daemonSets.push("calico-node");
  for (const name of daemonSets) createWorkload(cluster, DS, "DaemonSet", "kube-system", name, null, true);
  const deployments: [string, number, string][] = [
    ["coredns", 2, "kube-dns"],
    ["coredns-autoscaler", 1, "coredns-autoscaler"],
    ["metrics-server", 2, "metrics-server"],
    ["konnectivity-agent", 2, "konnectivity-agent"],
  ];
  if (network.networkPolicy === "calico") deployments.push(["calico-kube-controllers", 1, "calico-kube-controllers"]);
  for (const [name, replicas, app] of deployments)
    createWorkload(cluster, DEPLOY, "Deployment", "kube-system", name, replicas, false, app);
  cluster.createService("default", {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta("kubernetes", "default", { component: "apiserver", provider: "kubernetes" }),
    spec: {
      type: "ClusterIP",
      clusterIP: firstServiceIp(network),
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 443 }],
    },
  });
  cluster.createService("kube-system", {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta("kube-dns", "kube-system", {
      "k8s-app": "kube-dns",
      "kubernetes.io/cluster-service": "true",
      "kubernetes.io/name": "CoreDNS",
    }),
    spec: {
      type: "ClusterIP",
      clusterIP: network.dnsServiceIP,
      selector: { "k8s-app": "kube-dns" },
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
      ],
    },
  });
  cluster.createService("kube-system", {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta("metrics-server", "kube-system", { "k8s-app": "metrics-server" }),
    spec: {
      type: "ClusterIP",
      selector: { "k8s-app": "metrics-server" },
      ports: [{ port: 443, protocol: "TCP", targetPort: 4443 }],
    },
  });
}

function createWorkload(
  cluster: NewCluster,
  key: string,
  kind: string,
  namespace: string,
  name: string,
  replicas: number | null,
  hostNetwork: boolean,
  app = name,
): void {
  const labels = { "k8s-app": app };
  cluster.store.create(key, {
    apiVersion: "apps/v1",
    kind,
    metadata: meta(name, namespace, { ...labels, "kubernetes.azure.com/managedby": "aks" }),
    spec: {
      ...(replicas === null ? {} : { replicas }),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...(hostNetwork ? { hostNetwork: true } : {}),
          containers: [
            { name, image: `mcr.microsoft.com/oss/kubernetes/${name}:v${cluster.data.network.kubernetesVersion}` },
          ],
        },
      },
    },
    status: {},
  });
}
