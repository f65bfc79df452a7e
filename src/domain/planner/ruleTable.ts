/**
 * Every planner rule, with the stable codes it may report. Each rule is a small pure function of the normalised view;
 * the planner runs them all, so a request learns every problem at once. Tests are table-driven per row.
 */
import type { RequestView } from "../requestView.js";
import type { Violation } from "../violations.js";
import { autoscalerBounds, consistentSubnetNames, systemPoolPresent, uniquePoolNames } from "./rules/pools.js";
import {
  reservedRangesAvoided,
  shortNamesForMode,
  subnetsApart,
  subnetsInsideVnet,
  vnetPrefixesApart,
  vnetPrefixesBigEnough,
} from "./rules/addressSpace.js";
import { staticBlockLimits, vmSizesForMode, vnetIntegrationInRegion } from "./rules/aksLimits.js";
import { apiServerSubnetValid, authorizedRangesNeedPublicEndpoint } from "./rules/apiServer.js";
import { cidrsMatchFamilies, dualStackNeedsOverlay, dualStackNetwork, ipFamiliesValid } from "./rules/dualStack.js";
import { dataplaneAndPolicy, maxPodsInRange, podIpAllocationForMode, podRangesForMode } from "./rules/modes.js";
import { outboundFieldsMatchType, routeTableHasNextHop } from "./rules/outbound.js";
import { podCidrsClear } from "./rules/podCidr.js";
import { dnsServiceIpPlaced, serviceCidrsClear } from "./rules/serviceCidr.js";
import { clusterNodeLimit, podCidrBigEnough, subnetsBigEnough } from "./rules/sizing.js";
import { conflictingForms, unparsableAddresses } from "./rules/syntax.js";
import { tagsFollowArmRules } from "./rules/tags.js";
import {
  azureNetworkPolicyRetiring,
  egressReachesApiServer,
  modeRetiring,
  resourcesInOtherSubscriptions,
  staticBlockMaxPodsWaste,
} from "./rules/warnings.js";

export interface Rule {
  check: (view: RequestView) => Violation[];
  codes: readonly string[];
  /** "request" rules need no readable network section, so they run on every object body. */
  scope?: "request";
}

export const violationRules: readonly Rule[] = [
  {
    check: unparsableAddresses,
    codes: ["invalid-cidr", "cidr-not-network-address", "cidr-not-canonical", "ipv6-not-supported", "invalid-ip"],
  },
  { scope: "request", check: conflictingForms, codes: ["conflicting-fields"] },
  {
    check: podRangesForMode,
    codes: ["pod-subnet-required", "pod-subnet-not-allowed", "pod-cidr-not-allowed", "pod-cidr-required"],
  },
  {
    check: dataplaneAndPolicy,
    codes: ["dataplane-not-supported", "network-policy-not-supported", "network-policy-requires-cilium-dataplane"],
  },
  { check: podIpAllocationForMode, codes: ["static-block-needs-pod-subnet"] },
  { check: maxPodsInRange, codes: ["max-pods-out-of-range"] },
  { scope: "request", check: systemPoolPresent, codes: ["system-pool-required", "system-pool-empty"] },
  { scope: "request", check: uniquePoolNames, codes: ["duplicate-pool-name"] },
  { scope: "request", check: autoscalerBounds, codes: ["autoscale-bounds"] },
  { check: consistentSubnetNames, codes: ["subnet-name-conflict"] },
  { check: ipFamiliesValid, codes: ["ip-families-invalid"] },
  { check: dualStackNeedsOverlay, codes: ["dual-stack-needs-overlay"] },
  { check: cidrsMatchFamilies, codes: ["cidr-family-mismatch"] },
  {
    check: dualStackNetwork,
    codes: [
      "dual-stack-needs-ipv6-network",
      "ipv6-subnet-not-64",
      "ipv6-not-supported",
      "cidr-family-mismatch",
      "subnet-outside-vnet",
      "ranges-overlap",
    ],
  },
  { check: vnetPrefixesApart, codes: ["ranges-overlap"] },
  { check: vnetPrefixesBigEnough, codes: ["vnet-too-small"] },
  { check: subnetsInsideVnet, codes: ["subnet-outside-vnet"] },
  { check: subnetsApart, codes: ["ranges-overlap"] },
  {
    check: reservedRangesAvoided,
    codes: ["vnet-reserved-range", "service-cidr-reserved-range", "pod-cidr-reserved-range"],
  },
  { check: shortNamesForMode, codes: ["name-too-long-for-mode"] },
  {
    check: serviceCidrsClear,
    codes: ["service-cidr-overlaps-network", "service-cidr-too-large", "service-cidr-too-small"],
  },
  {
    check: dnsServiceIpPlaced,
    codes: [
      "dns-ip-outside-service-cidr",
      "dns-ip-is-network-address",
      "dns-ip-is-broadcast-address",
      "dns-ip-conflicts-api-server",
    ],
  },
  { check: podCidrsClear, codes: ["pod-cidr-overlaps-network"] },
  { check: subnetsBigEnough, codes: ["subnet-too-small"] },
  { check: clusterNodeLimit, codes: ["too-many-nodes-for-kubenet", "too-many-nodes-for-overlay"] },
  { check: podCidrBigEnough, codes: ["pod-cidr-too-small"] },
  {
    check: apiServerSubnetValid,
    codes: ["api-server-subnet-required", "api-server-subnet-not-allowed", "api-server-subnet-too-small"],
  },
  { check: authorizedRangesNeedPublicEndpoint, codes: ["authorized-ip-ranges-not-supported"] },
  { check: vmSizesForMode, codes: ["vm-size-not-supported"] },
  { check: vnetIntegrationInRegion, codes: ["not-available-in-region"] },
  { check: staticBlockLimits, codes: ["static-block-needs-newer-kubernetes", "static-block-subnet-too-large"] },
  { check: outboundFieldsMatchType, codes: ["outbound-field-not-allowed"] },
  { check: routeTableHasNextHop, codes: ["outbound-next-hop-required", "next-hop-in-cluster-range"] },
  {
    scope: "request",
    check: tagsFollowArmRules,
    codes: ["too-many-tags", "forbidden-tag-name", "invalid-tag-name", "tag-name-too-long", "tag-value-too-long"],
  },
];

export const warningRules: readonly Rule[] = [
  { check: modeRetiring, codes: ["kubenet-retiring"] },
  { check: azureNetworkPolicyRetiring, codes: ["azure-npm-retiring"] },
  { check: staticBlockMaxPodsWaste, codes: ["static-block-max-pods-waste"] },
  { check: resourcesInOtherSubscriptions, codes: ["resource-in-other-subscription"] },
  {
    check: egressReachesApiServer,
    codes: ["outbound-none-needs-egress", "public-api-server-via-egress", "authorized-ranges-need-egress-ip"],
  },
];

/** Network rules stay silent while the network section or its mode is unreadable: the schema says why. */
export function runRules(rules: readonly Rule[], view: RequestView, networkReadable: boolean): Violation[] {
  return rules.flatMap((rule) => (networkReadable || rule.scope === "request" ? rule.check(view) : []));
}
