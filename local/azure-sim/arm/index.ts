/** The ARM surface: one route table assembled from the provider modules. */
import type { Route } from "../http.js";
import { abortRoutes } from "./aksAbort.js";
import { agentPoolRoutes } from "./agentPools.js";
import { authorizationRoutes } from "./authorization.js";
import { runCommandRoutes } from "./aksRunCommand.js";
import { computeRoutes } from "./compute.js";
import { containerServiceRoutes } from "./containerservice.js";
import type { ArmContext } from "./context.js";
import { egressRoutes } from "./egress.js";
import { featureRoutes } from "./features.js";
import { msiRoutes } from "./msi.js";
import { networkRoutes } from "./network.js";
import { resourceRoutes } from "./resources.js";

export function armRoutes(ctx: ArmContext): Route[] {
  // Features before resources: `/providers/Microsoft.Features/...` must not match the generic provider routes.
  return [
    ...featureRoutes(ctx),
    ...resourceRoutes(ctx),
    ...networkRoutes(ctx),
    ...egressRoutes(ctx),
    ...msiRoutes(ctx),
    ...computeRoutes(ctx),
    ...authorizationRoutes(ctx),
    ...containerServiceRoutes(ctx),
    ...agentPoolRoutes(ctx),
    ...abortRoutes(ctx),
    ...runCommandRoutes(ctx),
  ];
}
