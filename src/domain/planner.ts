/**
 * Validation and IP planning, before any Azure call. Pure: a request in, either every violated rule or an IP plan out.
 */
import type { z } from "zod";
import {
  clusterRequestSchema,
  maxPodsLimits,
  networkModes,
  type ClusterRequest,
  type NetworkMode,
  type NetworkPolicy,
} from "./clusterRequest.js";
import { azureReservedPerSubnet, contains, overlaps, parseCidr, parseIp, type Cidr } from "./cidr.js";

export interface Violation {
  path: string;
  code: string;
  message: string;
}

export interface SubnetPlan {
  role: "node" | "pod";
  name: string;
  cidr: string;
  size: number;
  reserved: typeof azureReservedPerSubnet;
  usable: number;
  consumedNow: number;
  consumedAtSurge: number;
  /** usable − consumedAtSurge */
  free: number;
  /** Extra nodes that would still fit, at upgrade surge. */
  headroomNodes: number;
}

export interface IpPlan {
  mode: NetworkMode;
  podIpSource: "pod-subnet" | "node-subnet" | "pod-cidr";
  subnets: SubnetPlan[];
  podCidr: { cidr: string; size: number; perNodePrefixLength: 24 | null; maxNodes: number } | null;
  serviceCidr: string;
  dnsServiceIp: string;
  vnetAddressesConsumedNow: number;
  vnetAddressesConsumedAtSurge: number;
  /** Checks skipped because the request did not describe an existing VNet's address space. */
  deferredChecks: string[];
}

export type PlanResult = { ok: true; request: ClusterRequest; plan: IpPlan } | { ok: false; violations: Violation[] };

/** Ranges AKS refuses for the service CIDR. */
const reservedServiceRanges = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"];
const minimumSubnetPrefix = 29;
const kubenetMaxNodes = 400;
const podBlock = 16;

/** What the network rules need, built from a parsed request or, leniently, from raw input that failed the schema. */
interface NetworkView {
  mode: NetworkMode;
  vnetPrefixes: string[] | null;
  nodeSubnet: { name: string; addressPrefix: string } | null;
  podSubnet: { name: string; addressPrefix: string } | null;
  podSubnetGiven: boolean;
  serviceCidr: string | null;
  dnsServiceIp: string | null;
  podCidr: string | null;
  podCidrExplicitlyNull: boolean;
  networkPolicy: NetworkPolicy | null;
  count: number | null;
  maxPods: number | null;
  maxSurge: number | null;
}

const nodesAtSurge = (view: { count: number | null; maxSurge: number | null }) =>
  (view.count ?? 0) + (view.maxSurge ?? 0);

export function podBlockPerNode(maxPods: number): number {
  return Math.ceil(maxPods / podBlock) * podBlock;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    const container = record(value) ?? (Array.isArray(value) ? (value as unknown as Record<string, unknown>) : null);
    if (container === null) return undefined;
    value = container[String(key)];
  }
  return value;
}

function zodViolations(error: z.ZodError, raw: unknown): Violation[] {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      const params = (issue as { params?: { code?: unknown } }).params;
      let code = typeof params?.code === "string" ? params.code : "invalid-value";
      let message = issue.message;
      switch (issue.code) {
        case "invalid_type": {
          const missing = valueAt(raw, issue.path) === undefined;
          code = missing ? "required" : "invalid-type";
          message = missing ? `${path || "body"} is required` : `${path || "body"} must be ${issue.expected}`;
          break;
        }
        case "unrecognized_keys":
          return issue.keys.map((key) => ({
            path: [path, key].filter((part) => part !== "").join("."),
            code: "unknown-field",
            message: `'${key}' is not a field of the ClusterRequest`,
          }));
        case "invalid_value":
          code = "invalid-enum";
          message = `${path} must be one of ${issue.values.map(String).join(", ")}`;
          break;
        case "too_small":
        case "too_big":
          code = "out-of-range";
          break;
        case "invalid_format":
          code = "invalid-format";
          break;
        default:
          break;
      }
      return { path, code, message };
    })
    .flat();
}

// --- lenient view of raw input, so network rules are reported alongside schema violations ---

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
const str = (value: unknown) => (typeof value === "string" ? value : null);
const int = (value: unknown) => (typeof value === "number" && Number.isInteger(value) ? value : null);
function subnetOf(value: unknown): { name: string; addressPrefix: string } | null {
  const subnet = record(value);
  const prefix = str(subnet?.addressPrefix);
  return prefix === null ? null : { name: str(subnet?.name) ?? "", addressPrefix: prefix };
}

function viewFromRaw(raw: unknown): NetworkView | null {
  const root = record(raw);
  const network = record(root?.network);
  const mode = networkModes.find((candidate) => candidate === network?.mode);
  if (network === null || mode === undefined) {
    return null;
  }
  const vnet = record(network.vnet);
  const prefixes = Array.isArray(vnet?.addressPrefixes)
    ? vnet.addressPrefixes.filter((p): p is string => typeof p === "string")
    : null;
  const pool = record(root?.nodePool);
  const usesPodCidr = mode === "kubenet" || mode === "overlay";
  const podCidrRaw = network.podCidr;
  const policy = str(network.networkPolicy);
  return {
    mode,
    vnetPrefixes: prefixes,
    nodeSubnet: subnetOf(network.nodeSubnet),
    podSubnet: subnetOf(network.podSubnet),
    podSubnetGiven: network.podSubnet !== undefined && network.podSubnet !== null,
    serviceCidr: network.serviceCidr === undefined ? "10.0.0.0/16" : str(network.serviceCidr),
    dnsServiceIp: network.dnsServiceIp === undefined ? "10.0.0.10" : str(network.dnsServiceIp),
    podCidr: podCidrRaw === undefined ? (usesPodCidr ? "10.244.0.0/16" : null) : str(podCidrRaw),
    podCidrExplicitlyNull: podCidrRaw === null,
    networkPolicy:
      policy === "none" || policy === "calico" || policy === "azure" || policy === "cilium" ? policy : null,
    count: pool?.count === undefined ? 3 : int(pool.count),
    maxPods: pool?.maxPods === undefined ? maxPodsLimits[mode].default : int(pool.maxPods),
    maxSurge: pool?.maxSurge === undefined ? 1 : int(pool.maxSurge),
  };
}

function viewFromRequest(request: ClusterRequest, raw: unknown): NetworkView {
  const network = record(record(raw)?.network);
  const vnet = request.network.vnet;
  return {
    mode: request.network.mode,
    vnetPrefixes: vnet.existing && vnet.addressPrefixes.length === 0 ? null : vnet.addressPrefixes,
    nodeSubnet: request.network.nodeSubnet,
    podSubnet: request.network.podSubnet,
    podSubnetGiven: request.network.podSubnet !== null,
    serviceCidr: request.network.serviceCidr,
    dnsServiceIp: request.network.dnsServiceIp,
    podCidr: request.network.podCidr,
    podCidrExplicitlyNull: network?.podCidr === null,
    networkPolicy: request.network.networkPolicy,
    count: request.nodePool.count,
    maxPods: request.nodePool.maxPods,
    maxSurge: request.nodePool.maxSurge,
  };
}

// --- the rules ---

interface Parsed {
  vnet: { path: string; cidr: Cidr }[];
  node: Cidr | null;
  pod: Cidr | null;
  service: Cidr | null;
  podCidr: Cidr | null;
}

function parseInto(violations: Violation[], path: string, text: string | null): Cidr | null {
  if (text === null) return null;
  const parsed = parseCidr(text);
  if (parsed.ok) return parsed.cidr;
  if (parsed.reason === "ipv6") {
    violations.push({
      path,
      code: "ipv6-not-supported",
      message: `${text} is IPv6; only IPv4 networks are supported for now`,
    });
  } else if (parsed.reason === "host-bits-set") {
    violations.push({
      path,
      code: "cidr-not-network-address",
      message: `${text} has host bits set; did you mean ${parsed.canonical}?`,
    });
  } else {
    violations.push({ path, code: "invalid-cidr", message: `'${text}' is not an IPv4 CIDR such as 10.240.0.0/16` });
  }
  return null;
}

function networkRules(view: NetworkView, deferred: string[]): { violations: Violation[]; parsed: Parsed } {
  const v: Violation[] = [];
  const mode = view.mode;
  const usesPodCidr = mode === "kubenet" || mode === "overlay";

  // Presence rules per mode.
  if (mode === "pod-subnet" && !view.podSubnetGiven) {
    v.push({
      path: "network.podSubnet",
      code: "pod-subnet-required",
      message: "pod-subnet mode needs a podSubnet for pod IPs",
    });
  }
  if (mode !== "pod-subnet" && view.podSubnetGiven) {
    v.push({
      path: "network.podSubnet",
      code: "pod-subnet-not-allowed",
      message: `${mode} mode does not use a pod subnet; remove podSubnet`,
    });
  }
  if (!usesPodCidr && view.podCidr !== null) {
    v.push({
      path: "network.podCidr",
      code: "pod-cidr-not-allowed",
      message: `podCidr is only for kubenet and overlay; ${mode} pods take VNet IPs`,
    });
  }
  if (usesPodCidr && view.podCidrExplicitlyNull) {
    v.push({ path: "network.podCidr", code: "pod-cidr-required", message: `${mode} mode needs a podCidr` });
  }
  if (view.networkPolicy === "azure" && mode === "kubenet") {
    v.push({
      path: "network.networkPolicy",
      code: "network-policy-not-supported",
      message: "Azure network policy needs Azure CNI; use calico with kubenet",
    });
  }
  if (view.networkPolicy === "cilium" && mode !== "overlay" && mode !== "pod-subnet") {
    v.push({
      path: "network.networkPolicy",
      code: "network-policy-not-supported",
      message: "Cilium needs overlay or pod-subnet mode",
    });
  }
  const limits = maxPodsLimits[mode];
  if (view.maxPods !== null && (view.maxPods < limits.min || view.maxPods > limits.max)) {
    v.push({
      path: "nodePool.maxPods",
      code: "max-pods-out-of-range",
      message: `maxPods must be ${limits.min}-${limits.max} in ${mode} mode`,
    });
  }

  // Parse every range.
  const parsed: Parsed = {
    vnet: [],
    node: parseInto(v, "network.nodeSubnet.addressPrefix", view.nodeSubnet?.addressPrefix ?? null),
    pod: view.podSubnetGiven
      ? parseInto(v, "network.podSubnet.addressPrefix", view.podSubnet?.addressPrefix ?? null)
      : null,
    service: parseInto(v, "network.serviceCidr", view.serviceCidr),
    podCidr: usesPodCidr ? parseInto(v, "network.podCidr", view.podCidr) : null,
  };
  (view.vnetPrefixes ?? []).forEach((text, i) => {
    const path = `network.vnet.addressPrefixes.${i}`;
    const cidr = parseInto(v, path, text);
    if (cidr !== null) parsed.vnet.push({ path, cidr });
  });

  // VNet address space.
  parsed.vnet.forEach((a, i) =>
    parsed.vnet.slice(i + 1).forEach((b) => {
      if (overlaps(a.cidr, b.cidr)) {
        v.push({ path: b.path, code: "ranges-overlap", message: `VNet prefix ${b.cidr.text} overlaps ${a.cidr.text}` });
      }
    }),
  );
  const subnets = [
    { path: "network.nodeSubnet.addressPrefix", label: "node subnet", cidr: parsed.node },
    { path: "network.podSubnet.addressPrefix", label: "pod subnet", cidr: parsed.pod },
  ].filter((s): s is { path: string; label: string; cidr: Cidr } => s.cidr !== null);
  if (view.vnetPrefixes === null) {
    deferred.push("subnet-outside-vnet", "service-cidr-overlaps-network (VNet)", "pod-cidr-overlaps-network (VNet)");
  } else {
    for (const subnet of subnets) {
      if (parsed.vnet.length > 0 && !parsed.vnet.some((prefix) => contains(prefix.cidr, subnet.cidr))) {
        v.push({
          path: subnet.path,
          code: "subnet-outside-vnet",
          message: `${subnet.label} ${subnet.cidr.text} is not inside the VNet (${parsed.vnet.map((p) => p.cidr.text).join(", ")})`,
        });
      }
    }
  }
  if (parsed.node !== null && parsed.pod !== null && overlaps(parsed.node, parsed.pod)) {
    v.push({
      path: "network.podSubnet.addressPrefix",
      code: "ranges-overlap",
      message: `pod subnet ${parsed.pod.text} overlaps node subnet ${parsed.node.text}`,
    });
  }

  // Service CIDR and DNS IP.
  const networkRanges = [
    ...parsed.vnet.map((p) => ({ label: `VNet ${p.cidr.text}`, cidr: p.cidr })),
    ...subnets.map((s) => ({ label: `${s.label} ${s.cidr.text}`, cidr: s.cidr })),
  ];
  if (parsed.service !== null) {
    const service = parsed.service;
    const hit = networkRanges.find((range) => overlaps(range.cidr, service));
    if (hit !== undefined) {
      v.push({
        path: "network.serviceCidr",
        code: "service-cidr-overlaps-network",
        message: `service CIDR ${service.text} overlaps ${hit.label}; AKS rejects this (ServiceCidrOverlapExistingSubnetsCidr)`,
      });
    }
    const reserved = reservedServiceRanges
      .map((text) => parseCidr(text))
      .find((r) => r.ok && overlaps(r.cidr, service));
    if (reserved?.ok) {
      v.push({
        path: "network.serviceCidr",
        code: "service-cidr-reserved-range",
        message: `service CIDR ${service.text} overlaps ${reserved.cidr.text}, which AKS reserves`,
      });
    }
    if (view.dnsServiceIp !== null) {
      const dns = parseIp(view.dnsServiceIp);
      if (!dns.ok) {
        v.push({
          path: "network.dnsServiceIp",
          code: dns.reason === "ipv6" ? "ipv6-not-supported" : "invalid-ip",
          message: `'${view.dnsServiceIp}' is not an IPv4 address`,
        });
      } else if (dns.value < service.first || dns.value > service.last) {
        v.push({
          path: "network.dnsServiceIp",
          code: "dns-ip-outside-service-cidr",
          message: `DNS service IP ${dns.text} is not inside service CIDR ${service.text}`,
        });
      } else if (dns.value === service.first) {
        v.push({
          path: "network.dnsServiceIp",
          code: "dns-ip-is-network-address",
          message: `${dns.text} is the network address of ${service.text}; use e.g. the .10 address`,
        });
      } else if (dns.value === service.last) {
        v.push({
          path: "network.dnsServiceIp",
          code: "dns-ip-is-broadcast-address",
          message: `${dns.text} is the broadcast address of ${service.text}`,
        });
      } else if (dns.value === service.first + 1n) {
        v.push({
          path: "network.dnsServiceIp",
          code: "dns-ip-conflicts-api-server",
          message: `${dns.text} is taken by the Kubernetes API service; use e.g. the .10 address`,
        });
      }
    }
  } else if (view.dnsServiceIp !== null && !parseIp(view.dnsServiceIp).ok) {
    v.push({
      path: "network.dnsServiceIp",
      code: "invalid-ip",
      message: `'${view.dnsServiceIp}' is not an IPv4 address`,
    });
  }

  // Pod CIDR (kubenet, overlay).
  if (parsed.podCidr !== null) {
    const podCidr = parsed.podCidr;
    const hit = [
      ...networkRanges,
      ...(parsed.service === null ? [] : [{ label: `service CIDR ${parsed.service.text}`, cidr: parsed.service }]),
    ].find((range) => overlaps(range.cidr, podCidr));
    if (hit !== undefined) {
      v.push({
        path: "network.podCidr",
        code: "pod-cidr-overlaps-network",
        message: `pod CIDR ${podCidr.text} overlaps ${hit.label}`,
      });
    }
  }

  // Sizes.
  const nodes = nodesAtSurge(view);
  for (const subnet of subnets) {
    if (subnet.cidr.prefixLength > minimumSubnetPrefix) {
      v.push({
        path: subnet.path,
        code: "subnet-too-small",
        message: `${subnet.label} ${subnet.cidr.text} is smaller than /29, the smallest subnet Azure allows`,
      });
    }
  }
  if (view.count !== null && view.maxSurge !== null && view.maxPods !== null) {
    if (parsed.node !== null && parsed.node.prefixLength <= minimumSubnetPrefix) {
      const need = mode === "node-subnet" ? nodes * (view.maxPods + 1) : nodes;
      const usable = parsed.node.size - azureReservedPerSubnet;
      if (need > usable) {
        const how =
          mode === "node-subnet"
            ? `(${view.count}+${view.maxSurge} surge) nodes × (maxPods ${view.maxPods} + 1)`
            : `${view.count}+${view.maxSurge} surge nodes`;
        v.push({
          path: "network.nodeSubnet.addressPrefix",
          code: "subnet-too-small",
          message: `node subnet ${parsed.node.text} has ${usable} usable addresses; ${how} need ${need}`,
        });
      }
    }
    if (mode === "pod-subnet" && parsed.pod !== null && parsed.pod.prefixLength <= minimumSubnetPrefix) {
      const need = nodes * podBlockPerNode(view.maxPods);
      const usable = parsed.pod.size - azureReservedPerSubnet;
      if (need > usable) {
        v.push({
          path: "network.podSubnet.addressPrefix",
          code: "subnet-too-small",
          message: `pod subnet ${parsed.pod.text} has ${usable} usable addresses; ${nodes} nodes × ${podBlockPerNode(view.maxPods)} (blocks of 16 for maxPods ${view.maxPods}) need ${need}`,
        });
      }
    }
    if (mode === "kubenet" && nodes > kubenetMaxNodes) {
      v.push({
        path: "nodePool.count",
        code: "too-many-nodes-for-kubenet",
        message: `kubenet supports at most ${kubenetMaxNodes} nodes; ${nodes} at surge`,
      });
    }
    if (parsed.podCidr !== null) {
      const maxNodes = parsed.podCidr.prefixLength > 24 ? 0 : 2 ** (24 - parsed.podCidr.prefixLength);
      if (nodes > maxNodes) {
        v.push({
          path: "network.podCidr",
          code: "pod-cidr-too-small",
          message: `pod CIDR ${parsed.podCidr.text} holds ${maxNodes} per-node /24 ranges; ${nodes} nodes at surge need ${nodes}`,
        });
      }
    }
  }
  return { violations: v, parsed };
}

function subnetPlan(
  role: SubnetPlan["role"],
  name: string,
  cidr: Cidr,
  perNode: number,
  count: number,
  nodes: number,
): SubnetPlan {
  const usable = cidr.size - azureReservedPerSubnet;
  const consumedAtSurge = nodes * perNode;
  const free = usable - consumedAtSurge;
  return {
    role,
    name,
    cidr: cidr.text,
    size: cidr.size,
    reserved: azureReservedPerSubnet,
    usable,
    consumedNow: count * perNode,
    consumedAtSurge,
    free,
    headroomNodes: Math.max(0, Math.floor(free / perNode)),
  };
}

function buildPlan(request: ClusterRequest, parsed: Parsed, deferredChecks: string[]): IpPlan {
  const { mode } = request.network;
  const { count, maxPods } = request.nodePool;
  const nodes = nodesAtSurge(request.nodePool);
  const subnets: SubnetPlan[] = [];
  if (parsed.node !== null) {
    subnets.push(
      subnetPlan(
        "node",
        request.network.nodeSubnet.name,
        parsed.node,
        mode === "node-subnet" ? maxPods + 1 : 1,
        count,
        nodes,
      ),
    );
  }
  if (mode === "pod-subnet" && parsed.pod !== null && request.network.podSubnet !== null) {
    subnets.push(subnetPlan("pod", request.network.podSubnet.name, parsed.pod, podBlockPerNode(maxPods), count, nodes));
  }
  const reserved = subnets.length * azureReservedPerSubnet;
  return {
    mode,
    podIpSource: mode === "pod-subnet" ? "pod-subnet" : mode === "node-subnet" ? "node-subnet" : "pod-cidr",
    subnets,
    podCidr:
      parsed.podCidr === null
        ? null
        : {
            cidr: parsed.podCidr.text,
            size: parsed.podCidr.size,
            perNodePrefixLength: 24,
            maxNodes: parsed.podCidr.prefixLength > 24 ? 0 : 2 ** (24 - parsed.podCidr.prefixLength),
          },
    serviceCidr: request.network.serviceCidr,
    dnsServiceIp: request.network.dnsServiceIp,
    vnetAddressesConsumedNow: subnets.reduce((sum, s) => sum + s.consumedNow, reserved),
    vnetAddressesConsumedAtSurge: subnets.reduce((sum, s) => sum + s.consumedAtSurge, reserved),
    deferredChecks,
  };
}

/** Every violated rule at once, or the plan. Never throws, whatever the input. */
export function planCluster(input: unknown): PlanResult {
  const parsedRequest = clusterRequestSchema.safeParse(input);
  const deferred: string[] = [];
  if (!parsedRequest.success) {
    const schemaViolations = zodViolations(parsedRequest.error, input);
    const view = viewFromRaw(input);
    const networkViolations = view === null ? [] : networkRules(view, deferred).violations;
    const seen = new Set(schemaViolations.map((violation) => violation.path));
    // A field the schema already rejected is not reported twice.
    return {
      ok: false,
      violations: [...schemaViolations, ...networkViolations.filter((violation) => !seen.has(violation.path))],
    };
  }
  const request = parsedRequest.data;
  const { violations, parsed } = networkRules(viewFromRequest(request, input), deferred);
  if (violations.length > 0) {
    return { ok: false, violations };
  }
  return { ok: true, request, plan: buildPlan(request, parsed, deferred) };
}
