/**
 * What the API answers and sends, described once: the status document, the list's summary, the completion event and
 * the problem document are zod schemas, the types the code builds them with are inferred from these, and
 * /api/openapi.json publishes them as JSON Schema (http/openapi.ts), so the three cannot drift apart.
 * The descriptions here are the published ones.
 */
import { z } from "zod";
import { normalisedRequestSchema } from "./clusterRequest.js";

export const clusterStatuses = [
  "Pending",
  "Running",
  "Succeeded",
  "Failed",
  "Canceled",
  "Deleting",
  "Deleted",
] as const;
export const clusterStatusSchema = z.enum(clusterStatuses);
export type ClusterStatus = z.infer<typeof clusterStatusSchema>;

export const provisioningSteps = [
  // A change run only: the new spec's pools against the subnets' real use, before any Azure write.
  "changeChecks",
  "resourceGroup",
  "network",
  "identity",
  "features",
  // NAT gateway or route table and their subnet associations: needs the subnets, and must exist before the cluster.
  "egress",
  "roleAssignments",
  "cluster",
  "nodePools",
  "roleChecks",
  "routeTable",
  "ipVerification",
  "demoWorkload",
] as const;
export const teardownSteps = ["deleteCluster", "deleteResourceGroup"] as const;
export const stepNameSchema = z.enum([...provisioningSteps, ...teardownSteps]);
export type StepName = z.infer<typeof stepNameSchema>;

export const stepStatusSchema = z
  .enum(["pending", "running", "succeeded", "failed", "skipped", "canceled"])
  .describe("canceled: the step was under way when its run was canceled or failed at another step");
export type StepStatus = z.infer<typeof stepStatusSchema>;

const timestamp = z.iso.datetime();
const nullableText = z.string().nullable();

export const stepStateSchema = z.object({
  name: stepNameSchema,
  status: stepStatusSchema,
  startedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  attempts: z.number().int(),
  detail: nullableText,
});
export type StepState = z.infer<typeof stepStateSchema>;

export const createdResourcesSchema = z
  .object({
    resourceGroupId: z.string(),
    vnetId: z.string(),
    nodeSubnetId: z.string(),
    podSubnetId: z.string(),
    apiServerSubnetId: z.string().describe("API server VNet integration"),
    identityId: z.string(),
    identityPrincipalId: z.string(),
    clusterId: z.string(),
    nodeResourceGroupId: z.string(),
    routeTableId: z.string().describe("kubenet: the route table AKS made (or the caller's); UDR: the egress table"),
    natGatewayId: z.string(),
    publicIpId: z.string().describe("The NAT gateway's public IP (the cluster's egress address)"),
  })
  .partial()
  .describe("ARM ids of what the run created or uses");
export type CreatedResources = z.infer<typeof createdResourcesSchema>;

export const poolStatusSchema = z
  .object({
    name: z.string(),
    mode: z.enum(["System", "User"]),
    nodeSubnetId: nullableText,
    podSubnetId: nullableText,
    state: z
      .string()
      .describe("The pool's provisioningState as AKS last reported it (Pending until the run gets there)"),
    count: z.number().int(),
    autoscale: z.object({ minCount: z.number().int(), maxCount: z.number().int() }).nullable(),
  })
  .describe("One node pool: the first System pool is built with the cluster, every other after it (agent-pool API)");
export type PoolStatus = z.infer<typeof poolStatusSchema>;

/** A permanent failure with the service's own code (ARM, Kubernetes, Entra) and a message safe to show. */
export const stepFailureSchema = z.object({ code: z.string(), message: z.string() });
export type StepFailure = z.infer<typeof stepFailureSchema>;

export const runErrorSchema = stepFailureSchema.extend({ step: stepNameSchema });
export type RunError = z.infer<typeof runErrorSchema>;

export const roleCheckSchema = z.object({
  role: z.string(),
  scope: z.string(),
  principalId: z.string(),
  present: z.boolean(),
});
export type RoleCheck = z.infer<typeof roleCheckSchema>;

export const ipRangeSchema = z.enum(["node-subnet", "pod-subnet", "pod-cidr", "outside", "none"]);
export type IpRange = z.infer<typeof ipRangeSchema>;

export const nodeIpRowSchema = z.object({
  name: z.string(),
  ip: nullableText.describe("The IPv4 address (node InternalIP, pod podIP)"),
  expected: ipRangeSchema,
  actual: ipRangeSchema,
  ok: z.boolean().describe("Both families in place on a dual-stack cluster"),
  pool: z
    .string()
    .optional()
    .describe("With several pools: the node's pool, whose own subnet the row was checked against"),
  expectedCidr: z.string().optional().describe("That pool's subnet range, when `pool` is set"),
  ipv6: nullableText
    .optional()
    .describe("Dual-stack only: the IPv6 address (a node's IPv6 InternalIP, a pod's podIPs)"),
  actualV6: ipRangeSchema.optional().describe("Dual-stack only: where the IPv6 address is"),
});
export type NodeIpRow = z.infer<typeof nodeIpRowSchema>;

export const podIpRowSchema = nodeIpRowSchema.extend({ namespace: z.string(), hostNetwork: z.boolean() });
export type PodIpRow = z.infer<typeof podIpRowSchema>;

export const ipVerificationSchema = z.object({
  passed: z.boolean(),
  nodes: z.array(nodeIpRowSchema),
  pods: z.array(podIpRowSchema),
  summary: z.object({
    nodes: z.number().int(),
    pods: z.number().int(),
    hostNetworkPods: z.number().int(),
    mismatches: z.number().int(),
    pendingPods: z.number().int(),
  }),
  omittedRows: z
    .number()
    .int()
    .optional()
    .describe(
      "Only while a finished run still sends its completion events and the whole table would not fit: the rows " +
        "left out (only failed rows are listed then; the response carries Retry-After). Absent once the run ended.",
    ),
});
export type IpVerification = z.infer<typeof ipVerificationSchema>;

export const eventDeliverySchema = z
  .object({
    type: z.string(),
    target: z.enum(["webhook", "eventGrid"]),
    outcome: z.enum(["delivered", "rejected", "failed"]),
    httpStatus: z.number().int().nullable().describe("The receiver's HTTP status, when it answered"),
    detail: nullableText,
  })
  .describe("How one completion event's delivery ended (delivered, rejected by the receiver, or failed after retries)");
export type EventDelivery = z.infer<typeof eventDeliverySchema>;

export const publicNotifySchema = z
  .object({ url: z.string(), signed: z.boolean(), steps: z.boolean() })
  .describe("Where events go; the secret is never shown, only whether events are signed");

export const statusDocumentSchema = z.object({
  id: z.string(),
  status: clusterStatusSchema,
  createdAt: timestamp,
  updatedAt: timestamp,
  request: normalisedRequestSchema.nullable(),
  steps: z.array(stepStateSchema),
  resources: createdResourcesSchema,
  pools: z.array(poolStatusSchema).describe("Every node pool: name, mode, subnet ids and state"),
  roleChecks: z.array(roleCheckSchema),
  ipVerification: ipVerificationSchema.nullable(),
  error: runErrorSchema.nullable(),
  requestedBy: nullableText.describe("Who started the run: user principal name, app:<client id> or key:<id>"),
  notify: publicNotifySchema.nullable(),
  deliveries: z.array(eventDeliverySchema).describe("Event deliveries that finished (delivered, or given up on)"),
});
export type StatusDocument = z.infer<typeof statusDocumentSchema>;

export const statusSummarySchema = z.object({
  id: z.string(),
  status: clusterStatusSchema,
  subscriptionId: nullableText,
  resourceGroup: nullableText,
  clusterName: nullableText,
  requestedBy: nullableText.describe("User principal name, app:<client id> or key:<id>"),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type StatusSummary = z.infer<typeof statusSummarySchema>;

export const eventTypes = {
  succeeded: "aks.provisioning.succeeded",
  failed: "aks.provisioning.failed",
  canceled: "aks.provisioning.canceled",
  deleted: "aks.provisioning.deleted",
  step: "aks.provisioning.step",
} as const;
export const eventSource = "/aks-provisioning-api/clusters";

export const eventDataSchema = statusSummarySchema.extend({
  error: runErrorSchema.extend({ step: z.string() }).nullable().describe("The run's error, if it failed"),
  step: z
    .object({ name: z.string(), status: z.string(), detail: nullableText })
    .optional()
    .describe("In aks.provisioning.step events: the step and the state it reached"),
  changes: z
    .array(z.string())
    .optional()
    .describe("In a change run's terminal event: the change codes it applied (tags-update, pool-add, …)"),
});
export type EventData = z.infer<typeof eventDataSchema>;

export const cloudEventSchema = z
  .object({
    specversion: z.literal("1.0"),
    id: z.string().describe("Fixed per run, type and step"),
    source: z.literal(eventSource),
    type: z.enum(Object.values(eventTypes) as [string, ...string[]]),
    subject: z.string().describe("The cluster id"),
    time: timestamp,
    datacontenttype: z.literal("application/json"),
    data: eventDataSchema,
  })
  .describe(
    "CloudEvents 1.0, structured JSON (application/cloudevents+json), POSTed to notify.url and/or published to " +
      "the Event Grid topic (application/cloudevents-batch+json). At-least-once: drop an id already seen.",
  );
export type CloudEvent = z.infer<typeof cloudEventSchema>;

export const violationSchema = z.object({
  path: z.string(),
  code: z.string(),
  message: z.string(),
  scope: z
    .string()
    .optional()
    .describe(
      "403 only: the /subscriptions/…/resourceGroups/… scope the field at path puts resources in, " +
        "which the caller's grants or the subscription allow-list leave out",
    ),
});

export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(violationSchema).optional(),
  })
  .describe("RFC 9457 problem details: the one shape of every 4xx (and 5xx) the API returns");
export type ProblemDetails = z.infer<typeof problemSchema>;
