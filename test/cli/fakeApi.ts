/**
 * A scripted stand-in for the provisioning API on a real node:http port: each test says what the next calls answer,
 * and reads back what the CLI sent (method, path, headers, body). Answers are the API's documented shapes.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { StatusDocument } from "../../src/domain/statusDocument.js";

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Route = (request: Recorded) => Answer;

export class FakeApi {
  readonly requests: Recorded[] = [];
  private readonly routes: { method: string; pattern: RegExp; answer: Route }[] = [];
  private server: Server | undefined;
  url = "";

  /** The latest matching route wins, so a test can override a default. */
  on(method: string, pattern: RegExp, answer: Answer | Route): this {
    this.routes.unshift({ method, pattern, answer: typeof answer === "function" ? answer : () => answer });
    return this;
  }

  /** Answers GET /api/clusters/{id} with each document in turn, repeating the last one. */
  statusSequence(id: string, documents: StatusDocument[], retryAfterSeconds = 0): this {
    let next = 0;
    return this.on("GET", new RegExp(`^/api/clusters/${id}$`), (): Answer => {
      const document = documents[Math.min(next++, documents.length - 1)];
      // As the API does: Retry-After while running, and while a finished run shows an interim IP table.
      const running =
        document !== undefined &&
        (!["Succeeded", "Failed", "Canceled", "Deleted"].includes(document.status) ||
          document.ipVerification?.omittedRows !== undefined);
      return {
        status: 200,
        body: document,
        headers: running ? { "retry-after": String(retryAfterSeconds) } : {},
      };
    });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk: Buffer) => (text += chunk.toString()));
      req.on("end", () => {
        const recorded: Recorded = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body: text.length > 0 ? JSON.parse(text) : undefined,
        };
        this.requests.push(recorded);
        const route = this.routes.find((r) => r.method === recorded.method && r.pattern.test(recorded.path));
        const answer = route?.answer(recorded) ?? problem(404, "Not Found", `no route for ${recorded.path}`);
        const isProblem = answer.status >= 400;
        res.writeHead(answer.status, {
          "content-type": isProblem ? "application/problem+json" : "application/json",
          ...answer.headers,
        });
        res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): Answer {
  return { status, body: { type: "about:blank", title, status, detail, ...extra } };
}

const at = "2026-11-23T10:00:00.000Z";

/** A status document as the API serves it, with the fields a test cares about. */
export function statusDocument(id: string, status: StatusDocument["status"], overrides: Partial<StatusDocument> = {}) {
  const document: StatusDocument = {
    id,
    status,
    createdAt: at,
    updatedAt: at,
    request: null,
    steps: [
      {
        name: "cluster",
        status: status === "Succeeded" ? "succeeded" : status === "Failed" ? "failed" : "running",
        startedAt: at,
        completedAt: null,
        attempts: 1,
        detail: status === "Running" ? "ProvisioningControlPlane" : null,
      },
    ],
    resources: {},
    pools: [],
    roleChecks: [],
    ipVerification: null,
    error: null,
    requestedBy: null,
    notify: null,
    deliveries: [],
    ...overrides,
  };
  return document;
}
