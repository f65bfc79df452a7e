/**
 * aks:plan — the API's planner on the form's request: no Azure call, so it also runs in a template's dry run. A
 * request the planner refuses fails the step with every violation, in the API's words.
 */
import { createTemplateAction } from "@backstage/plugin-scaffolder-node";
import { ProvisioningApi, ProvisioningApiError } from "../provisioningApi.js";
import type { AksSettings } from "../settings.js";

interface PlannedSubnet {
  role: string;
  name: string;
  cidr: string;
  usable: number;
  consumedAtSurge: number;
}

/** The plan as a person reads it: the mode, each subnet with its use at surge, the pod and service ranges. */
export function planSummary(plan: Record<string, unknown>): string {
  const subnets = (plan.subnets ?? []) as PlannedSubnet[];
  const podCidr = plan.podCidr as { cidr: string; maxNodes: number } | null;
  return [
    `Network mode ${String(plan.mode)} (dataplane ${String(plan.dataplane)})`,
    ...subnets.map(
      (subnet) =>
        `${subnet.role} subnet ${subnet.name} ${subnet.cidr}: ${subnet.consumedAtSurge} of ${subnet.usable} ` +
        "usable addresses at surge",
    ),
    ...(podCidr === null || podCidr === undefined ? [] : [`Pods ${podCidr.cidr} (room for ${podCidr.maxNodes} nodes)`]),
    `Services ${String(plan.serviceCidr)}, DNS ${String(plan.dnsServiceIp)}`,
    `VNet addresses used at surge: ${String(plan.vnetAddressesConsumedAtSurge)}`,
  ].join("\n");
}

export function planAction(settings: AksSettings) {
  return createTemplateAction({
    id: "aks:plan",
    description: "Validates and IP-plans a cluster request (POST /api/plans); no Azure call",
    supportsDryRun: true,
    schema: {
      input: {
        request: (z) => z.record(z.string(), z.unknown()).describe("The ClusterRequest (see its published schema)"),
      },
      output: {
        valid: (z) => z.boolean(),
        summary: (z) => z.string().describe("The address plan in one line per range"),
        warnings: (z) => z.array(z.string()),
        addressMapUrl: (z) => z.string().describe("The console's plan page with this request's address map"),
      },
    },
    async handler(ctx) {
      const api = new ProvisioningApi(settings.api, ctx.user?.ref);
      const answer = await api.plan(ctx.input.request);
      if (!answer.valid) {
        throw new ProvisioningApiError(400, "Invalid cluster request", "the plan has violations", answer.violations);
      }
      const summary = planSummary(answer.plan ?? {});
      for (const line of summary.split("\n")) ctx.logger.info(line);
      const warnings = answer.warnings.map((warning) => `${warning.path}: ${warning.message}`);
      for (const warning of warnings) ctx.logger.warn(warning);
      const encoded = Buffer.from(JSON.stringify(ctx.input.request)).toString("base64url");
      ctx.output("valid", true);
      ctx.output("summary", summary);
      ctx.output("warnings", warnings);
      ctx.output("addressMapUrl", `${api.base}/api/console/#/plan?request=${encoded}`);
    },
  });
}
