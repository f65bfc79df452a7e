/**
 * Every request default, in one place. The normaliser applies them once; the planner's messages, the plan and the
 * provisioned cluster all see the same values. A value the caller gave always wins, even when a rule rejects it.
 */
import type {
  Dataplane,
  NatGatewaySku,
  NetworkMode,
  NetworkPolicy,
  OutboundType,
  PodIpAllocation,
} from "./networkModes.js";

export const requestDefaults = {
  // AKS's own default from Kubernetes 1.30 (azure-rest-api-specs#30845); sent explicitly so it never drifts.
  mode: "overlay" as NetworkMode,
  dataplane: "azure" as Dataplane,
  networkPolicy: "none" as NetworkPolicy,
  podIpAllocation: "dynamic" as PodIpAllocation,
  outboundType: "loadBalancer" as OutboundType,
  // Standard is offered in every region; StandardV2 is asked for.
  natGatewaySku: "Standard" as NatGatewaySku,
  serviceCidr: "10.0.0.0/16",
  dnsServiceIp: "10.0.0.10",
  podCidr: "10.244.0.0/16",
  // AKS's documented dual-stack defaults (aks-docs configure-dual-stack.md).
  podCidrV6: "fd12:3456:789a::/64",
  serviceCidrV6: "fd12:3456:789a:1::/108",
  nodePool: { name: "system", vmSize: "Standard_D2s_v5", count: 3, maxSurge: 1 },
  userPoolMode: "User" as const,
  identityName: (clusterName: string) => `id-${clusterName}`.slice(0, 128),
  dnsPrefix: (clusterName: string) => clusterName.replace(/_/g, "-"),
  natGatewayName: (clusterName: string) => `ng-${clusterName}`.slice(0, 80),
  routeTableName: (clusterName: string) => `rt-${clusterName}`.slice(0, 80),
} as const;
