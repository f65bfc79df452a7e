/**
 * `npm start` on one state folder, four times: the first is SIGKILLed while its run is building the cluster; the
 * second resumes that run against the same simulated Azure (its state, port and credentials kept beside Azurite's data)
 * and is stopped with Ctrl-C (SIGINT to the whole process group, as a terminal sends it) soon after; the third
 * finishes it and is stopped with Ctrl-C; the fourth still shows the finished run and provisions the same request
 * again. Nothing may be orphaned in between. On both Durable engines: the local host's and the real extension.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/ports.js";
import {
  alive,
  descendants,
  killEverything,
  repoRoot,
  startStackProcess,
  stopStackProcess,
  stackApi,
  testStackEnv,
  waitForRun,
  type StartedStack,
} from "./stackProcess.js";

let current: StartedStack | undefined;
afterAll(async () => {
  await killEverything(current);
});

const key = "restart-test-key";
const request = JSON.parse(readFileSync(join(repoRoot, "docs/examples/pod-subnet.json"), "utf8")) as unknown;

describe.each(["local", "extension"])(
  "npm start on the %s Durable engine, restarted on the same state folder",
  (engine) => {
    it("resumes a run cut off by SIGKILL or Ctrl-C and provisions again, losing and orphaning nothing", async () => {
      // Slow enough that the kill lands while AKS is still creating the cluster.
      const env = { ...testStackEnv(key, "0.03"), DURABLE_ENGINE: engine };
      const port = await freePort();

      current = await startStackProcess(env, port);
      const started = await stackApi(current, "/clusters", { method: "POST", body: request });
      expect(started.status).toBe(202);
      const id = started.body.id as string;
      await waitForRun(
        current,
        id,
        (doc) => doc.steps?.some((s: any) => s.name === "cluster" && s.status === "running"),
        60_000,
      );
      const firstChildren = descendants(current.process.pid ?? 0);
      expect(current.banner()).toContain(
        engine === "extension" ? "the real Durable Functions extension" : "local host's own",
      );
      await stopStackProcess(current, "SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(firstChildren.filter(alive), "Azurite or the .NET host outlived a SIGKILLed npm start").toEqual([]);

      // Resumed, then Ctrl-C soon after (the run is usually still building): what this start wrote must be kept.
      current = await startStackProcess(env, port);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const beforeCtrlC = await stackApi(current, `/clusters/${id}`);
      expect(beforeCtrlC.status).toBe(200);
      expect(await stopStackProcess(current, "SIGINT")).toBe(0);

      current = await startStackProcess(env, port);
      const afterCtrlC = await stackApi(current, `/clusters/${id}`);
      expect(afterCtrlC.status).toBe(200);
      expect(afterCtrlC.body.updatedAt >= beforeCtrlC.body.updatedAt).toBe(true);
      const ended = await waitForRun(
        current,
        id,
        (doc) => ["Succeeded", "Failed", "Canceled"].includes(doc.status),
        120_000,
      );
      // A run reads Succeeded while it still delivers its completion events; on the real extension those take queue
      // hops, so wait for the document to hold still before comparing it with what the next start shows.
      let resumed = ended;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        const again = await stackApi(current, `/clusters/${id}`);
        if (again.body.updatedAt === resumed.updatedAt) break;
        resumed = again.body;
      }
      expect(resumed.error, JSON.stringify(resumed.error)).toBeNull();
      expect(resumed.status).toBe("Succeeded");
      expect(await stopStackProcess(current, "SIGINT")).toBe(0);

      current = await startStackProcess(env, port);
      // Ctrl-C reached Azurite too (the whole foreground group): the finished run must still be there, as it was.
      const kept = await stackApi(current, `/clusters/${id}`);
      expect(kept.status).toBe(200);
      expect(kept.body).toMatchObject({ status: "Succeeded", updatedAt: resumed.updatedAt });
      const again = await stackApi(current, "/clusters", { method: "POST", body: request });
      expect(again.status).toBe(202);
      const final = await waitForRun(
        current,
        id,
        (doc) => ["Succeeded", "Failed"].includes(doc.status) && doc.updatedAt > resumed.updatedAt,
        120_000,
      );
      expect(final.status).toBe("Succeeded");
      expect(final.steps.find((s: any) => s.name === "cluster").detail).toMatch(/Succeeded/);
      const lastChildren = descendants(current.process.pid ?? 0);
      expect(await stopStackProcess(current, "SIGINT")).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(lastChildren.filter(alive)).toEqual([]);
    }, 300_000);
  },
);
