/**
 * `--timers auto`: when nothing is runnable the host jumps its clock to the next due timer, so an hour-long durable
 * timer fires at once (the mode for tests of long-running orchestrations).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/ports.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const appRoot = fileURLToPath(new URL("./sample-app", import.meta.url));
let host: ChildProcess | undefined;

afterAll(() => {
  host?.kill("SIGKILL");
});

describe("auto timers", () => {
  it("fires an hour-long timer without waiting an hour", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    host = spawn(
      process.execPath,
      [join(repoRoot, "dist/local/host/main.js"), "--app-root", appRoot, "--port", String(port), "--timers", "auto"],
      {
        env: { ...process.env, AzureWebJobsStorage: "", SAMPLE_HUB: "AutoHub" },
        stdio: "ignore",
      },
    );
    const until = Date.now() + 20_000;
    while (
      !(await fetch(`${base}/api/instances`)
        .then((r) => r.ok)
        .catch(() => false))
    ) {
      if (Date.now() > until) throw new Error("host did not start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const started = Date.now();
    const response = await fetch(`${base}/api/start/approval?id=hour`, {
      method: "POST",
      body: JSON.stringify({ timeoutMs: 3_600_000 }),
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(202);
    let status: { runtimeStatus: string; output: unknown } | undefined;
    while (Date.now() - started < 15_000) {
      status = (await (await fetch(`${base}/api/status/hour`)).json()) as { runtimeStatus: string; output: unknown };
      if (status.runtimeStatus === "Completed") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: { approved: false, timedOut: true } });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
