/**
 * A Kubernetes API per simulated cluster: nodes, the system pods AKS runs, and just enough of namespaces,
 * Deployments and Services for a demo workload. Pod IPs are handed out the way each network mode does it.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Address4 } from "ip-address";
import { json, route, type Route, type SimRequest, type SimResponse } from "./http.js";
import type { SimulatorState } from "./state.js";

export type SimNetworkMode = "pod-subnet" | "node-subnet" | "kubenet" | "overlay";

interface Range {
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

interface SimPod {
  namespace: string;
  name: string;
  nodeIndex: number;
  hostNetwork: boolean;
  ownerKind: "DaemonSet" | "ReplicaSet";
  ownerName: string;
  labels: Record<string, string>;
  ip: string | null;
  createdAt: number;
}

interface SimService {
  namespace: string;
  name: string;
  body: Record<string, unknown>;
  ip: string | null;
}

export interface ClusterNetwork {
  mode: SimNetworkMode;
  nodeSubnet: string;
  podSubnet: string | null;
  podCidr: string | null;
  serviceCidr: string;
  maxPods: number;
  networkPolicy: string | null;
  nodeCount: number;
  poolName: string;
  /** Other subnets of the VNet by name, for internal load balancers that name one. */
  subnetsByName: Record<string, string>;
}

export class SimCluster {
  readonly key = randomUUID().replace(/-/g, "").slice(0, 16);
  readonly token = randomBytes(24).toString("hex");
  readonly nodes: { name: string; ip: string }[] = [];
  readonly pods: SimPod[] = [];
  readonly namespaces = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);
  readonly services: SimService[] = [];
  private readonly nextPodIp: number[] = [];
  private readonly podSubnetBlocks: { node: number; next: number; end: number }[] = [];
  private podSubnetCursor = 0;
  private lbCursor = 0;

  constructor(
    private readonly state: SimulatorState,
    readonly network: ClusterNetwork,
  ) {
    const node = rangeOf(network.nodeSubnet);
    const suffix = String(Math.floor(10_000_000 + Math.random() * 89_999_999));
    for (let i = 0; i < network.nodeCount; i += 1) {
      // Azure keeps .0–.3; in node-subnet mode each node's NIC also pre-allocates maxPods secondary IPs after it.
      const ip = network.mode === "node-subnet" ? node.first + 4 + i * (network.maxPods + 1) : node.first + 4 + i;
      this.nodes.push({ name: `aks-${network.poolName}-${suffix}-vmss${String(i).padStart(6, "0")}`, ip: ipText(ip) });
      this.nextPodIp.push(network.mode === "node-subnet" ? ip + 1 : 0);
    }
    this.startSystemPods();
  }

  private allocatePodIp(nodeIndex: number): string {
    const { mode } = this.network;
    if (mode === "node-subnet") {
      const ip = this.nextPodIp[nodeIndex] ?? 0;
      this.nextPodIp[nodeIndex] = ip + 1;
      return ipText(ip);
    }
    if (mode === "kubenet" || mode === "overlay") {
      // A /24 of the pod CIDR per node; .1 is the bridge, pods from .2 (kubenet) / .4 (overlay).
      const podCidr = rangeOf(this.network.podCidr ?? "10.244.0.0/16");
      const base = podCidr.first + nodeIndex * 256;
      const offset = (this.nextPodIp[nodeIndex] ?? 0) + (mode === "kubenet" ? 2 : 4);
      this.nextPodIp[nodeIndex] = (this.nextPodIp[nodeIndex] ?? 0) + 1;
      return ipText(base + offset);
    }
    // pod-subnet: dynamic allocation hands each node blocks of 16 from the pod subnet.
    let block = this.podSubnetBlocks.find(
      (candidate) => candidate.node === nodeIndex && candidate.next < candidate.end,
    );
    if (block === undefined) {
      const pod = rangeOf(this.network.podSubnet ?? this.network.nodeSubnet);
      const start = pod.first + this.podSubnetCursor * 16;
      this.podSubnetCursor += 1;
      // The first block skips the 4 addresses Azure keeps at the start of every subnet.
      block = { node: nodeIndex, next: start === pod.first ? start + 4 : start, end: start + 16 };
      this.podSubnetBlocks.push(block);
    }
    const ip = block.next;
    block.next += 1;
    return ipText(ip);
  }

  private addPod(
    namespace: string,
    name: string,
    nodeIndex: number,
    hostNetwork: boolean,
    ownerKind: SimPod["ownerKind"],
    ownerName: string,
    labels: Record<string, string> = {},
  ): void {
    this.pods.push({
      namespace,
      name,
      nodeIndex,
      hostNetwork,
      ownerKind,
      ownerName,
      labels,
      ip: null,
      createdAt: this.state.now(),
    });
  }

  private startSystemPods(): void {
    const daemonSets = [
      "kube-proxy",
      "cloud-node-manager",
      "csi-azuredisk-node",
      "csi-azurefile-node",
      "azure-ip-masq-agent",
    ];
    if (this.network.mode !== "kubenet") daemonSets.push("azure-cns");
    if (this.network.networkPolicy === "calico") daemonSets.push("calico-node");
    for (const daemonSet of daemonSets) {
      this.nodes.forEach((_, i) =>
        this.addPod(
          "kube-system",
          `${daemonSet}-${randomBytes(3).toString("hex").slice(0, 5)}`,
          i,
          true,
          "DaemonSet",
          daemonSet,
        ),
      );
    }
    const deployments: [string, number][] = [
      ["coredns", 2],
      ["coredns-autoscaler", 1],
      ["metrics-server", 2],
      ["konnectivity-agent", 2],
    ];
    if (this.network.networkPolicy === "calico") deployments.push(["calico-kube-controllers", 1]);
    let spread = 0;
    for (const [deployment, replicas] of deployments) {
      const hash = randomBytes(5).toString("hex").slice(0, 9);
      for (let r = 0; r < replicas; r += 1) {
        this.addPod(
          "kube-system",
          `${deployment}-${hash}-${randomBytes(3).toString("hex").slice(0, 5)}`,
          spread % this.nodes.length,
          false,
          "ReplicaSet",
          `${deployment}-${hash}`,
          { "k8s-app": deployment },
        );
        spread += 1;
      }
    }
  }

  /** Pods get their IP once running: hostNetwork pods the node's, others one from the mode's range. */
  private settle(): void {
    const readyAt = this.state.now() - this.state.config.podStartupMs;
    for (const pod of this.pods) {
      if (pod.ip === null && pod.createdAt <= readyAt) {
        pod.ip = pod.hostNetwork ? (this.nodes[pod.nodeIndex]?.ip ?? null) : this.allocatePodIp(pod.nodeIndex);
      }
    }
    for (const service of this.services) {
      if (service.ip === null) service.ip = this.loadBalancerIp(service.body);
    }
  }

  private loadBalancerIp(body: Record<string, unknown>): string | null {
    const metadata = body.metadata as { annotations?: Record<string, string> } | undefined;
    const spec = body.spec as { type?: string } | undefined;
    if (spec?.type !== "LoadBalancer") return null;
    const annotations = metadata?.annotations ?? {};
    if (annotations["service.beta.kubernetes.io/azure-load-balancer-internal"] !== "true") return "20.81.0.10";
    const subnetName = annotations["service.beta.kubernetes.io/azure-load-balancer-internal-subnet"];
    const subnet =
      (subnetName === undefined ? undefined : this.network.subnetsByName[subnetName.toLowerCase()]) ??
      this.network.nodeSubnet;
    const range = rangeOf(subnet);
    // Internal LB frontends come from the top of the subnet, away from the nodes at the bottom.
    this.lbCursor += 1;
    return ipText(range.first + range.size - 2 - this.lbCursor);
  }

  podJson(pod: SimPod): Record<string, unknown> {
    const node = this.nodes[pod.nodeIndex];
    return {
      metadata: {
        name: pod.name,
        namespace: pod.namespace,
        uid: randomUUID(),
        labels: pod.labels,
        ownerReferences: [
          { apiVersion: "apps/v1", kind: pod.ownerKind, name: pod.ownerName, uid: randomUUID(), controller: true },
        ],
      },
      spec: {
        nodeName: node?.name,
        hostNetwork: pod.hostNetwork || undefined,
        containers: [{ name: pod.ownerName, image: "mcr.microsoft.com/oss/kubernetes/pause:3.6" }],
      },
      status:
        pod.ip === null
          ? { phase: "Pending" }
          : {
              phase: "Running",
              podIP: pod.ip,
              podIPs: [{ ip: pod.ip }],
              hostIP: node?.ip,
              hostIPs: [{ ip: node?.ip }],
            },
    };
  }

  routes(): Route[] {
    const base = `/k8s/${this.key}`;
    const list = (kind: string, items: unknown[]) =>
      json(200, { kind, apiVersion: "v1", metadata: { resourceVersion: String(Date.now()) }, items });
    const podsMatching = (request: SimRequest, namespace: string | null) => {
      this.settle();
      const selector = request.query.get("labelSelector");
      const [key, value] = selector?.split("=") ?? [];
      return this.pods
        .filter(
          (pod) =>
            (namespace === null || pod.namespace === namespace) && (key === undefined || pod.labels[key] === value),
        )
        .map((pod) => this.podJson(pod));
    };
    return [
      route("GET", `${base}/api/v1/nodes`, () =>
        list(
          "NodeList",
          this.nodes.map((node) => ({
            metadata: {
              name: node.name,
              labels: { "kubernetes.azure.com/agentpool": this.network.poolName, "kubernetes.io/os": "linux" },
            },
            status: {
              addresses: [
                { type: "InternalIP", address: node.ip },
                { type: "Hostname", address: node.name },
              ],
              conditions: [{ type: "Ready", status: "True" }],
            },
          })),
        ),
      ),
      route("GET", `${base}/api/v1/pods`, (request) => list("PodList", podsMatching(request, null))),
      route("GET", `${base}/api/v1/namespaces/([^/]+)/pods`, (request) =>
        list("PodList", podsMatching(request, request.params[0] ?? "")),
      ),
      route("POST", `${base}/api/v1/namespaces`, (request) => {
        const name = ((request.body as { metadata?: { name?: string } }).metadata?.name ?? "").toLowerCase();
        if (this.namespaces.has(name)) return k8sStatus(409, "AlreadyExists", `namespaces "${name}" already exists`);
        this.namespaces.add(name);
        return json(201, { apiVersion: "v1", kind: "Namespace", metadata: { name }, status: { phase: "Active" } });
      }),
      route("DELETE", `${base}/api/v1/namespaces/([^/]+)`, (request) => {
        const name = request.params[0] ?? "";
        if (!this.namespaces.delete(name)) return k8sStatus(404, "NotFound", `namespaces "${name}" not found`);
        this.pods.splice(0, this.pods.length, ...this.pods.filter((pod) => pod.namespace !== name));
        this.services.splice(0, this.services.length, ...this.services.filter((service) => service.namespace !== name));
        return json(200, { apiVersion: "v1", kind: "Namespace", metadata: { name }, status: { phase: "Terminating" } });
      }),
      route("POST", `${base}/apis/apps/v1/namespaces/([^/]+)/deployments`, (request) => this.createDeployment(request)),
      route("POST", `${base}/api/v1/namespaces/([^/]+)/services`, (request) => {
        const namespace = request.params[0] ?? "";
        if (!this.namespaces.has(namespace)) return k8sStatus(404, "NotFound", `namespaces "${namespace}" not found`);
        const body = request.body as Record<string, unknown>;
        const name = (body.metadata as { name?: string } | undefined)?.name ?? "";
        if (this.services.some((s) => s.namespace === namespace && s.name === name))
          return k8sStatus(409, "AlreadyExists", `services "${name}" already exists`);
        this.services.push({ namespace, name, body, ip: null });
        return json(201, { ...body, status: { loadBalancer: {} } });
      }),
      route("GET", `${base}/api/v1/namespaces/([^/]+)/services/([^/]+)`, (request) => {
        this.settle();
        const service = this.services.find((s) => s.namespace === request.params[0] && s.name === request.params[1]);
        if (service === undefined) return k8sStatus(404, "NotFound", `services "${request.params[1] ?? ""}" not found`);
        return json(200, {
          ...service.body,
          status: { loadBalancer: service.ip === null ? {} : { ingress: [{ ip: service.ip }] } },
        });
      }),
    ];
  }

  private createDeployment(request: SimRequest): SimResponse {
    const namespace = request.params[0] ?? "";
    if (!this.namespaces.has(namespace)) return k8sStatus(404, "NotFound", `namespaces "${namespace}" not found`);
    const body = request.body as {
      metadata?: { name?: string };
      spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } };
    };
    const name = body.metadata?.name ?? "deployment";
    if (this.pods.some((pod) => pod.namespace === namespace && pod.ownerName.startsWith(`${name}-`)))
      return k8sStatus(409, "AlreadyExists", `deployments.apps "${name}" already exists`);
    const hash = randomBytes(5).toString("hex").slice(0, 9);
    const replicas = body.spec?.replicas ?? 1;
    for (let r = 0; r < replicas; r += 1) {
      this.addPod(
        namespace,
        `${name}-${hash}-${randomBytes(3).toString("hex").slice(0, 5)}`,
        r % this.nodes.length,
        false,
        "ReplicaSet",
        `${name}-${hash}`,
        body.spec?.template?.metadata?.labels ?? {},
      );
    }
    return json(201, { ...body, apiVersion: "apps/v1", kind: "Deployment", status: {} });
  }
}

function k8sStatus(code: number, reason: string, message: string): SimResponse {
  return json(code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
}

export function kubeconfigFor(
  cluster: SimCluster,
  origin: string,
  caCertPem: string,
  clusterName: string,
  resourceGroup: string,
): string {
  const ca = Buffer.from(caCertPem).toString("base64");
  const user = `clusterAdmin_${resourceGroup}_${clusterName}`;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${clusterName}`,
    "  cluster:",
    `    server: ${origin}/k8s/${cluster.key}`,
    `    certificate-authority-data: ${ca}`,
    "contexts:",
    `- name: ${clusterName}-admin`,
    "  context:",
    `    cluster: ${clusterName}`,
    `    user: ${user}`,
    `current-context: ${clusterName}-admin`,
    "users:",
    `- name: ${user}`,
    "  user:",
    `    token: ${cluster.token}`,
    "",
  ].join("\n");
}
