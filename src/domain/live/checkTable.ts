/**
 * Every live what-if check, with the codes it may report, like the planner's rule table: each a small pure function
 * of the accepted request and what was read from Azure (facts.ts). Tests are table-driven per check.
 */
import type { ClusterRequest } from "../clusterRequest.js";
import { identityMayCreate } from "./checks/permissions.js";
import { existingNetwork } from "./checks/network.js";
import { vcpuQuota } from "./checks/quota.js";
import { featuresRegistered, providerRegistered } from "./checks/registration.js";
import type { LiveCheck, LiveFacts } from "./facts.js";

export interface LiveCheckRule {
  check: (request: ClusterRequest, facts: LiveFacts) => LiveCheck[];
  codes: readonly string[];
}

export const liveCheckTable: readonly LiveCheckRule[] = [
  { check: vcpuQuota, codes: ["vcpu-quota", "regional-vcpu-quota", "vm-size-not-recognised"] },
  {
    check: existingNetwork,
    codes: [
      "vnet",
      "vnet-not-found",
      "vnet-address-space-differs",
      "subnet-exists",
      "subnet-fits",
      "subnet-prefix-mismatch",
      "subnet-outside-existing-vnet",
      "subnet-conflicts-existing",
    ],
  },
  { check: providerRegistered, codes: ["provider-registration"] },
  { check: featuresRegistered, codes: ["feature-registration"] },
  { check: identityMayCreate, codes: ["permission"] },
];

export interface LiveResult {
  /** false when any check is an error: the run would fail at Azure, although the request itself is valid. */
  passed: boolean;
  errors: number;
  warnings: number;
  checks: LiveCheck[];
}

export function runLiveChecks(request: ClusterRequest, facts: LiveFacts): LiveResult {
  const checks = liveCheckTable.flatMap((rule) => rule.check(request, facts));
  const count = (status: LiveCheck["status"]) => checks.filter((check) => check.status === status).length;
  return { passed: count("error") === 0, errors: count("error"), warnings: count("warning"), checks };
}
