/**
 * meta.k8s.io/v1 Table responses: kubectl asks for them on every `get` and prints the server's columns, so the
 * columns (and which are -o wide only, priority 1) are the API server's printers for each kind.
 */
import type { KubeObject } from "./model.js";
import { humanDuration } from "./names.js";

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
}

const col = (name: string, priority = 0, type = "string"): Column => ({
  name,
  type,
  format: name === "Name" ? "name" : "",
  description: name,
  priority,
});

type Cells = (object: KubeObject, now: number) => unknown[];

const age = (object: KubeObject, now: number) => humanDuration(now - Date.parse(object.metadata.creationTimestamp));
const none = (value: unknown) => (value === undefined || value === null || value === "" ? "<none>" : value);

function podReady(pod: KubeObject): string {
  const containers = ((pod.spec?.containers as unknown[]) ?? []).length;
  const ready = pod.status?.phase === "Running" ? containers : 0;
  return `${ready}/${containers}`;
}

function servicePorts(service: KubeObject): string {
  const ports = (service.spec?.ports as { port: number; protocol?: string; nodePort?: number }[] | undefined) ?? [];
  if (ports.length === 0) return "<none>";
  return ports
    .map((p) => `${p.port}${p.nodePort === undefined ? "" : `:${p.nodePort}`}/${p.protocol ?? "TCP"}`)
    .join(",");
}

function externalIp(service: KubeObject): string {
  const type = service.spec?.type;
  const ingress = ((service.status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress ?? [])
    .map((entry) => entry.ip)
    .filter((ip) => ip !== undefined);
  if (type === "LoadBalancer") return ingress.length > 0 ? ingress.join(",") : "<pending>";
  return "<none>";
}

function selectorText(selector: unknown): string {
  const labels =
    (selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ??
    (selector as Record<string, string> | undefined);
  if (labels === undefined || Object.keys(labels).length === 0) return "<none>";
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function containersOf(object: KubeObject): { name: string; image: string }[] {
  const template = object.spec?.template as { spec?: { containers?: { name: string; image: string }[] } } | undefined;
  return template?.spec?.containers ?? [];
}

const workloadWide: [Column[], Cells] = [
  [col("Containers", 1), col("Images", 1), col("Selector", 1)],
  (o) => [
    containersOf(o)
      .map((c) => c.name)
      .join(","),
    containersOf(o)
      .map((c) => c.image)
      .join(","),
    selectorText(o.spec?.selector),
  ],
];

const printers: Record<string, [Column[], Cells]> = {
  Node: [
    [
      col("Name"),
      col("Status"),
      col("Roles"),
      col("Age"),
      col("Version"),
      col("Internal-IP", 1),
      col("External-IP", 1),
      col("OS-Image", 1),
      col("Kernel-Version", 1),
      col("Container-Runtime", 1),
    ],
    (o, now) => {
      const info = (o.status?.nodeInfo ?? {}) as Record<string, string>;
      const addresses = (o.status?.addresses as { type: string; address: string }[] | undefined) ?? [];
      const ready = ((o.status?.conditions as { type: string; status: string }[] | undefined) ?? []).find(
        (c) => c.type === "Ready",
      );
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((label) => label.startsWith("node-role.kubernetes.io/"))
        .map((label) => label.slice("node-role.kubernetes.io/".length));
      return [
        o.metadata.name,
        ready?.status === "True" ? "Ready" : "NotReady",
        roles.length > 0 ? roles.join(",") : "<none>",
        age(o, now),
        info.kubeletVersion,
        none(addresses.find((a) => a.type === "InternalIP")?.address),
        none(addresses.find((a) => a.type === "ExternalIP")?.address),
        info.osImage,
        info.kernelVersion,
        info.containerRuntimeVersion,
      ];
    },
  ],
  Pod: [
    [
      col("Name"),
      col("Ready"),
      col("Status"),
      col("Restarts", 0, "string"),
      col("Age"),
      col("IP", 1),
      col("Node", 1),
      col("Nominated Node", 1),
      col("Readiness Gates", 1),
    ],
    (o, now) => [
      o.metadata.name,
      podReady(o),
      o.metadata.deletionTimestamp === undefined
        ? o.status?.phase === "Pending"
          ? "ContainerCreating"
          : o.status?.phase
        : "Terminating",
      "0",
      age(o, now),
      none(o.status?.podIP),
      none(o.spec?.nodeName),
      "<none>",
      "<none>",
    ],
  ],
  Service: [
    [col("Name"), col("Type"), col("Cluster-IP"), col("External-IP"), col("Port(s)"), col("Age"), col("Selector", 1)],
    (o, now) => [
      o.metadata.name,
      o.spec?.type ?? "ClusterIP",
      none(o.spec?.clusterIP),
      externalIp(o),
      servicePorts(o),
      age(o, now),
      selectorText(o.spec?.selector),
    ],
  ],
  Namespace: [
    [col("Name"), col("Status"), col("Age")],
    (o, now) => [o.metadata.name, o.status?.phase ?? "Active", age(o, now)],
  ],
  Deployment: [
    [
      col("Name"),
      col("Ready"),
      col("Up-to-date", 0, "integer"),
      col("Available", 0, "integer"),
      col("Age"),
      ...workloadWide[0],
    ],
    (o, now) => [
      o.metadata.name,
      `${Number(o.status?.readyReplicas ?? 0)}/${Number(o.spec?.replicas ?? 1)}`,
      Number(o.status?.updatedReplicas ?? 0),
      Number(o.status?.availableReplicas ?? 0),
      age(o, now),
      ...workloadWide[1](o, now),
    ],
  ],
  ReplicaSet: [
    [
      col("Name"),
      col("Desired", 0, "integer"),
      col("Current", 0, "integer"),
      col("Ready", 0, "integer"),
      col("Age"),
      ...workloadWide[0],
    ],
    (o, now) => [
      o.metadata.name,
      Number(o.spec?.replicas ?? 0),
      Number(o.status?.replicas ?? 0),
      Number(o.status?.readyReplicas ?? 0),
      age(o, now),
      ...workloadWide[1](o, now),
    ],
  ],
  DaemonSet: [
    [
      col("Name"),
      col("Desired", 0, "integer"),
      col("Current", 0, "integer"),
      col("Ready", 0, "integer"),
      col("Up-to-date", 0, "integer"),
      col("Available", 0, "integer"),
      col("Node Selector"),
      col("Age"),
      ...workloadWide[0],
    ],
    (o, now) => {
      const s = (o.status ?? {}) as Record<string, number>;
      const nodeSelector = (o.spec?.template as { spec?: { nodeSelector?: Record<string, string> } } | undefined)?.spec
        ?.nodeSelector;
      return [
        o.metadata.name,
        s.desiredNumberScheduled ?? 0,
        s.currentNumberScheduled ?? 0,
        s.numberReady ?? 0,
        s.updatedNumberScheduled ?? 0,
        s.numberAvailable ?? 0,
        selectorText(nodeSelector),
        age(o, now),
        ...workloadWide[1](o, now),
      ];
    },
  ],
  StatefulSet: [
    [col("Name"), col("Ready"), col("Age")],
    (o, now) => [o.metadata.name, `0/${Number(o.spec?.replicas ?? 1)}`, age(o, now)],
  ],
  Endpoints: [
    [col("Name"), col("Endpoints"), col("Age")],
    (o, now) => {
      const subsets = (o.subsets as { addresses?: { ip: string }[]; ports?: { port: number }[] }[] | undefined) ?? [];
      const list = subsets.flatMap((s) =>
        (s.addresses ?? []).flatMap((a) => (s.ports ?? [{ port: 0 }]).map((p) => `${a.ip}:${p.port}`)),
      );
      return [
        o.metadata.name,
        list.length === 0
          ? "<none>"
          : list.length > 3
            ? `${list.slice(0, 3).join(",")} + ${list.length - 3} more...`
            : list.join(","),
        age(o, now),
      ];
    },
  ],
  EndpointSlice: [
    [col("Name"), col("AddressType"), col("Ports"), col("Endpoints"), col("Age")],
    (o, now) => {
      const ports = (o.ports as { port: number }[] | undefined) ?? [];
      const endpoints = ((o.endpoints as { addresses: string[] }[] | undefined) ?? []).flatMap((e) => e.addresses);
      return [
        o.metadata.name,
        o.addressType,
        ports.length === 0 ? "<unset>" : ports.map((p) => p.port).join(","),
        endpoints.length === 0
          ? "<unset>"
          : endpoints.slice(0, 3).join(",") + (endpoints.length > 3 ? ` + ${endpoints.length - 3} more...` : ""),
        age(o, now),
      ];
    },
  ],
  Event: [
    [col("Last Seen"), col("Type"), col("Reason"), col("Object"), col("Message")],
    (o, now) => {
      const involved = (o.involvedObject ?? {}) as { kind?: string; name?: string };
      return [
        humanDuration(
          now - Date.parse(typeof o.lastTimestamp === "string" ? o.lastTimestamp : o.metadata.creationTimestamp),
        ),
        o.type,
        o.reason,
        `${String(involved.kind ?? "").toLowerCase()}/${involved.name ?? ""}`,
        o.message,
      ];
    },
  ],
};

const fallback: [Column[], Cells] = [[col("Name"), col("Age")], (o, now) => [o.metadata.name, age(o, now)]];

export function table(
  kind: string,
  objects: KubeObject[],
  resourceVersion: string,
  includeObject: "None" | "Metadata" | "Object",
  withColumns = true,
): Record<string, unknown> {
  const [columns, cells] = printers[kind] ?? fallback;
  const now = Date.now();
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: withColumns ? columns : [],
    rows: objects.map((object) => ({
      cells: cells(object, now),
      ...(includeObject === "None"
        ? {}
        : {
            object:
              includeObject === "Object"
                ? object
                : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata },
          }),
    })),
  };
}

/** Which representation the client asked for in Accept (kubectl: Table first, then plain JSON). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? "")
    .split(",")
    .some((part) => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part) && /v=v1(;|$|\s)/.test(part + ";"));
}
