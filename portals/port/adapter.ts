/**
 * The Port self-service backend: Port POSTs each action run here (a WEBHOOK backend, not synchronized). The request is
 * checked against Port's signature first; a verified run is answered 202 at once and carried out in the background
 * (runReporter.ts), with Port's run id as the provisioning API's Idempotency-Key, so a delivery Port repeats joins the
 * run it already started instead of building twice.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import { reportCreate, reportDelete, type ReporterContext } from "./runReporter.js";
import { verifyPortSignature } from "./signature.js";

export interface PortAdapterOptions extends ReporterContext {
  /** The key Port signs with: the organisation's client secret. */
  webhookSecret: string;
  toleranceSeconds: number;
  now?: () => Date;
}

export const webhookPath = "/port/webhook";
const maxBody = 1024 * 1024;
// Port repeats a delivery within minutes; a finished run is remembered this long to answer a repeat as a duplicate.
const rememberFinishedMs = 60 * 60_000;

/**
 * What the Port action's invocation body must hold (docs/portals.md gives the jq mapping): the operation, the cluster
 * request (create) or the cluster's entity identifier (delete), and Port's run context.
 */
const payloadSchema = z.object({
  operation: z.enum(["create", "delete"]),
  request: z.record(z.string(), z.unknown()).optional(),
  clusterId: z
    .string()
    .regex(/^c[0-9a-f]{24}$/, { message: "clusterId must be an id this API issued" })
    .optional(),
  port_context: z.object({ runId: z.string().min(1).max(200), user: z.string().max(150).nullish() }),
});

function answer(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  const problem = status >= 400;
  response.writeHead(status, { "content-type": problem ? "application/problem+json" : "application/json" });
  response.end(JSON.stringify(problem ? { type: "about:blank", status, ...body } : body));
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBody) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export interface PortAdapter {
  server: Server;
  /** Runs still being carried out, for a graceful stop (and for tests to wait on). */
  running(): Promise<void>[];
}

export function createPortAdapter(options: PortAdapterOptions): PortAdapter {
  const now = options.now ?? (() => new Date());
  const runs = new Map<string, Promise<void>>();

  const carryOut = (runId: string, work: () => Promise<void>) => {
    const run = work().catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      options.log(`port-adapter: run ${runId} failed: ${message}`);
      await options.port
        .log(runId, `The backend could not finish: ${message}`, { status: "FAILURE", label: "Backend error" })
        .catch(() => options.log(`port-adapter: could not report run ${runId} to Port`));
    });
    runs.set(runId, run);
    void run.then(() => setTimeout(() => runs.delete(runId), rememberFinishedMs).unref());
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? "/", "http://adapter").pathname;
    if (request.method === "GET" && path === "/health") return answer(response, 200, { status: "ok" });
    if (path !== webhookPath) return answer(response, 404, { title: "Not Found", detail: `POST ${webhookPath}` });
    if (request.method !== "POST") return answer(response, 405, { title: "Method Not Allowed", detail: "POST only" });
    const raw = await readBody(request);
    if (raw === null) return answer(response, 413, { title: "Payload Too Large", detail: "at most 1 MiB" });
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const verdict = verifyPortSignature(
      options.webhookSecret,
      { timestamp: header("x-port-timestamp"), signature: header("x-port-signature") },
      raw,
      now(),
      options.toleranceSeconds,
    );
    if (!verdict.ok) {
      options.log(`port-adapter: refused a webhook: ${verdict.reason}`);
      return answer(response, 401, { title: "Unauthorized", detail: verdict.reason });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return answer(response, 400, { title: "Bad Request", detail: "The body is not JSON." });
    }
    const parsed = payloadSchema.safeParse(json);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        path: issue.path.join("."),
        code: "invalid-payload",
        message: issue.message,
      }));
      const runId = (json as { port_context?: { runId?: unknown } } | null)?.port_context?.runId;
      if (typeof runId === "string" && runId !== "" && !runs.has(runId)) {
        // Port shows the run, not this answer: tell the person there what the action's payload lacks.
        carryOut(runId, async () => {
          for (const error of errors) await options.port.log(runId, `Action payload: ${error.path}: ${error.message}`);
          await options.port.log(runId, "The action's invocation body does not match what this backend expects.", {
            status: "FAILURE",
            label: "Misconfigured action",
          });
        });
      }
      return answer(response, 400, { title: "Bad Request", detail: "The action payload is not valid.", errors });
    }
    const { operation, request: clusterRequest, clusterId, port_context: context } = parsed.data;
    const runId = context.runId;
    if (runs.has(runId)) return answer(response, 200, { runId, operation, duplicate: true });
    const user = context.user ?? null;
    if (operation === "create" && clusterRequest === undefined) {
      return answer(response, 400, { title: "Bad Request", detail: "A create needs `request`, the cluster request." });
    }
    if (operation === "delete" && clusterId === undefined) {
      return answer(response, 400, { title: "Bad Request", detail: "A delete needs `clusterId`, the entity's id." });
    }
    options.log(`port-adapter: run ${runId}: ${operation} for ${user ?? "an unnamed user"}`);
    carryOut(runId, () =>
      operation === "create"
        ? reportCreate(options, runId, user, clusterRequest)
        : reportDelete(options, runId, user, clusterId ?? ""),
    );
    return answer(response, 202, { runId, operation });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log(`port-adapter: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) answer(response, 500, { title: "Internal Server Error" });
    });
  });
  return { server, running: () => [...runs.values()] };
}
