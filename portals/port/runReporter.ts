/**
 * One Port run carried out against the provisioning API and told back to Port as it goes: each step the run reaches
 * is a line in the run's log, the last line sets SUCCESS or FAILURE, and the cluster is an entity in the catalog.
 * A refusal by the API is reported in the same terms the API gives (every field and rule), since the person reading
 * the Port run is the one who filled in the form.
 */
import { finalStatuses, type ApiProblem, type ClusterApi, type ClusterStatus } from "./clusterApi.js";
import type { PortApi, PortEntity } from "./portApi.js";

export interface ReporterContext {
  port: PortApi;
  api: ClusterApi;
  /** The Port blueprint clusters are kept in (aksCluster by default). */
  blueprint: string;
  pollMs: number;
  timeoutMs: number;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function refused(context: ReporterContext, runId: string, what: string, problem: ApiProblem): Promise<void> {
  await context.port.log(runId, `The provisioning API refused the ${what} (${problem.status} ${problem.title}).`);
  if (problem.errors.length === 0 && problem.detail !== "") await context.port.log(runId, problem.detail);
  for (const error of problem.errors) await context.port.log(runId, `${error.path}: ${error.message} [${error.code}]`);
  const count = problem.errors.length;
  const label = count > 0 ? `Refused: ${count} problem${count === 1 ? "" : "s"} in the form` : "Refused";
  await context.port.log(runId, "Nothing was changed in Azure.", { status: "FAILURE", label });
}

/** Reads the run until `done`, logging each step whose state or detail changed since the last read. */
async function follow(
  context: ReporterContext,
  runId: string,
  id: string,
  done: (status: ClusterStatus) => boolean,
): Promise<ClusterStatus> {
  const seen = new Map<string, string>();
  const until = Date.now() + context.timeoutMs;
  for (;;) {
    const answer = await context.api.status(id);
    if (!answer.ok) throw new Error(`reading cluster ${id} answered ${answer.problem.status} ${answer.problem.title}`);
    for (const step of answer.body.steps) {
      const state = `${step.status}|${step.detail ?? ""}`;
      if (step.status === "pending" || seen.get(step.name) === state) continue;
      seen.set(step.name, state);
      await context.port.log(runId, `${step.name}: ${step.status}${step.detail === null ? "" : ` — ${step.detail}`}`);
    }
    if (done(answer.body)) return answer.body;
    if (Date.now() > until) throw new Error(`cluster ${id} still ${answer.body.status} after the backend's wait`);
    await sleep(context.pollMs);
  }
}

function entityOf(context: ReporterContext, status: ClusterStatus): PortEntity {
  const request = status.request ?? {};
  const network = (request.network ?? {}) as Record<string, unknown>;
  const verification = status.ipVerification;
  return {
    identifier: status.id,
    title: typeof request.clusterName === "string" ? request.clusterName : status.id,
    properties: {
      status: status.status,
      subscriptionId: request.subscriptionId ?? null,
      resourceGroup: request.resourceGroup ?? null,
      location: request.location ?? null,
      networkMode: network.mode ?? null,
      kubernetesVersion: request.kubernetesVersion ?? null,
      ipVerification: verification === null ? null : verification.passed ? "passed" : "failed",
      requestedBy: status.requestedBy,
      statusUrl: `${context.api.base}/api/clusters/${status.id}`,
      consoleUrl: context.api.consoleUrl(status.id),
    },
  };
}

export async function reportCreate(
  context: ReporterContext,
  runId: string,
  user: string | null,
  request: unknown,
): Promise<void> {
  const started = await context.api.create(request, runId, user);
  if (!started.ok) return refused(context, runId, "cluster request", started.problem);
  const { id, statusUrl } = started.body;
  context.log(`port-adapter: run ${runId} is cluster ${id}`);
  await context.port.log(runId, `Accepted as cluster ${id}; status: ${statusUrl}`);
  await context.port.patchRun(runId, { statusLabel: "Provisioning", link: [context.api.consoleUrl(id), statusUrl] });
  const final = await follow(context, runId, id, (status) => finalStatuses.includes(status.status));
  await context.port.upsertEntity(context.blueprint, entityOf(context, final), runId);
  if (final.status === "Succeeded") {
    const verdict = final.ipVerification?.passed === true ? "IP placement verified" : "IP placement not verified";
    await context.port.log(runId, `Cluster ${id} is ready; ${verdict}. Address map: ${context.api.consoleUrl(id)}`, {
      status: "SUCCESS",
      label: "Cluster ready",
    });
    return;
  }
  const error = final.error;
  const why = error === null ? final.status : `${error.step}: ${error.message} [${error.code}]`;
  await context.port.log(runId, `Cluster ${id} ended ${final.status}: ${why}`, {
    status: "FAILURE",
    label: `Cluster ${final.status.toLowerCase()}`,
  });
}

export async function reportDelete(
  context: ReporterContext,
  runId: string,
  user: string | null,
  clusterId: string,
): Promise<void> {
  const started = await context.api.delete(clusterId, user);
  if (!started.ok) return refused(context, runId, "delete", started.problem);
  await context.port.log(runId, `Deleting cluster ${clusterId}; status: ${started.body.statusUrl}`);
  // Until the teardown has started, the document may still show the finished provisioning run.
  const final = await follow(context, runId, clusterId, (status) => ["Deleted", "Failed"].includes(status.status));
  if (final.status === "Deleted") {
    await context.port.deleteEntity(context.blueprint, clusterId, runId);
    await context.port.log(runId, `Cluster ${clusterId} is deleted.`, { status: "SUCCESS", label: "Cluster deleted" });
    return;
  }
  await context.port.upsertEntity(context.blueprint, entityOf(context, final), runId);
  const why = final.error === null ? "" : `: ${final.error.step}: ${final.error.message}`;
  await context.port.log(runId, `Deleting cluster ${clusterId} failed${why}`, {
    status: "FAILURE",
    label: "Delete failed",
  });
}
