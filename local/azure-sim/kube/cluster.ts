/**
 * One simulated cluster: its store plus the controllers a real cluster runs, reduced to what shows in kubectl —
 * Deployment → ReplicaSet → Pods, DaemonSet → one Pod per node, the scheduler (round-robin over nodes), the kubelet
 * (Pending → Running after podStartupMs, IP from the node's reservation), Service ClusterIPs and load balancers,
 * Endpoints and EndpointSlices. The bootstrap objects are those AKS creates (nodes, system namespaces and workloads,
 * the `kubernetes` and `kube-dns` services).
 */
import type { SimulatorState } from "../state.js";
import type { KubeClusterData, KubeObject } from "./model.js";
import { suffix } from "./names.js";
import {
  firstServiceIp,
  isDualStack,
  podIpV6,
  randomServiceIp,
  randomServiceIpV6,
  releasePodIp,
  takePodIp,
} from "./network.js";
import { KubeStore } from "./store.js";
import { bootstrapCluster } from "./bootstrap.js";
import { pruneEvents, recordEvent } from "./events.js";
import { syncServices } from "./services.js";
import { meta, owner, ownedBy, sameJson, templateOf } from "./objects.js";

const PODS = "pods";
const RS = "replicasets.apps";
const DEPLOY = "deployments.apps";
const DS = "daemonsets.apps";
const SVC = "services";

export class KubeCluster {
  readonly store: KubeStore;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly data: KubeClusterData,
    private readonly state: SimulatorState,
  ) {
    this.store = new KubeStore(data, () => state.changed());
  }

  private event(object: KubeObject, reason: string, message: string, component: string, host?: string): void {
    recordEvent(this.store, object, reason, message, component, host);
  }

  /** Remembers when a pod was created to the millisecond, so it starts exactly podStartupMs later. */
  pendingSince(pod: KubeObject): void {
    (this.data.podCreatedAt ??= {})[pod.metadata.uid] = Date.now();
  }

  get nodes(): KubeObject[] {
    return this.store.list("nodes");
  }

  /** What AKS has created by the time the create operation succeeds (bootstrap.ts). */
  bootstrap(): void {
    bootstrapCluster(this);
    this.reconcile();
  }

  /** A Service as the API server admits it: a ClusterIP (and node ports) allocated unless given. */
  createService(namespace: string, body: KubeObject): KubeObject {
    const spec = { ...(body.spec ?? {}) } as Record<string, unknown> & {
      type?: string;
      clusterIP?: string;
      ports?: Record<string, unknown>[];
    };
    spec.type ??= "ClusterIP";
    if (spec.clusterIP === undefined || spec.clusterIP === "") {
      const used = new Set(this.store.list(SVC).map((s) => String(s.spec?.clusterIP)));
      used.add(firstServiceIp(this.data.network));
      spec.clusterIP = randomServiceIp(this.data.network, used);
    }
    if (spec.clusterIP !== "None") spec.clusterIPs = [spec.clusterIP];
    Object.assign(spec, this.serviceFamilies(spec));
    spec.sessionAffinity ??= "None";
    spec.internalTrafficPolicy ??= "Cluster";
    const usedPorts = new Set(
      this.store
        .list(SVC)
        .flatMap((s) => ((s.spec?.ports as { nodePort?: number }[] | undefined) ?? []).map((p) => p.nodePort)),
    );
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
    const created = this.store.create(SVC, {
      ...body,
      apiVersion: "v1",
      kind: "Service",
      metadata: { ...body.metadata, namespace },
      spec,
      status: { loadBalancer: {} },
    });
    this.scheduleReconcile(0);
    return created;
  }

  /**
   * The API server's dual-stack allocation: a service asking PreferDualStack or RequireDualStack on a dual-stack
   * cluster gets a ClusterIP per family (IPv4 first unless its ipFamilies say otherwise); everything else stays
   * SingleStack IPv4, as on a single-stack cluster.
   */
  private serviceFamilies(spec: Record<string, unknown>): Record<string, unknown> {
    const policy = spec.ipFamilyPolicy;
    const wantsDual = policy === "PreferDualStack" || policy === "RequireDualStack";
    const clusterIP = String(spec.clusterIP);
    if (!wantsDual || !isDualStack(this.data.network) || clusterIP === "None") {
      return { ipFamilies: ["IPv4"], ipFamilyPolicy: wantsDual && clusterIP === "None" ? policy : "SingleStack" };
    }
    const used = new Set(this.store.list(SVC).flatMap((s) => (s.spec?.clusterIPs as string[] | undefined) ?? []));
    const v6 = randomServiceIpV6(this.data.network, used);
    if (v6 === null) return { ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" };
    const v6First = Array.isArray(spec.ipFamilies) && spec.ipFamilies[0] === "IPv6";
    return {
      ipFamilyPolicy: policy,
      ipFamilies: v6First ? ["IPv6", "IPv4"] : ["IPv4", "IPv6"],
      clusterIP: v6First ? v6 : clusterIP,
      clusterIPs: v6First ? [v6, clusterIP] : [clusterIP, v6],
    };
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
    pruneEvents(this.store);
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
          metadata: {
            ...meta(`${deployment.metadata.name}-${hash}`, deployment.metadata.namespace, labels),
            ownerReferences: [owner(deployment)],
            annotations: { "deployment.kubernetes.io/revision": String(owned.length + 1) },
          },
          spec: {
            replicas,
            selector: {
              matchLabels: {
                ...(deployment.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels,
                "pod-template-hash": hash,
              },
            },
            template: { ...template, metadata: { ...template.metadata, labels } },
          },
          status: { replicas: 0 },
        });
        this.event(
          deployment,
          "ScalingReplicaSet",
          `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`,
          "deployment-controller",
        );
      } else if (Number(current.spec?.replicas) !== replicas) {
        this.store.update(RS, { ...current, spec: { ...current.spec, replicas } });
      }
      // A rollout replaces old ReplicaSets at once (no surge modelled).
      for (const old of owned.filter(
        (rs) => rs !== current && current !== undefined && Number(rs.spec?.replicas) !== 0,
      )) {
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
      metadata: {
        ...meta(name, parent.metadata.namespace, { ...template.metadata?.labels }),
        generateName: `${parent.metadata.name}-`,
        ownerReferences: [owner(parent)],
      },
      spec: {
        ...template.spec,
        nodeName,
        restartPolicy: "Always",
        schedulerName: "default-scheduler",
        serviceAccountName: "default",
      },
      status: { phase: "Pending", qosClass: "BestEffort" },
    });
    this.pendingSince(pod);
    this.event(
      parent,
      "SuccessfulCreate",
      `Created pod: ${name}`,
      parent.kind === "DaemonSet" ? "daemonset-controller" : "replicaset-controller",
    );
    this.event(
      pod,
      "Scheduled",
      `Successfully assigned ${String(pod.metadata.namespace)}/${name} to ${nodeName}`,
      "default-scheduler",
    );
  }

  private replicaSets(): void {
    for (const rs of this.store.list(RS)) {
      const pods = this.store.list(PODS, rs.metadata.namespace).filter((pod) => ownedBy(pod, rs));
      const want = Number(rs.spec?.replicas ?? 1);
      for (let i = pods.length; i < want; i += 1)
        this.createPod(rs, `${rs.metadata.name}-${suffix(5)}`, this.leastLoadedNode());
      for (const extra of pods.slice(want)) this.deletePod(extra);
    }
  }

  private daemonSets(): void {
    for (const ds of this.store.list(DS)) {
      const pods = this.store.list(PODS, ds.metadata.namespace).filter((pod) => ownedBy(pod, ds));
      for (const node of this.nodes) {
        if (!pods.some((pod) => pod.spec?.nodeName === node.metadata.name))
          this.createPod(ds, `${ds.metadata.name}-${suffix(5)}`, node.metadata.name);
      }
    }
  }

  deletePod(pod: KubeObject): void {
    const ip = pod.status?.podIP;
    if (typeof ip === "string" && pod.spec?.hostNetwork !== true)
      releasePodIp(this.data, String(pod.spec?.nodeName), ip);
    if (this.data.podCreatedAt !== undefined) delete this.data.podCreatedAt[pod.metadata.uid];
    this.store.remove(PODS, pod.metadata.namespace, pod.metadata.name);
  }

  private kubelet(): void {
    const now = Date.now();
    let next: number | null = null;
    for (const pod of this.store.list(PODS)) {
      if (pod.status?.phase !== "Pending") continue;
      const due =
        (this.data.podCreatedAt?.[pod.metadata.uid] ?? Date.parse(pod.metadata.creationTimestamp)) +
        this.state.config.podStartupMs;
      if (due > now) {
        next = next === null ? due : Math.min(next, due);
        continue;
      }
      const nodeName = String(pod.spec?.nodeName);
      const node = this.store.get("nodes", undefined, nodeName);
      const hostIps = ((node?.status?.addresses as { type: string; address: string }[] | undefined) ?? [])
        .filter((a) => a.type === "InternalIP")
        .map((a) => a.address);
      const hostIp = hostIps[0];
      const ip = pod.spec?.hostNetwork === true ? hostIp : takePodIp(this.data, nodeName);
      if (ip === null || ip === undefined) continue;
      // Dual-stack: a hostNetwork pod has its node's addresses, any other pod one per family from its node's ranges.
      const nodeCidrV6 = (node?.spec?.podCIDRs as string[] | undefined)?.[1];
      const podIps =
        pod.spec?.hostNetwork === true ? hostIps : [ip, ...(nodeCidrV6 === undefined ? [] : [podIpV6(nodeCidrV6, ip)])];
      if (this.data.podCreatedAt !== undefined) delete this.data.podCreatedAt[pod.metadata.uid];
      const started = new Date(now).toISOString().replace(/\.\d+Z$/, "Z");
      const containers = (pod.spec?.containers as { name: string; image: string }[] | undefined) ?? [];
      for (const container of containers) {
        this.event(
          pod,
          "Pulled",
          `Container image "${container.image}" already present on machine`,
          "kubelet",
          nodeName,
        );
        this.event(pod, "Created", `Created container: ${container.name}`, "kubelet", nodeName);
        this.event(pod, "Started", `Started container ${container.name}`, "kubelet", nodeName);
      }
      this.store.update(PODS, {
        ...pod,
        status: {
          phase: "Running",
          conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({
            type,
            status: "True",
            lastTransitionTime: started,
          })),
          hostIP: hostIp,
          hostIPs: hostIps.map((address) => ({ ip: address })),
          podIP: ip,
          podIPs: podIps.map((address) => ({ ip: address })),
          startTime: started,
          qosClass: "BestEffort",
          containerStatuses: containers.map((c) => ({
            name: c.name,
            image: c.image,
            imageID: "",
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: started } },
          })),
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
      this.setStatus(RS, rs, {
        replicas: pods.length,
        fullyLabeledReplicas: pods.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: 1,
      });
    }
    for (const deployment of this.store.list(DEPLOY)) {
      const sets = this.store.list(RS, deployment.metadata.namespace).filter((rs) => ownedBy(rs, deployment));
      const sum = (field: string) => sets.reduce((total, rs) => total + Number(rs.status?.[field] ?? 0), 0);
      const replicas = sum("replicas");
      const ready = sum("readyReplicas");
      this.setStatus(DEPLOY, deployment, {
        observedGeneration: 1,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(replicas - ready > 0 ? { unavailableReplicas: replicas - ready } : {}),
      });
    }
    for (const ds of this.store.list(DS)) {
      const pods = this.store.list(PODS, ds.metadata.namespace).filter((pod) => ownedBy(pod, ds));
      const ready = this.running(pods);
      this.setStatus(DS, ds, {
        desiredNumberScheduled: this.nodes.length,
        currentNumberScheduled: pods.length,
        numberReady: ready,
        updatedNumberScheduled: pods.length,
        numberAvailable: ready,
        numberMisscheduled: 0,
        observedGeneration: 1,
      });
    }
  }

  private services(): void {
    syncServices(this.store, this.data, this.nodes.length);
  }

  /** Deleting an owner takes what it owns with it (background propagation, as kubectl asks by default). */
  cascadeDelete(object: KubeObject): void {
    for (const key of [RS, PODS, "endpointslices.discovery.k8s.io"]) {
      for (const child of this.store
        .list(key, object.metadata.namespace)
        .filter((candidate) => ownedBy(candidate, object))) {
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
    const lbIps = new Set(
      this.store
        .list(SVC)
        .flatMap((s) =>
          ((s.status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress ?? []).map((i) => i.ip),
        ),
    );
    this.data.loadBalancerIps = this.data.loadBalancerIps.filter((ip) => lbIps.has(ip));
  }
}
