/**
 * Azure runs the app on Node 22 and this machine on Node 20: `npm start`'s entry on Node 22 (the host, the app, the
 * simulator and Azurite all on it) provisions a cluster end to end and proves its IPs, as on Node 20.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/ports.js";
import { node22Binary, node22Version } from "./node22.js";
import {
  descendants,
  killEverything,
  repoRoot,
  startStackProcess,
  stackApi,
  stopStackProcess,
  testStackEnv,
  waitForRun,
} from "./stackProcess.js";
import type { StartedStack } from "./stackProcess.js";

let started: StartedStack | undefined;

afterAll(async () => {
  await killEverything(started);
});

const versionOf = (pid: number) =>
  execFileSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8" })
    .trim()
    .split(" ")[0] ?? "";

describe("the local stack on Node 22", () => {
  it("provisions a cluster end to end with every IP where the plan put it", async () => {
    const node = node22Binary();
    expect(execFileSync(node, ["--version"], { encoding: "utf8" }).trim()).toBe(`v${node22Version}`);
    started = await startStackProcess(testStackEnv("node22-key"), await freePort(), node);
    // The stack and every Node process it started (Azurite, the extension's app worker) run on the Node 22 binary;
    // the real Durable extension's host is the one process that is not Node.
    const pids = [started.process.pid ?? 0, ...descendants(started.process.pid ?? 0)];
    const programs = pids.map(versionOf).filter((program) => !/(^|\/)dotnet$/.test(program));
    expect(programs.length).toBeGreaterThanOrEqual(2);
    expect(programs).toEqual(programs.map(() => node));

    const body = JSON.parse(readFileSync(join(repoRoot, "docs/examples/pod-subnet.json"), "utf8")) as object;
    const accepted = await stackApi(started, "/clusters", { method: "POST", body });
    expect(accepted.status).toBe(202);
    const document = await waitForRun(
      started,
      accepted.body.id as string,
      (doc) => ["Succeeded", "Failed", "Canceled"].includes(doc.status),
      90_000,
    );
    expect(document.status, JSON.stringify(document)).toBe("Succeeded");
    expect(document.ipVerification?.passed).toBe(true);
    expect(await stopStackProcess(started, "SIGINT")).toBe(0);
  }, 150_000);
});
