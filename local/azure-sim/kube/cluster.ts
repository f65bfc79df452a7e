/**
 * One simulated cluster: its store plus the controllers a real cluster runs, reduced to what shows in kubectl —
 * Deployment → ReplicaSet → Pods, DaemonSet → one Pod per node, the scheduler (round-robin over nodes), the kubelet
 * (Pending → Running after podStartupMs, IP from the node's reservation), Service ClusterIPs and load balancers,
 * Endpoints and EndpointSlices. The bootstrap objects are those AKS creates (nodes, system namespaces and workloads,
 * the `kubernetes` and `kube-dns` services).
 */
import { randomBytes } from "node:crypto";
import type { SimulatorState } from "../state.js";
import type { KubeClusterData, KubeObject } from "./model.js";
import { suffix } from "./names.js";
import {
  firstServiceIp,
  loadBalancerIp,
  nodeIp,
  nodePodCidr,
  randomServiceIp,
  releasePodIp,
  reserveNodeIps,
  takePodIp,
} from "./network.js";
import { KubeStore } from "./store.js";

const PODS = "pods";
const RS = "replicasets.apps";
const DEPLOY = "deployments.apps";
const DS = "daemonsets.apps";
const SVC = "services";

const annotationPrefix = "service.beta.kubernetes.io/azure-load-balancer-";

function meta(name: string, namespace?: string, labels?: Record<string, string>): KubeObject["metadata"] {
  return { name, ...(namespace === undefined ? {} : { namespace }), ...(labels === undefined ? {} : { labels }), uid: "", resourceVersion: "", creationTimestamp: "" };
}

function owner(object: KubeObject) {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, uid: object.metadata.uid, controller: true, blockOwnerDeletion: true };
}

function ownedBy(object: KubeObject, parent: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some((ref) => ref.uid === parent.metadata.uid);
}

function templateOf(object: KubeObject): { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } {
  return (object.spec?.template ?? {});
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const eventTime = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

export class KubeCluster {
  readonly store: KubeStore;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly data: KubeClusterData,
    private readonly state: SimulatorState,
  ) {
    this.store = new KubeStore(data, () => state.changed());
  }

  /** An Event about `object`, as the scheduler, kubelet and controllers record them (kubectl describe / get events). */
  private event(object: KubeObject, reason: string, message: string, component: string, host?: string): void {
    const now = eventTime();
    this.store.create("events", {
      apiVersion: "v1",
      kind: "Event",
      metadata: meta(`${object.metadata.name}.${randomBytes(8).toString("hex")}`, object.metadata.namespace),
      involvedObject: { kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name, uid: object.metadata.uid, apiVersion: object.apiVersion, resourceVersion: object.metadata.resourceVersion },
      reason,
      message,
      source: { component, ...(host === undefined ? {} : { host }) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: "Normal",
      eventTime: null,
      reportingComponent: component,
      reportingInstance: host ?? "",
    });
  }

  /** Remembers when a pod was created to the millisecond, so it starts exactly podStartupMs later. */
  pendingSince(pod: KubeObject): void {
    (this.data.podCreatedAt ??= {})[pod.metadata.uid] = Date.now();
  }

  get nodes(): KubeObject[] {
    return this.store.list("nodes");
  }

  /** What AKS has created by the time the create operation succeeds. */
  bootstrap(): void {
    const { network } = this.data;
    const vmss = `aks-${network.poolName}-${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}-vmss`;
    for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      this.store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: meta(name, undefined, { "kubernetes.io/metadata.name": name }), spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
    }
    const names: string[] = [];
    for (let i = 0; i < network.nodeCount; i += 1) {
      const name = `${vmss}${i.toString(36).padStart(6, "0")}`;
      names.push(name);
      const podCidr = nodePodCidr(network, i);
      this.store.create("nodes", {
        apiVersion: "v1",
        kind: "Node",
        metadata: meta(name, undefined, {
          agentpool: network.poolName,
          "kubernetes.azure.com/agentpool": network.poolName,
          "kubernetes.azure.com/mode": "system",
          "kubernetes.io/arch": "amd64",
          "kubernetes.io/hostname": name,
          "kubernetes.io/os": "linux",
          "kubernetes.io/role": "agent",
          "node.kubernetes.io/instance-type": "Standard_D4ds_v5",
        }),
        spec: { providerID: `azure:///subscriptions/sim/resourceGroups/mc/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines/${i}`, ...(podCidr === null ? {} : { podCIDR: podCidr, podCIDRs: [podCidr] }) },
        status: {
          addresses: [
            { type: "InternalIP", address: nodeIp(network, i) },
            { type: "Hostname", address: name },
          ],
          allocatable: { cpu: "3860m", memory: "12880780Ki", pods: String(network.maxPods) },
          capacity: { cpu: "4", memory: "16351116Ki", pods: String(network.maxPods) },
          conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" }],
          nodeInfo: {
            architecture: "amd64",
            containerRuntimeVersion: "containerd://1.7.27-1",
            kernelVersion: "5.15.0-1089-azure",
            kubeProxyVersion: `v${network.kubernetesVersion}`,
            kubeletVersion: `v${network.kubernetesVersion}`,
            operatingSystem: "linux",
            osImage: "Ubuntu 22.04.5 LTS",
          },
        },
      });
    }
    reserveNodeIps(this.data, names);
    const daemonSets = ["kube-proxy", "cloud-node-manager", "csi-azuredisk-node", "csi-azurefile-node", "azure-ip-masq-agent"];
    if (network.mode !== "kubenet") daemonSets.push("azure-cns");
    if (network.networkPolicy === "calico") daemonSets.push("calico-node");
    for (const name of daemonSets) this.createWorkload(DS, "DaemonSet", "kube-system", name, null, true);
    const deployments: [string, number, string][] = [
      ["coredns", 2, "kube-dns"],
      ["coredns-autoscaler", 1, "coredns-autoscaler"],
      ["metrics-server", 2, "metrics-server"],
      ["konnectivity-agent", 2, "konnectivity-agent"],
    ];
    if (network.networkPolicy === "calico") deployments.push(["calico-kube-controllers", 1, "calico-kube-controllers"]);
    for (const [name, replicas, app] of deployments) this.createWorkload(DEPLOY, "Deployment", "kube-system", name, replicas, false, app);
    this.createService("default", { apiVersion: "v1", kind: "Service", metadata: meta("kubernetes", "default", { component: "apiserver", provider: "kubernetes" }), spec: { type: "ClusterIP", clusterIP: firstServiceIp(network), ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 443 }] } });
    this.createService("kube-system", { apiVersion: "v1", kind: "Service", metadata: meta("kube-dns", "kube-system", { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" }), spec: { type: "ClusterIP", clusterIP: network.dnsServiceIP, selector: { "k8s-app": "kube-dns" }, ports: [{ name: "dns", port: 53, protocol: "UDP", targetPort: 53 }, { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 }] } });
    this.createService("kube-system", { apiVersion: "v1", kind: "Service", metadata: meta("metrics-server", "kube-system", { "k8s-app": "metrics-server" }), spec: { type: "ClusterIP", selector: { "k8s-app": "metrics-server" }, ports: [{ port: 443, protocol: "TCP", targetPort: 4443 }] } });
    this.reconcile();
  }

  private createWorkload(key: string, kind: string, namespace: string, name: string, replicas: number | null, hostNetwork: boolean, app = name): void {
    const labels = { "k8s-app": app };
    this.store.create(key, {
      apiVersion: "apps/v1",
      kind,
      metadata: meta(name, namespace, { ...labels, "kubernetes.azure.com/managedby": "aks" }),
      spec: {
        ...(replicas === null ? {} : { replicas }),
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { ...(hostNetwork ? { hostNetwork: true } : {}), containers: [{ name, image: `mcr.microsoft.com/oss/kubernetes/${name}:v${this.data.network.kubernetesVersion}` }] } },
      },
      status: {},
    });
  }

  /** A Service as the API server admits it: a ClusterIP (and node ports) allocated unless given. */
  createService(namespace: string, body: KubeObject): KubeObject {
    const spec = { ...(body.spec ?? {}) } as Record<string, unknown> & { type?: string; clusterIP?: string; ports?: Record<string, unknown>[] };
    spec.type ??= "ClusterIP";
    if (spec.clusterIP === undefined || spec.clusterIP === "") {
      const used = new Set(this.store.list(SVC).map((s) => String(s.spec?.clusterIP)));
      used.add(firstServiceIp(this.data.network));
      spec.clusterIP = randomServiceIp(this.data.network, used);
    }
    if (spec.clusterIP !== "None") spec.clusterIPs = [spec.clusterIP];
    spec.ipFamilies = ["IPv4"];
    spec.ipFamilyPolicy = "SingleStack";
    spec.sessionAffinity ??= "None";
    spec.internalTrafficPolicy ??= "Cluster";
    const usedPorts = new Set(this.store.list(SVC).flatMap((s) => ((s.spec?.ports as { nodePort?: number }[] | undefined) ?? []).map((p) => p.nodePort)));
    spec.ports = (spec.ports ?? []).map((port) => {
      const withDefaults: Record<string, unknown> = { protocol: "TCP", targetPort: port.port, ...port };
      if ((spec.type === "LoadBalancer" || spec.type === "NodePort") && port.nodePort === undefined) {
        let nodePort = 30000 + Math.floor(Math.random() * 2768);
        while (usedPorts.has(nodePort)) nodePort = 30000 + Math.floor(Math.random() * 2768);
        usedPorts.add(nodePort);
        withDefaults.nodePort = nodePort;
      }
      return withDefaults;
    });
    if (spec.type === "LoadBalancer") spec.externalTrafficPolicy ??= "Cluster";
    const created = this.store.create(SVC, { ...body, apiVersion: "v1", kind: "Service", metadata: { ...body.metadata, namespace }, spec, status: { loadBalancer: {} } });
    this.scheduleReconcile(0);
    return created;
  }

  /** Runs the controllers until nothing changes, then arms a timer for the next pod that becomes ready. */
  reconcile(): void {
    for (let pass = 0; pass < 5; pass += 1) {
      const before = this.data.resourceVersion;
      this.deployments();
      this.replicaSets();
      this.daemonSets();
      this.kubelet();
      this.workloadStatus();
      this.services();
      if (this.data.resourceVersion === before) break;
    }
  }

  private scheduleReconcile(delayMs: number): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.reconcile();
    }, delayMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.store.closeWatchers();
  }

  private deployments(): void {
    for (const deployment of this.store.list(DEPLOY)) {
      const template = templateOf(deployment);
      const owned = this.store.list(RS, deployment.metadata.namespace).filter((rs) => ownedBy(rs, deployment));
      const replicas = Number(deployment.spec?.replicas ?? 1);
      const current = owned.find((rs) => sameJson(templateOf(rs).spec, template.spec));
      if (current === undefined) {
        const hash = suffix(10);
        const labels = { ...template.metadata?.labels, "pod-template-hash": hash };
        const created = this.store.create(RS, {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          metadata: { ...meta(`${deployment.metadata.name}-${hash}`, deployment.metadata.namespace, labels), ownerReferences: [owner(deployment)], annotations: { "deployment.kubernetes.io/revision": String(owned.length + 1) } },
          spec: { replicas, selector: { matchLabels: { ...(deployment.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels, "pod-template-hash": hash } }, template: { ...template, metadata: { ...template.metadata, labels } } },
          status: { replicas: 0 },
        });
        this.event(deployment, "ScalingReplicaSet", `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`, "deployment-controller");
      } else if (Number(current.spec?.replicas) !== replicas) {
        this.store.update(RS, { ...current, spec: { ...current.spec, replicas } });
      }
      // A rollout replaces old ReplicaSets at once (no surge modelled).
      for (const old of owned.filter((rs) => rs !== current && current !== undefined && Number(rs.spec?.replicas) !== 0)) {
        this.store.update(RS, { ...old, spec: { ...old.spec, replicas: 0 } });
      }
    }
  }

  private leastLoadedNode(): string {
    const counts = new Map(this.nodes.map((node) => [node.metadata.name, 0]));
    for (const pod of this.store.list(PODS)) {
      const name = String(pod.spec?.nodeName);
      if (counts.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => a[1] - b[1])[0]?.[0] ?? "";
  }

  private createPod(parent: KubeObject, name: string, nodeName: string): void {
    const template = templateOf(parent);
    const pod = this.store.create(PODS, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { ...meta(name, parent.metadata.namespace, { ...template.metadata?.labels }), generateName: `${parent.metadata.name}-`, ownerReferences: [owner(parent)] },
      spec: { ...template.spec, nodeName, restartPolicy: "Always", schedulerName: "default-scheduler", serviceAccountName: "default" },
      status: { phase: "Pending", qosClass: "BestEffort" },
    });
    this.pendingSince(pod);
    this.event(parent, "SuccessfulCreate", `Created pod: ${name}`, parent.kind === "DaemonSet" ? "daemonset-controller" : "replicaset-controller");
    this.event(pod, "Scheduled", `Successfully assigned ${String(pod.metadata.namespace)}/${name} to ${nodeName}`, "default-scheduler");
  }

  private replicaSets(): void {
    for (const rs of this.store.list(RS)) {
      const pods = this.store.list(PODS, rs.metadata.namespace).filter((pod) => ownedBy(pod, rs));
      const want = Number(rs.spec?.replicas ?? 1);
      for (let i = pods.length; i < want; i += 1) this.createPod(rs, `${rs.metadata.name}-${suffix(5)}`, this.leastLoadedNode());
      for (const extra of pods.slice(want)) this.deletePod(extra);
    }
  }

  private daemonSets(): void {
    for (const ds of this.store.list(DS)) {
      const pods = this.store.list(PODS, ds.metadata.namespace).filter((pod) => ownedBy(pod, ds));
      for (const node of this.nodes) {
        if (!pods.some((pod) => pod.spec?.nodeName === node.metadata.name)) this.createPod(ds, `${ds.metadata.name}-${suffix(5)}`, node.metadata.name);
      }
    }
  }

  deletePod(pod: KubeObject): void {
    const ip = pod.status?.podIP;
    if (typeof ip === "string" && pod.spec?.hostNetwork !== true) releasePodIp(this.data, String(pod.spec?.nodeName), ip);
    if (this.data.podCreatedAt !== undefined) delete this.data.podCreatedAt[pod.metadata.uid];
    this.store.remove(PODS, pod.metadata.namespace, pod.metadata.name);
  }

  private kubelet(): void {
    const now = Date.now();
    let next: number | null = null;
    for (const pod of this.store.list(PODS)) {
      if (pod.status?.phase !== "Pending") continue;
      const due = (this.data.podCreatedAt?.[pod.metadata.uid] ?? Date.parse(pod.metadata.creationTimestamp)) + this.state.config.podStartupMs;
      if (due > now) {
        next = next === null ? due : Math.min(next, due);
        continue;
      }
      const nodeName = String(pod.spec?.nodeName);
      const node = this.store.get("nodes", undefined, nodeName);
      const hostIp = (node?.status?.addresses as { type: string; address: string }[] | undefined)?.find((a) => a.type === "InternalIP")?.address;
      const ip = pod.spec?.hostNetwork === true ? hostIp : takePodIp(this.data, nodeName);
      if (ip === null || ip === undefined) continue;
      if (this.data.podCreatedAt !== undefined) delete this.data.podCreatedAt[pod.metadata.uid];
      const started = new Date(now).toISOString().replace(/\.\d+Z$/, "Z");
      const containers = (pod.spec?.containers as { name: string; image: string }[] | undefined) ?? [];
      for (const container of containers) {
        this.event(pod, "Pulled", `Container image "${container.image}" already present on machine`, "kubelet", nodeName);
        this.event(pod, "Created", `Created container: ${container.name}`, "kubelet", nodeName);
        this.event(pod, "Started", `Started container ${container.name}`, "kubelet", nodeName);
      }
      this.store.update(PODS, {
        ...pod,
        status: {
          phase: "Running",
          conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({ type, status: "True", lastTransitionTime: started })),
          hostIP: hostIp,
          hostIPs: [{ ip: hostIp }],
          podIP: ip,
          podIPs: [{ ip }],
          startTime: started,
          qosClass: "BestEffort",
          containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: "", ready: true, started: true, restartCount: 0, state: { running: { startedAt: started } } })),
        },
      });
    }
    if (next !== null) this.scheduleReconcile(Math.max(1, next - now));
  }

  private running(pods: KubeObject[]): number {
    return pods.filter((pod) => pod.status?.phase === "Running").length;
  }

  private setStatus(key: string, object: KubeObject, status: Record<string, unknown>): void {
    if (!sameJson(object.status, status)) this.store.update(key, { ...object, status });
  }

  private workloadStatus(): void {
    for (const rs of this.store.list(RS)) {
      const pods = this.store.list(PODS, rs.metadata.namespace).filter((pod) => ownedBy(pod, rs));
      const ready = this.running(pods);
      this.setStatus(RS, rs, { replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 });
    }
    for (const deployment of this.store.list(DEPLOY)) {
      const sets = this.store.list(RS, deployment.metadata.namespace).filter((rs) => ownedBy(rs, deployment));
      const sum = (field: string) => sets.reduce((total, rs) => total + Number(rs.status?.[field] ?? 0), 0);
      const replicas = sum("replicas");
      const ready = sum("readyReplicas");
      this.setStatus(DEPLOY, deployment, { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: ready, availableReplicas: ready, ...(replicas - ready > 0 ? { unavailableReplicas: replicas - ready } : {}) });
    }
    for (const ds of this.store.list(DS)) {
      const pods = this.store.list(PODS, ds.metadata.namespace).filter((pod) => ownedBy(pod, ds));
      const ready = this.running(pods);
      this.setStatus(DS, ds, { desiredNumberScheduled: this.nodes.length, currentNumberScheduled: pods.length, numberReady: ready, updatedNumberScheduled: pods.length, numberAvailable: ready, numberMisscheduled: 0, observedGeneration: 1 });
    }
  }

  private services(): void {
    const podIps = this.store.list(PODS).map((pod) => pod.status?.podIP).filter((ip): ip is string => typeof ip === "string");
    for (const service of this.store.list(SVC)) {
      const annotations = service.metadata.annotations ?? {};
      const ingress = (service.status?.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress ?? [];
      if (service.spec?.type === "LoadBalancer" && ingress.length === 0) {
        const ip = loadBalancerIp(
          this.data,
          {
            internal: annotations[`${annotationPrefix}internal`] === "true",
            subnetName: annotations[`${annotationPrefix}internal-subnet`],
            requestedIp: annotations[`${annotationPrefix}ipv4`] ?? (service.spec.loadBalancerIP as string | undefined),
          },
          this.nodes.length,
          podIps,
        );
        if (ip !== null) this.setStatus(SVC, service, { loadBalancer: { ingress: [{ ip, ipMode: "VIP" }] } });
      }
      this.endpoints(service);
    }
  }

  private endpoints(service: KubeObject): void {
    const selector = service.spec?.selector as Record<string, string> | undefined;
    const namespace = service.metadata.namespace;
    const name = service.metadata.name;
    const ports = ((service.spec?.ports as { name?: string; port: number; targetPort?: unknown; protocol?: string }[] | undefined) ?? []).map((p) => ({
      ...(p.name === undefined ? {} : { name: p.name }),
      port: typeof p.targetPort === "number" ? p.targetPort : p.port,
      protocol: p.protocol ?? "TCP",
    }));
    const pods =
      selector === undefined
        ? []
        : this.store
            .list(PODS, namespace)
            .filter((pod) => pod.status?.phase === "Running" && Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v));
    const addresses =
      name === "kubernetes" && namespace === "default"
        ? [{ ip: "127.0.0.1" }]
        : pods.map((pod) => ({ ip: String(pod.status?.podIP), nodeName: String(pod.spec?.nodeName), targetRef: { kind: "Pod", namespace, name: pod.metadata.name, uid: pod.metadata.uid } }));
    if (selector === undefined && !(name === "kubernetes" && namespace === "default")) return;
    const subsets = addresses.length === 0 ? [] : [{ addresses, ports }];
    const existing = this.store.get("endpoints", namespace, name);
    if (existing === undefined)
      this.store.create("endpoints", { apiVersion: "v1", kind: "Endpoints", metadata: meta(name, namespace, service.metadata.labels), subsets });
    else if (!sameJson(existing.subsets, subsets)) this.store.update("endpoints", { ...existing, subsets });
    const slices = this.store.list("endpointslices.discovery.k8s.io", namespace).filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === name);
    const endpoints = addresses.map((a) => ({ addresses: [a.ip], conditions: { ready: true, serving: true, terminating: false }, ...("nodeName" in a ? { nodeName: a.nodeName, targetRef: a.targetRef } : {}) }));
    const slice = slices[0];
    if (slice === undefined)
      this.store.create("endpointslices.discovery.k8s.io", { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { ...meta(`${name}-${suffix(5)}`, namespace, { "kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" }), ownerReferences: [owner(service)] }, addressType: "IPv4", endpoints, ports });
    else if (!sameJson(slice.endpoints, endpoints)) this.store.update("endpointslices.discovery.k8s.io", { ...slice, endpoints });
  }

  /** Deleting an owner takes what it owns with it (background propagation, as kubectl asks by default). */
  cascadeDelete(object: KubeObject): void {
    for (const key of [RS, PODS, "endpointslices.discovery.k8s.io"]) {
      for (const child of this.store.list(key, object.metadata.namespace).filter((candidate) => ownedBy(candidate, object))) {
        if (key === PODS) this.deletePod(child);
        else {
          this.store.remove(key, child.metadata.namespace, child.metadata.name);
          this.cascadeDelete(child);
        }
      }
    }
    if (object.kind === "Service") {
      this.store.remove("endpoints", object.metadata.namespace, object.metadata.name);
      const ip = ((object.status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress ?? [])[0]?.ip;
      if (ip !== undefined) this.data.loadBalancerIps = this.data.loadBalancerIps.filter((used) => used !== ip);
    }
  }

  deleteNamespace(name: string): void {
    for (const key of Object.keys(this.data.objects)) {
      for (const object of this.store.list(key, name)) {
        if (key === PODS) this.deletePod(object);
        else this.store.remove(key, name, object.metadata.name);
      }
    }
    const lbIps = new Set(this.store.list(SVC).flatMap((s) => ((s.status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress ?? []).map((i) => i.ip)));
    this.data.loadBalancerIps = this.data.loadBalancerIps.filter((ip) => lbIps.has(ip));
  }
}
