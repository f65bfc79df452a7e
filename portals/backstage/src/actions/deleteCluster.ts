/** aks:cluster:delete — tears the cluster down (DELETE /api/clusters/{id}) and waits until it is gone. */
import { createTemplateAction } from "@backstage/plugin-scaffolder-node";
import { follow } from "../follow.js";
import { ProvisioningApi } from "../provisioningApi.js";
import type { AksSettings } from "../settings.js";

export function deleteClusterAction(settings: AksSettings) {
  return createTemplateAction({
    id: "aks:cluster:delete",
    description: "Deletes a cluster built by aks-provisioning-api and waits until it is deleted",
    schema: {
      input: {
        clusterId: (z) =>
          z
            .string()
            .regex(/^c[0-9a-f]{24}$/)
            .describe("The id aks:cluster:create output"),
      },
      output: {
        status: (z) => z.string(),
      },
    },
    async handler(ctx) {
      const api = new ProvisioningApi(settings.api, ctx.user?.ref);
      const accepted = await ctx.checkpoint({
        key: `aks-delete-${ctx.step?.id ?? "delete"}`,
        fn: async () => (await api.delete(ctx.input.clusterId)).statusUrl,
      });
      ctx.logger.info(`Deleting cluster ${ctx.input.clusterId}; status: ${accepted}`);
      // Until the teardown has started, the document may still show the finished provisioning run.
      const final = await follow(
        api,
        ctx.input.clusterId,
        ctx.logger,
        (document) => ["Deleted", "Failed"].includes(document.status),
        { ...settings, signal: ctx.signal, cancelOnAbort: false },
      );
      ctx.output("status", final.status);
      if (final.status !== "Deleted") {
        const why = final.error === null ? "" : ` at ${final.error.step}: ${final.error.message}`;
        throw new Error(`Deleting cluster ${final.id} failed${why}`);
      }
      ctx.logger.info(`Cluster ${final.id} deleted`);
    },
  });
}
