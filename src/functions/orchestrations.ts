import * as df from "durable-functions";
import { ensureFeatures } from "../orchestrators/ensureFeatures.js";
import { provisionCluster } from "../orchestrators/provisionCluster.js";
import { runCanceled } from "../orchestrators/runCanceled.js";
import { orchestrationNames } from "../orchestrators/runtime.js";
import { deliverStepEvents } from "../orchestrators/stepEvents.js";
import { teardownCluster } from "../orchestrators/teardownCluster.js";

df.app.orchestration(orchestrationNames.provisionCluster, provisionCluster);
df.app.orchestration(orchestrationNames.ensureFeatures, ensureFeatures);
df.app.orchestration(orchestrationNames.teardownCluster, teardownCluster);
df.app.orchestration(orchestrationNames.runCanceled, runCanceled);
df.app.orchestration(orchestrationNames.deliverStepEvents, deliverStepEvents);
