/**
 * The change plan as the API answers it (a what-if's 200, a change's 202, a refused change's 409), described once: the
 * types the planner builds it with are inferred from these schemas and /api/openapi.json publishes them.
 * The descriptions here are the published ones.
 */
import { z } from "zod";
import { poolModes } from "../poolView.js";

export const changeKinds = ["in-place", "disruptive", "one-way"] as const;
export const changeKindSchema = z
  .enum(changeKinds)
  .describe("in-place: nothing running is disturbed; disruptive: nodes or their pods go; one-way: cannot go back");
export type ChangeKind = z.infer<typeof changeKindSchema>;

export const changeItemSchema = z.strictObject({
  code: z.string().describe("The change rule's stable code (the acknowledge list takes these)"),
  kind: changeKindSchema,
  paths: z
    .array(z.string())
    .describe("Request paths this change covers (pool paths index the new spec; a removed pool's, the old one)"),
  pool: z.string().nullable(),
  summary: z.string(),
  operations: z.array(z.string()).describe("The AKS calls the run makes, in order"),
  checks: z.array(z.string()).describe("Codes of the plan's checks made before the AKS calls and after"),
  reimagesNodes: z.literal(true).optional().describe("AKS reimages every node of every pool to apply it"),
});
export type ChangeItem = z.infer<typeof changeItemSchema>;

export const changeCheckSchema = z.strictObject({
  code: z.string(),
  when: z
    .enum(["plan", "run", "after"])
    .describe("plan: decided now, from the specs; run: by the run against AKS before its first call; after: verified"),
  status: z.enum(["passed", "failed", "at-run"]),
  message: z.string(),
});
export type ChangeCheck = z.infer<typeof changeCheckSchema>;

export const refusedChangeSchema = z.strictObject({
  path: z.string(),
  code: z.literal("immutable-field"),
  message: z.string(),
});
export type RefusedChange = z.infer<typeof refusedChangeSchema>;

const count = z.number().int().min(0);

export const poolAddressesSchema = z.strictObject({
  name: z.string(),
  mode: z.enum(poolModes),
  nodeSubnet: z.string(),
  podSubnet: z.string().nullable(),
  nodesNow: count,
  nodesAtSurge: count,
  nodeSubnetIpsPerNode: count.describe("Node-subnet addresses one node takes"),
  podSubnetIpsPerNode: count.nullable().describe("Pod-subnet addresses one node takes, when pods take VNet addresses"),
});
export type PoolAddresses = z.infer<typeof poolAddressesSchema>;

export const subnetAddressesSchema = z.strictObject({
  name: z.string(),
  cidr: z.string(),
  usable: count,
  consumedNow: count,
  consumedAtSurge: count,
});
export type SubnetAddresses = z.infer<typeof subnetAddressesSchema>;

export const addressMapSchema = z.strictObject({
  subnets: z.array(subnetAddressesSchema),
  pools: z.array(poolAddressesSchema),
  podCidr: z.string().nullable(),
  serviceCidr: z.string(),
});
export type AddressMap = z.infer<typeof addressMapSchema>;

export const changePlanSchema = z
  .strictObject({
    changes: z.array(changeItemSchema).describe("One entry per change, in the order the run applies them"),
    checks: z
      .array(changeCheckSchema)
      .describe("subnet-room (plan: from the spec; run: against AKS's real pools, before any AKS call), …"),
    refused: z
      .array(refusedChangeSchema)
      .describe("Fields AKS cannot change in place (code immutable-field): the POST is a 409"),
    oneWay: z.boolean(),
    reimagesNodes: z.boolean(),
    acknowledgementNeeded: z
      .array(z.string())
      .describe("Codes of the one-way or disruptive changes: the body must list each in acknowledge to run them"),
    addresses: z
      .strictObject({ before: addressMapSchema, after: addressMapSchema })
      .describe("Each subnet's usable addresses and use now and at maximum plus surge, each pool's nodes"),
  })
  .describe(
    "A changed spec of a cluster this API built, planned before anything runs (docs/day-2.md). Change codes: " +
      "tags-update, pool-scale, pool-autoscale, pool-add (in-place), pool-remove (disruptive: never the first " +
      "System pool), kubenet-to-overlay (one-way, reimages every node; pre-checks network-policy-none, " +
      "no-windows-pools, user-assigned-identity, pod-cidr-clear; a failed one is a 409 naming it), outbound-type " +
      "(disruptive: loadBalancer, userAssignedNATGateway and userDefinedRouting migrate into each other, the old " +
      "NAT gateway or route table is taken off the subnets; none is refused), nat-gateway-sku (disruptive: a new " +
      "gateway of the other SKU with its public IP takes the subnets over), apiserver-vnet-integration (one-way, " +
      "a rolling node-image upgrade: the new delegated apiServerSubnet with Network Contributor on it), " +
      "cilium-dataplane (one-way, reimages every node: overlay or pod-subnet, network policy none or cilium).",
  );
export type ChangePlan = z.infer<typeof changePlanSchema>;
