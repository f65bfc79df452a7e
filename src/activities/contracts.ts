/**
 * The activity names and their input/output shapes: the only thing orchestrators know about activities.
 * Everything here is plain JSON, because it travels through Durable Functions history.
 */
import type { NetworkMode } from "../domain/clusterRequest.js";
import type { StepFailure } from "../domain/stepResults.js";

export const activityNames = {
  ensureResourceGroup: "ensureResourceGroup",
  ensureNetwork: "ensureNetwork",
  ensureManagedIdentity: "ensureManagedIdentity",
  ensureFeatureRegistered: "ensureFeatureRegistered",
  getFeatureState: "getFeatureState",
  registerProvider: "registerProvider",
  ensureRoleAssignment: "ensureRoleAssignment",
  beginCreateCluster: "beginCreateCluster",
  getClusterState: "getClusterState",
  checkRoleAssignments: "checkRoleAssignments",
  ensureRouteTableAssociation: "ensureRouteTableAssociation",
  observeClusterIps: "observeClusterIps",
  deployDemoWorkload: "deployDemoWorkload",
  observeDemoWorkload: "observeDemoWorkload",
  removeDemoWorkload: "removeDemoWorkload",
  beginDeleteCluster: "beginDeleteCluster",
  beginDeleteResourceGroup: "beginDeleteResourceGroup",
  getDeletionState: "getDeletionState",
} as const;

export type ActivityName = (typeof activityNames)[keyof typeof activityNames];

export type { RoleCheck, StepFailure } from "../domain/stepResults.js";

/** Permanent failures come back as values so the orchestrator can report the ARM code; transient ones are thrown and retried. */
export type ActivityResult<T> = { ok: true; value: T } | { ok: false; error: StepFailure };

export interface ResourceGroupInput {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
}
export interface ResourceGroupOutput {
  id: string;
  created: boolean;
}

export interface SubnetSpec {
  name: string;
  addressPrefix: string;
}
export interface NetworkInput {
  subscriptionId: string;
  location: string;
  vnet: { name: string; resourceGroup: string; addressPrefixes: string[]; existing: boolean };
  nodeSubnet: SubnetSpec;
  podSubnet: SubnetSpec | null;
  tags: Record<string, string>;
}
export interface NetworkOutput {
  vnetId: string;
  nodeSubnetId: string;
  podSubnetId: string | null;
  /** The VNet's real address space (matters for an existing VNet the request did not describe). */
  addressPrefixes: string[];
  created: string[];
}

export interface IdentityInput {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  name: string;
  tags: Record<string, string>;
}
export interface IdentityOutput {
  id: string;
  principalId: string;
  clientId: string;
  created: boolean;
}

export interface FeatureInput {
  subscriptionId: string;
  /** "Microsoft.ContainerService/PodSubnetPreview" */
  feature: string;
}
/** `NotNeeded`: the flag no longer exists because the capability went GA. */
export type FeatureState =
  "Registered" | "Registering" | "Pending" | "NotRegistered" | "Unregistering" | "Unregistered" | "NotNeeded";
export interface FeatureOutput {
  feature: string;
  state: FeatureState;
}
export interface ProviderInput {
  subscriptionId: string;
  namespace: string;
}
export interface ProviderOutput {
  namespace: string;
  registrationState: string;
}

export interface RoleAssignmentInput {
  subscriptionId: string;
  scope: string;
  principalId: string;
  roleDefinitionGuid: string;
}
export interface RoleAssignmentOutput {
  id: string;
  created: boolean;
}

export interface ClusterSpecInput {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  clusterName: string;
  dnsPrefix: string;
  kubernetesVersion: string | null;
  mode: NetworkMode;
  nodeSubnetId: string;
  podSubnetId: string | null;
  serviceCidr: string;
  dnsServiceIp: string;
  podCidr: string | null;
  networkPolicy: "none" | "calico" | "azure" | "cilium";
  nodePool: { name: string; vmSize: string; count: number; maxPods: number; maxSurge: number };
  identityId: string;
  nodeResourceGroup: string;
  tags: Record<string, string>;
}
export interface ClusterRef {
  subscriptionId: string;
  resourceGroup: string;
  clusterName: string;
}
export interface ClusterStateInput extends ClusterRef {
  /** The Azure-AsyncOperation URL of the running create, when this run started it. */
  operationUrl: string | null;
}
export interface ClusterState {
  /** Creating, Updating, Succeeded, Failed, Canceled, Deleting, or NotFound. */
  provisioningState: string;
  /** AKS's own progress text (e.g. "CreatingAgentPools: 0/1 nodes completed") when the operation reports one. */
  phase: string | null;
  clusterId: string | null;
  nodeResourceGroup: string | null;
  kubernetesVersion: string | null;
  error: StepFailure | null;
}
export interface BeginCreateClusterOutput {
  operationUrl: string | null;
  /** True when a cluster with this spec already existed, so nothing was sent. */
  alreadyExisted: boolean;
  state: ClusterState;
}

export interface RoleCheckInput {
  subscriptionId: string;
  checks: { role: string; roleDefinitionGuid: string; scope: string; principalId: string }[];
}
export interface RouteTableInput {
  subscriptionId: string;
  vnetResourceGroup: string;
  vnetName: string;
  subnetName: string;
  nodeResourceGroup: string;
}
export interface RouteTableOutput {
  routeTableId: string | null;
  /** `associated`: it was missing and this run attached it (the classic kubenet-in-existing-VNet bug). */
  action: "already-associated" | "associated" | "not-found";
}

export interface ObservedNode {
  name: string;
  internalIp: string | null;
}
export interface ObservedPod {
  namespace: string;
  name: string;
  ip: string | null;
  hostNetwork: boolean;
  phase: string;
  ownerKind: string | null;
  nodeName: string | null;
}
export interface ClusterIpsOutput {
  nodes: ObservedNode[];
  pods: ObservedPod[];
}

export interface DemoWorkloadInput extends ClusterRef {
  /** Subnet name for the internal load balancer (the node subnet's). */
  loadBalancerSubnet: string;
}
export interface DemoWorkloadOutput {
  pods: ObservedPod[];
  loadBalancerIp: string | null;
}

export interface DeletionInput extends ClusterRef {
  scope: "cluster" | "resourceGroup";
}
export interface DeletionState {
  /** `Gone` once the cluster (or the resource group) no longer exists. */
  state: "Deleting" | "Gone";
}
