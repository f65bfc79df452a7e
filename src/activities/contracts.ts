/**
 * The activity names and their input/output shapes: the only thing orchestrators know about activities.
 * Everything here is plain JSON, because it travels through Durable Functions history.
 */
import type { LivePool } from "../domain/changes/subnetRoom.js";
import type { NodePoolSpec, SubnetSpec } from "../domain/clusterRequest.js";
import type {
  Dataplane,
  IpFamilyName,
  NatGatewaySku,
  NetworkMode,
  NetworkPolicy,
  OutboundType,
  PodIpAllocation,
} from "../domain/networkModes.js";
import type { ClusterIps, ObservedPod, RoleCheck, StepFailure } from "../domain/observations.js";
import type { EventDelivery } from "../domain/progress.js";
import type { StatusSummary } from "../domain/statusDocument.js";
import type { CloudEvent } from "../events/cloudEvent.js";

/** Permanent failures come back as values so the orchestrator can report the service's code; transient ones are thrown and retried. */
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

// The request's subnet: dual-stack node subnets carry their IPv6 /64 and are then written with `addressPrefixes`.
export type { SubnetSpec } from "../domain/clusterRequest.js";
export interface NetworkInput {
  /** The run's subscription (the cluster's). */
  subscriptionId: string;
  location: string;
  /**
   * `subscriptionId`: where the VNet lives, which for an existing VNet given by id may be another subscription than
   * the cluster's; the VNet is read and written there only. Absent means the run's subscription.
   */
  vnet: { name: string; resourceGroup: string; addressPrefixes: string[]; existing: boolean; subscriptionId?: string };
  nodeSubnet: SubnetSpec;
  podSubnet: SubnetSpec | null;
  /** Subnets node pools have of their own (node, and pod in pod-subnet mode), created beside the cluster's. */
  poolSubnets?: SubnetSpec[];
  /** API server VNet integration: created delegated to Microsoft.ContainerService/managedClusters. */
  apiServerSubnet: SubnetSpec | null;
  tags: Record<string, string>;
}
export interface NetworkOutput {
  vnetId: string;
  nodeSubnetId: string;
  podSubnetId: string | null;
  apiServerSubnetId: string | null;
  /** The VNet's real address space (matters for an existing VNet the request did not describe). */
  addressPrefixes: string[];
  created: string[];
  /** Every subnet this run ensured (the cluster's and the pools'), id by name as requested. */
  subnetIds?: Record<string, string>;
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
  /** The run's subscription; a scope in another subscription (a VNet there) is written through that one's clients. */
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
  /**
   * Dual-stack only (absent for single-stack, so existing specs and their history keep their shape): both families in
   * ipFamilies order, sent as networkProfile.ipFamilies, podCidrs and serviceCidrs.
   */
  dualStack?: { ipFamilies: IpFamilyName[]; podCidrs: string[]; serviceCidrs: string[] };
  networkPolicy: NetworkPolicy;
  dataplane: Dataplane;
  podIpAllocation: PodIpAllocation;
  nodePool: {
    name: string;
    vmSize: string;
    count: number;
    maxPods: number;
    maxSurge: number;
    /** Autoscaler bounds of the System pool; absent or null when it keeps a fixed count. */
    minCount?: number | null;
    maxCount?: number | null;
  };
  /** The cluster's apiServerAccessProfile; `subnetId` is the delegated API server subnet (VNet integration only). */
  apiServer: ApiServerAccess;
  identityId: string;
  nodeResourceGroup: string;
  tags: Record<string, string>;
  /** AKS's default, loadBalancer, when absent. */
  outboundType?: OutboundType;
}
export interface ApiServerAccess {
  private: boolean;
  vnetIntegration: boolean;
  subnetId: string | null;
  authorizedIpRanges: string[];
}
export interface ClusterRef {
  subscriptionId: string;
  resourceGroup: string;
  clusterName: string;
}
export interface ClusterStateInput extends ClusterRef {
  /** The serialized poller of the create or update this run started (the SDK's own format, for `restorePoller`). */
  pollerState: string | null;
}
export interface AgentPoolState {
  name: string;
  provisioningState: string;
  count: number | null;
}
/** What real AKS tells while a cluster is built: its provisioning state, its agent pools', and the operation's status. */
export interface ClusterState {
  /** Creating, Updating, Succeeded, Failed, Canceled, Deleting, or NotFound. */
  provisioningState: string;
  /** The long-running operation's status as the SDK reads it (running, succeeded, failed, canceled), when this run started one. */
  operationStatus: string | null;
  agentPools: AgentPoolState[];
  clusterId: string | null;
  nodeResourceGroup: string | null;
  kubernetesVersion: string | null;
  error: StepFailure | null;
}
export interface BeginCreateClusterOutput {
  pollerState: string | null;
  /** `unchanged`: the cluster already had this spec (or is being built to it), so nothing was sent. */
  action: "created" | "updated" | "unchanged";
  /** What an update changes in place, e.g. "nodePool.count 3 → 5". */
  changes: string[];
  state: ClusterState;
}

/** One node pool as the agent-pool API builds it: the request's pool without its subnets (sent as ids). */
export type AgentPoolSpec = Omit<NodePoolSpec, "nodeSubnet" | "podSubnet">;
export interface AgentPoolSpecInput extends ClusterRef {
  mode: NetworkMode;
  podIpAllocation: PodIpAllocation;
  kubernetesVersion: string | null;
  pool: AgentPoolSpec;
  nodeSubnetId: string;
  podSubnetId: string | null;
  tags: Record<string, string>;
}
export interface AgentPoolStateInput extends ClusterRef {
  poolName: string;
  /** The serialized poller of the create or update this run started (`restorePoller`), or null. */
  pollerState: string | null;
}
/** What AKS reports for one agent pool while it is built. */
export interface AgentPoolStatus {
  name: string;
  /** Creating, Updating, Succeeded, Failed, Canceled, Deleting, or NotFound. */
  provisioningState: string;
  operationStatus: string | null;
  count: number | null;
  poolId: string | null;
  error: StepFailure | null;
}
export interface BeginAgentPoolOutput {
  pollerState: string | null;
  /** `unchanged`: the pool already had this spec (or is being built to it), so nothing was sent. */
  action: "created" | "updated" | "unchanged";
  /** What an update changes in place, e.g. "count 3 → 5". */
  changes: string[];
  state: AgentPoolStatus;
}

export interface AbortInput extends ClusterRef {
  /** The provisioning id and who canceled, for the audit line. */
  clusterId: string;
  actor: string;
}
/** What cancel's abort of AKS's running operation did; `state` is the provisioning state AKS reported after it. */
export interface AbortOutcome {
  outcome: "aborted" | "nothing-to-abort" | "already-finished" | "failed";
  target: { kind: "cluster" | "agentPool"; name: string } | null;
  state: string;
  message: string | null;
}

export interface RoleCheckInput {
  subscriptionId: string;
  checks: { role: string; roleDefinitionGuid: string; scope: string; principalId: string }[];
}
export interface RouteTableInput {
  subscriptionId: string;
  /** Where the VNet lives when not in the run's subscription (the route table stays in the node resource group). */
  vnetSubscriptionId?: string;
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

export interface SubnetDelegationInput {
  subscriptionId: string;
  subnetId: string;
  /** e.g. Microsoft.ContainerService/managedClusters */
  serviceName: string;
}
export interface SubnetDelegationCheck {
  subnetId: string;
  serviceName: string;
  present: boolean;
  /** Every service the subnet is delegated to, as ARM reports it. */
  delegations: string[];
}

/**
 * A private cluster's API server is reachable only from its VNet, so the product observes it through AKS's run-command
 * API (a pod AKS starts in the cluster runs kubectl). The commands are started at once and read back on durable timers.
 */
export interface ObservationCommands {
  nodes: string;
  pods: string;
}
export interface ClusterObservationInput extends ClusterRef {
  commands: ObservationCommands;
}
/** `running` until both commands have finished; then the same observation the direct Kubernetes API path produces. */
export type ClusterObservation = { state: "running" } | { state: "done"; observed: ClusterIps };

/** An egress resource: one this API creates (deterministic name), or the caller's, referenced by id and only checked. */
export interface EgressResourceRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  existing: boolean;
}
export interface NatGatewayInput {
  location: string;
  natGateway: EgressResourceRef;
  /**
   * The gateway's SKU, which its public IP shares. null: the caller's gateway, whatever its SKU. Absent from runs
   * begun before the request had a SKU: Standard.
   */
  sku?: NatGatewaySku | null;
  /** The static public IP created beside a new NAT gateway (unused for an existing one). */
  publicIpName: string;
  tags: Record<string, string>;
}
export interface NatGatewayOutput {
  natGatewayId: string;
  /** The gateway's public IPs (a created gateway has exactly one, ours). */
  publicIpIds: string[];
  created: string[];
}
export interface EgressRouteTableInput {
  location: string;
  routeTable: EgressResourceRef;
  /** The firewall or NVA the 0.0.0.0/0 route of a created table points at; null when the table is the caller's. */
  nextHopIp: string | null;
  tags: Record<string, string>;
}
export interface EgressRouteTableOutput {
  routeTableId: string;
  /** The 0.0.0.0/0 route's next hop, as the table says: "VirtualAppliance 10.0.100.4". */
  defaultRoute: string;
  created: boolean;
}
export interface SubnetEgressInput {
  subscriptionId: string;
  vnetResourceGroup: string;
  vnetName: string;
  subnetNames: string[];
  /** At most one of the two is set: the subnets get that NAT gateway, or that route table. */
  natGatewayId: string | null;
  routeTableId: string | null;
  /**
   * NAT gateways or route tables a changed egress takes off the subnets, in the same subnet PUT that attaches the new
   * one (so a gateway swap leaves no moment without egress); absent in calls made before changes existed.
   */
  detach?: string[];
}
export interface SubnetEgressOutput {
  /** Subnets this call attached the resource to; the rest already had it. */
  associated: string[];
  alreadyAssociated: string[];
  /** Subnets something of `detach` was taken off. */
  detached?: string[];
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

export interface RecordRunStateInput {
  summary: StatusSummary;
  /** The audit line's action, e.g. `run.succeeded`. */
  action: string;
  /** Who caused the change: the caller who asked for the run (or for its cancel or delete). */
  actor: string;
}
export interface DeliverEventInput {
  event: CloudEvent;
  url: string;
  /** Which stored secret signs the event; null for unsigned events. The secret itself never enters history. */
  secretRef: { clusterId: string; runKey: string } | null;
}
export interface PublishEventInput {
  event: CloudEvent;
}

/**
 * The one map from activity name to its input and output. Activity implementations, their registrations, the
 * orchestrators' call helpers and the tests' scripted activities are all typed from it, so a renamed activity or a
 * changed shape fails the typecheck instead of a run.
 */
export interface ActivityContracts {
  ensureResourceGroup: { input: ResourceGroupInput; output: ResourceGroupOutput };
  ensureNetwork: { input: NetworkInput; output: NetworkOutput };
  ensureManagedIdentity: { input: IdentityInput; output: IdentityOutput };
  ensureFeatureRegistered: { input: FeatureInput; output: FeatureOutput };
  getFeatureState: { input: FeatureInput; output: FeatureOutput };
  registerProvider: { input: ProviderInput; output: ProviderOutput };
  ensureRoleAssignment: { input: RoleAssignmentInput; output: RoleAssignmentOutput };
  beginCreateCluster: { input: ClusterSpecInput; output: BeginCreateClusterOutput };
  getClusterState: { input: ClusterStateInput; output: ClusterState };
  beginCreateAgentPool: { input: AgentPoolSpecInput; output: BeginAgentPoolOutput };
  getAgentPoolState: { input: AgentPoolStateInput; output: AgentPoolStatus };
  readAgentPools: { input: ClusterRef; output: LivePool[] };
  beginDeleteAgentPool: { input: AgentPoolStateInput; output: AgentPoolStatus };
  abortAksOperation: { input: AbortInput; output: AbortOutcome };
  checkRoleAssignments: { input: RoleCheckInput; output: RoleCheck[] };
  ensureRouteTableAssociation: { input: RouteTableInput; output: RouteTableOutput };
  ensureNatGateway: { input: NatGatewayInput; output: NatGatewayOutput };
  ensureEgressRouteTable: { input: EgressRouteTableInput; output: EgressRouteTableOutput };
  ensureSubnetEgress: { input: SubnetEgressInput; output: SubnetEgressOutput };
  observeClusterIps: { input: ClusterRef; output: ClusterIps };
  checkSubnetDelegation: { input: SubnetDelegationInput; output: SubnetDelegationCheck };
  beginClusterObservation: { input: ClusterRef; output: ObservationCommands };
  getClusterObservation: { input: ClusterObservationInput; output: ClusterObservation };
  deployDemoWorkload: { input: DemoWorkloadInput; output: DemoWorkloadOutput };
  observeDemoWorkload: { input: DemoWorkloadInput; output: DemoWorkloadOutput };
  removeDemoWorkload: { input: DemoWorkloadInput; output: DemoWorkloadOutput };
  beginDeleteCluster: { input: DeletionInput; output: DeletionState };
  beginDeleteResourceGroup: { input: DeletionInput; output: DeletionState };
  getDeletionState: { input: DeletionInput; output: DeletionState };
  recordRunState: { input: RecordRunStateInput; output: { recorded: true } };
  deliverEvent: { input: DeliverEventInput; output: EventDelivery };
  publishEvent: { input: PublishEventInput; output: EventDelivery };
}

export type ActivityName = keyof ActivityContracts;
export type ActivityInput<N extends ActivityName> = ActivityContracts[N]["input"];
export type ActivityOutput<N extends ActivityName> = ActivityContracts[N]["output"];

/** What Durable runs: the bodies behind the guard. */
export type Activities = {
  [N in ActivityName]: (input: ActivityInput<N>) => Promise<ActivityResult<ActivityOutput<N>>>;
};

/** Every activity name, checked against the contract map both ways (a missing or extra name fails the typecheck). */
export const activityNames: { [N in ActivityName]: N } = {
  ensureResourceGroup: "ensureResourceGroup",
  ensureNetwork: "ensureNetwork",
  ensureManagedIdentity: "ensureManagedIdentity",
  ensureFeatureRegistered: "ensureFeatureRegistered",
  getFeatureState: "getFeatureState",
  registerProvider: "registerProvider",
  ensureRoleAssignment: "ensureRoleAssignment",
  beginCreateCluster: "beginCreateCluster",
  getClusterState: "getClusterState",
  beginCreateAgentPool: "beginCreateAgentPool",
  getAgentPoolState: "getAgentPoolState",
  readAgentPools: "readAgentPools",
  beginDeleteAgentPool: "beginDeleteAgentPool",
  abortAksOperation: "abortAksOperation",
  checkRoleAssignments: "checkRoleAssignments",
  ensureRouteTableAssociation: "ensureRouteTableAssociation",
  ensureNatGateway: "ensureNatGateway",
  ensureEgressRouteTable: "ensureEgressRouteTable",
  ensureSubnetEgress: "ensureSubnetEgress",
  observeClusterIps: "observeClusterIps",
  checkSubnetDelegation: "checkSubnetDelegation",
  beginClusterObservation: "beginClusterObservation",
  getClusterObservation: "getClusterObservation",
  deployDemoWorkload: "deployDemoWorkload",
  observeDemoWorkload: "observeDemoWorkload",
  removeDemoWorkload: "removeDemoWorkload",
  beginDeleteCluster: "beginDeleteCluster",
  beginDeleteResourceGroup: "beginDeleteResourceGroup",
  getDeletionState: "getDeletionState",
  recordRunState: "recordRunState",
  deliverEvent: "deliverEvent",
  publishEvent: "publishEvent",
};
