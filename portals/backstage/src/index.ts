/**
 * The scaffolder module: add it to the backend (`backend.add(import('@internal/backstage-plugin-scaffolder-backend-
 * module-aks'))`) and templates can use aks:plan, aks:cluster:create and aks:cluster:delete.
 */
import { coreServices, createBackendModule } from "@backstage/backend-plugin-api";
import { scaffolderActionsExtensionPoint } from "@backstage/plugin-scaffolder-node";
import { createClusterAction } from "./actions/createCluster.js";
import { deleteClusterAction } from "./actions/deleteCluster.js";
import { planAction } from "./actions/plan.js";
import { readSettings } from "./settings.js";

export { createClusterAction, deleteClusterAction, planAction, readSettings };

export default createBackendModule({
  pluginId: "scaffolder",
  moduleId: "aks",
  register(env) {
    env.registerInit({
      deps: { actions: scaffolderActionsExtensionPoint, config: coreServices.rootConfig },
      async init({ actions, config }) {
        const settings = readSettings(config);
        actions.addActions(planAction(settings), createClusterAction(settings), deleteClusterAction(settings));
      },
    });
  },
});
