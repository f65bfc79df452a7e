/**
 * End-to-end numbers through the in-process stack (memory state, simulator at time scale 0.002): wall time per run,
 * ARM requests per run, and the orchestration's overhead on top of the simulated Azure time.
 */
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ApiClient, follow } from "../src/cli/client.js";
import { repoRoot, startStack } from "../local/stack.js";

export async function benchProvisioning(): Promise<void> {
  const stack = await startStack({
    port: 0,
    dataDir: null,
    timeScale: 0.002,
    env: { CLUSTER_POLL_INTERVAL_SECONDS: "1", FEATURE_POLL_INTERVAL_SECONDS: "1", ROLE_ASSIGNMENT_RETRY_SECONDS: "1" },
  });
  const client = new ApiClient({ baseUrl: stack.apiBaseUrl, key: stack.functionKey });
  try {
    console.log("\nend to end through the local host + simulator (time scale 0.002: AKS create ≈ 0.4 s simulated)");
    for (const mode of ["pod-subnet", "node-subnet", "kubenet", "overlay"]) {
      const request = JSON.parse(readFileSync(join(repoRoot, "docs/examples", `${mode}.json`), "utf8")) as {
        verify?: unknown;
      };
      delete request.verify;
      const before = stack.simulator.control.requestLog().length;
      const start = performance.now();
      const accepted = await client.create(request);
      const final = await follow(client, accepted.id, {
        pollIntervalSeconds: 0.1,
        timeoutSeconds: 300,
        onUpdate: () => undefined,
      });
      const elapsed = performance.now() - start;
      const log = stack.simulator.control.requestLog().slice(before);
      const arm = log.filter((entry) => !entry.path.startsWith("/k8s/") && !entry.path.includes("oauth2"));
      const writes = arm.filter((entry) => entry.method !== "GET" && entry.method !== "HEAD").length;
      const slowest = final.steps
        .filter((step) => step.startedAt !== null && step.completedAt !== null)
        .map((step) => ({
          name: step.name,
          ms: Date.parse(step.completedAt ?? "") - Date.parse(step.startedAt ?? ""),
          attempts: step.attempts,
        }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3)
        .map((step) => `${step.name} ${(step.ms / 1000).toFixed(1)} s${step.attempts > 1 ? ` ×${step.attempts}` : ""}`)
        .join(", ");
      console.log(
        `${mode.padEnd(12)} ${final.status.padEnd(10)} ${(elapsed / 1000).toFixed(1).padStart(5)} s  ARM requests ${String(arm.length).padStart(3)} (${writes} writes)  Kubernetes requests ${log.length - arm.length}  slowest: ${slowest}`,
      );
    }
    const heap = process.memoryUsage();
    console.log(
      `process memory after 4 runs: rss ${(heap.rss / 1024 / 1024).toFixed(0)} MiB, heap ${(heap.heapUsed / 1024 / 1024).toFixed(0)} MiB`,
    );
  } finally {
    await stack.close();
  }
}
