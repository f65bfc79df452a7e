/**
 * aks:cluster:create — starts the run and waits for it. The Idempotency-Key is the task and step ids, and the accepted
 * run is stored with the task's checkpoint, so a task Backstage starts over after a restart re-attaches to its run
 * instead of creating a second one. Outputs come first, then a failed run fails the step with its error.
 */
import { createTemplateAction } from "@backstage/plugin-scaffolder-node";
import { follow } from "../follow.js";
import { ProvisioningApi } from "../provisioningApi.js";
import type { AksSettings } from "../settings.js";

export function createClusterAction(settings: AksSettings) {
  return createTemplateAction({
    id: "aks:cluster:create",
    description: "Creates an AKS cluster with its network through aks-provisioning-api and waits until it is verified",
    schema: {
      input: {
        request: (z) => z.record(z.string(), z.unknown()).describe("The ClusterRequest (see its published schema)"),
        wait: (z) => z.boolean().optional().describe("Wait for the run to finish (default true)"),
      },
      output: {
        clusterId: (z) => z.string(),
        status: (z) => z.string(),
        statusUrl: (z) => z.string(),
        consoleUrl: (z) => z.string().describe("The console's page for the run: steps and the address map"),
        ipVerification: (z) =>
          z.object({ passed: z.boolean(), summary: z.string() }).describe("Whether nodes and pods got the planned IPs"),
      },
    },
    async handler(ctx) {
      const api = new ProvisioningApi(settings.api, ctx.user?.ref);
      const stepId = ctx.step?.id ?? "create";
      const accepted = await ctx.checkpoint({
        key: `aks-create-${stepId}`,
        fn: async () => {
          const answer = await api.create(ctx.input.request, `backstage-${ctx.task.id}-${stepId}`);
          return { id: answer.id, statusUrl: answer.statusUrl };
        },
      });
      ctx.logger.info(`Cluster run ${accepted.id} accepted; status: ${accepted.statusUrl}`);
      ctx.output("clusterId", accepted.id);
      ctx.output("statusUrl", accepted.statusUrl);
      ctx.output("consoleUrl", api.consoleUrl(accepted.id));
      if (ctx.input.wait === false) {
        ctx.output("status", "Pending");
        ctx.output("ipVerification", { passed: false, summary: "not waited for" });
        return;
      }
      const final = await follow(
        api,
        accepted.id,
        ctx.logger,
        (document) => ["Succeeded", "Failed", "Canceled"].includes(document.status),
        { ...settings, signal: ctx.signal, cancelOnAbort: true },
      );
      const verification = final.ipVerification;
      const verdict = verification === null ? "not run" : verification.passed ? "passed" : "failed";
      ctx.output("status", final.status);
      ctx.output("ipVerification", {
        passed: verification?.passed === true,
        summary: typeof verification?.summary === "string" ? verification.summary : `IP verification ${verdict}`,
      });
      if (final.status !== "Succeeded") {
        const error = final.error;
        throw new Error(
          `Cluster run ${final.id} ended ${final.status}` +
            (error === null ? "" : ` at ${error.step}: ${error.message} [${error.code}]`),
        );
      }
      ctx.logger.info(`Cluster ready; IP verification ${verdict}. Address map: ${api.consoleUrl(final.id)}`);
    },
  });
}
