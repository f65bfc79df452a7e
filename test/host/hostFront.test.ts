/**
 * What the local host answers before the app sees a request: every refusal is problem+json with a stable code, and a
 * body past the host's limit is refused while it streams in, so a huge upload costs the host about the limit, not its
 * size. The host runs in this process, so its memory is this process's.
 */
import { request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalHost, type LocalHost } from "../../local/host/index.js";

const appRoot = fileURLToPath(new URL("./sample-app", import.meta.url));
const limit = 1024 * 1024;
let host: LocalHost;

beforeAll(async () => {
  host = await startLocalHost({
    appRoot,
    port: 0,
    env: { SAMPLE_HUB: "FrontHub", FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(limit) },
    functionKey: "test-key",
  });
});

afterAll(async () => {
  await host?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the path is sent exactly as written (fetch would resolve '..' before sending). */
function raw(method: string, path: string, body?: Buffer): Promise<Answer> {
  const { port } = new URL(host.baseUrl);
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ host: "127.0.0.1", port, method, path }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    sent.on("error", reject);
    sent.end(body);
  });
}

const cases: { name: string; method: string; path: string; body?: Buffer; status: number; code: string }[] = [
  { name: "no such route", method: "GET", path: "/api/nothing-here", status: 404, code: "route-not-found" },
  { name: "no route outside the prefix", method: "GET", path: "/favicon.ico", status: 404, code: "route-not-found" },
  { name: "wrong method", method: "DELETE", path: "/api/status/abc", status: 405, code: "method-not-allowed" },
  { name: "'..' segment", method: "GET", path: "/api/status/../instances", status: 400, code: "invalid-path" },
  { name: "encoded '..'", method: "GET", path: "/api/status/%2e%2E/x", status: 400, code: "invalid-path" },
  { name: "'.' segment", method: "GET", path: "/api/./instances", status: 400, code: "invalid-path" },
  { name: "bad percent-encoding", method: "GET", path: "/api/status/%ZZ", status: 400, code: "invalid-path" },
  { name: "truncated percent-encoding", method: "GET", path: "/api/status/abc%", status: 400, code: "invalid-path" },
  {
    name: "declared body over the limit",
    method: "POST",
    path: "/api/start/pipeline",
    body: Buffer.alloc(limit + 1, 0x20),
    status: 413,
    code: "body-too-large",
  },
];

describe("host-level refusals", () => {
  it.each(cases)("$name → $status $code as problem+json", async ({ method, path, body, status, code }) => {
    const answer = await raw(method, path, body);
    expect(answer.status).toBe(status);
    expect(answer.headers["content-type"]).toBe("application/problem+json");
    const problem = JSON.parse(answer.body) as { status: number; title: string; detail: string; errors: unknown[] };
    expect(problem).toMatchObject({ status, errors: [{ code }] });
    expect(problem.title.length).toBeGreaterThan(0);
    if (status === 405) expect(answer.headers.allow).toBe("GET");
  });

  it("still serves a plain path with an encoded character", async () => {
    expect((await raw("GET", "/api/keyed/a%20b?code=test-key")).body).toBe(
      JSON.stringify({ item: "a b", query: null }),
    );
  });
});

describe("the body limit while streaming", () => {
  it("refuses a 200 MB chunked body after the limit, holding a small fraction of it", async () => {
    const total = 200 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const { port } = new URL(host.baseUrl);
    const answer = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const upload = httpRequest(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/api/start/pipeline",
          headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
        },
        (response) => {
          answered = true;
          let text = "";
          response.on("data", (data: Buffer) => (text += data.toString()));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text, sent }));
        },
      );
      // The host closes the connection after its answer: a write that fails then is expected.
      upload.on("error", (error) => (answered ? undefined : reject(error)));
      const pump = () => {
        while (!answered && sent < total) {
          sent += chunk.length;
          if (!upload.write(chunk)) {
            upload.once("drain", pump);
            return;
          }
        }
        if (!answered) upload.end();
      };
      pump();
    });
    clearInterval(sampler);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, errors: [{ code: "body-too-large" }] });
    // Answered long before the whole body was sent, and the host held about the limit, not the body.
    expect(answer.sent).toBeLessThan(total / 4);
    const grown = peak - before;
    expect(grown / total).toBeLessThan(0.1);
  });
});
