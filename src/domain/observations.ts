/**
 * What the product observes on a running cluster and in ARM, in plain JSON. Shared by the activities that read it and
 * the pure code that judges it, so it lives here, below both.
 */

export interface ObservedNode {
  name: string;
  internalIp: string | null;
  /** Every InternalIP address: a dual-stack node has one per family. */
  internalIps?: string[];
  /** Kubernetes' Ready condition; null when the node reports none yet. */
  ready?: boolean | null;
  /** The node's agent pool (AKS label kubernetes.azure.com/agentpool), when it carries one. */
  pool?: string;
}

export interface ObservedPod {
  namespace: string;
  name: string;
  ip: string | null;
  /** status.podIPs: a dual-stack pod has one per family. */
  ips?: string[];
  hostNetwork: boolean;
  phase: string;
  ownerKind: string | null;
  nodeName: string | null;
}

export interface ClusterIps {
  nodes: ObservedNode[];
  pods: ObservedPod[];
}

export type { RoleCheck, StepFailure } from "./statusSchemas.js";
