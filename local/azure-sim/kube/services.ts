/**
 * The service side of a cluster: load balancer frontends (the Azure cloud provider: internal ones on the next free
 * address of their subnet, honouring the subnet and IP annotations) and the Endpoints / EndpointSlices the endpoint
 * controllers keep in step with the ready pods a Service selects.
 */
import type { KubeClusterData, KubeObject } from "./model.js";
import { loadBalancerIp } from "./network.js";
import { meta, owner, sameJson } from "./objects.js";
import { suffix } from "./names.js";
import type { KubeStore } from "./store.js";

const PODS = "pods";
const SVC = "services";
const annotationPrefix = "service.beta.kubernetes.io/azure-load-balancer-";

function setStatus(store: KubeStore, key: string, object: KubeObject, status: Record<string, unknown>): void {
  if (!sameJson(object.status, status)) store.update(key, { ...object, status });
}

export function syncServices(store: KubeStore, data: KubeClusterData, nodeCount: number): void {
  const podIps = store
    .list(PODS)
    .map((pod) => pod.status?.podIP)
    .filter((ip): ip is string => typeof ip === "string");
  for (const service of store.list(SVC)) {
    const annotations = service.metadata.annotations ?? {};
    const ingress = (service.status?.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress ?? [];
    if (service.spec?.type === "LoadBalancer" && ingress.length === 0) {
      const ip = loadBalancerIp(
        data,
        {
          internal: annotations[`${annotationPrefix}internal`] === "true",
          subnetName: annotations[`${annotationPrefix}internal-subnet`],
          requestedIp: annotations[`${annotationPrefix}ipv4`] ?? (service.spec.loadBalancerIP as string | undefined),
        },
        nodeCount,
        podIps,
      );
      if (ip !== null) setStatus(store, SVC, service, { loadBalancer: { ingress: [{ ip, ipMode: "VIP" }] } });
    }
    endpoints(store, service);
  }
}

function endpoints(store: KubeStore, service: KubeObject): void {
  const selector = service.spec?.selector as Record<string, string> | undefined;
  const namespace = service.metadata.namespace;
  const name = service.metadata.name;
  const ports = (
    (service.spec?.ports as { name?: string; port: number; targetPort?: unknown; protocol?: string }[] | undefined) ??
    []
  ).map((p) => ({
    ...(p.name === undefined ? {} : { name: p.name }),
    port: typeof p.targetPort === "number" ? p.targetPort : p.port,
    protocol: p.protocol ?? "TCP",
  }));
  const pods =
    selector === undefined
      ? []
      : store
          .list(PODS, namespace)
          .filter(
            (pod) =>
              pod.status?.phase === "Running" &&
              Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v),
          );
  const addresses =
    name === "kubernetes" && namespace === "default"
      ? [{ ip: "127.0.0.1" }]
      : pods.map((pod) => ({
          ip: String(pod.status?.podIP),
          nodeName: String(pod.spec?.nodeName),
          targetRef: { kind: "Pod", namespace, name: pod.metadata.name, uid: pod.metadata.uid },
        }));
  if (selector === undefined && !(name === "kubernetes" && namespace === "default")) return;
  const subsets = addresses.length === 0 ? [] : [{ addresses, ports }];
  const existing = store.get("endpoints", namespace, name);
  if (existing === undefined)
    store.create("endpoints", {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: meta(name, namespace, service.metadata.labels),
      subsets,
    });
  else if (!sameJson(existing.subsets, subsets)) store.update("endpoints", { ...existing, subsets });
  const slices = store
    .list("endpointslices.discovery.k8s.io", namespace)
    .filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === name);
  const endpoints = addresses.map((a) => ({
    addresses: [a.ip],
    conditions: { ready: true, serving: true, terminating: false },
    ...("nodeName" in a ? { nodeName: a.nodeName, targetRef: a.targetRef } : {}),
  }));
  const slice = slices[0];
  if (slice === undefined)
    store.create("endpointslices.discovery.k8s.io", {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        ...meta(`${name}-${suffix(5)}`, namespace, {
          "kubernetes.io/service-name": name,
          "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        }),
        ownerReferences: [owner(service)],
      },
      addressType: "IPv4",
      endpoints,
      ports,
    });
  else if (!sameJson(slice.endpoints, endpoints))
    store.update("endpointslices.discovery.k8s.io", { ...slice, endpoints });
}
