/**
 * The CLI as a pipeline uses it: real HTTP to a scripted API on a local port, every command in text and JSON, and the
 * documented exit code for each outcome. Commands run in-process with captured stdout/stderr.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exitCodeMeanings, exitCodes } from "../../cli/src/exitCodes.js";
import type { Io } from "../../cli/src/io.js";
import { run } from "../../cli/src/main.js";
import type { IpVerification } from "../../src/domain/ipClassification.js";
import { FakeApi, problem, statusDocument } from "./fakeApi.js";

const id = "sub1-rg1-aks1";
const statusUrl = `http://api/api/clusters/${id}`;
const workDir = mkdtempSync(join(tmpdir(), "cli-test-"));
const requestFile = join(workDir, "request.json");
writeFileSync(requestFile, JSON.stringify({ clusterName: "aks1" }));

const passed: IpVerification = {
  passed: true,
  nodes: [{ name: "aks-node-0", ip: "10.240.0.4", expected: "node-subnet", actual: "node-subnet", ok: true }],
  pods: [],
  summary: { nodes: 1, pods: 0, hostNetworkPods: 0, mismatches: 0, pendingPods: 0 },
};
const succeeded = statusDocument(id, "Succeeded", {
  ipVerification: passed,
  resources: {
    clusterId: "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks1",
    nodeResourceGroupId: "/subscriptions/sub1/resourceGroups/MC_rg1_aks1_westus2",
  },
});

let api: FakeApi;

beforeEach(async () => {
  api = await new FakeApi().start();
});

afterEach(async () => {
  await api.close();
});

/** Runs `aks-provision …args` against the fake API and returns what a user would see. */
async function cli(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (text) => void (stdout += text), isTTY: false },
    stderr: { write: (text) => void (stderr += text) },
    readStdin: () => JSON.stringify({ clusterName: "from-stdin" }),
    env: { CI: "true" },
  };
  const code = await run(["node", "aks-provision", "--url", api.url, "--key", "k", ...args], io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> };
}

const accepted = { status: 202, body: { id, status: "Pending", statusUrl }, headers: { "retry-after": "0" } };

describe("exit codes", () => {
  it("are distinct and each one is listed in --help", async () => {
    const codes = Object.values(exitCodes);
    expect(new Set(codes).size).toBe(codes.length);
    const help = await cli("--help");
    expect(help.code).toBe(0);
    for (const { code, meaning } of exitCodeMeanings) expect(help.stdout).toContain(`  ${code}  ${meaning}`);
  });

  it("are documented with the same numbers in docs/pipelines.md", () => {
    const docs = readFileSync(new URL("../../docs/pipelines.md", import.meta.url), "utf8");
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    for (const { code, meaning } of exitCodeMeanings)
      expect(docs).toMatch(new RegExp(`^\\| ${code} +\\| ${escape(meaning)} +\\|$`, "m"));
  });

  it("1 for usage errors: an unknown command, a bad option value, a missing request file", async () => {
    expect((await cli("frobnicate")).code).toBe(exitCodes.invalid);
    const noCommand = await cli();
    expect(noCommand.code).toBe(exitCodes.invalid);
    expect(noCommand.stderr).toContain("Usage: aks-provision");
    const subcommandHelp = await cli("help", "create");
    expect(subcommandHelp.code).toBe(exitCodes.ok);
    expect(subcommandHelp.stdout).toContain("--idempotency-key <key>");
    const badTimeout = await cli("create", "-f", requestFile, "--wait", "--timeout", "soon");
    expect(badTimeout.code).toBe(exitCodes.invalid);
    expect(badTimeout.stderr).toContain("expected a positive number of seconds");
    const missing = await cli("create", "-f", join(workDir, "nope.json"));
    expect(missing.code).toBe(exitCodes.invalid);
    expect(missing.stderr).toContain("Cannot read the request file");
    expect(api.requests).toEqual([]);
  });

  it("1 for a request the API rejects (400), with every violation listed", async () => {
    api.on(
      "POST",
      /^\/api\/clusters$/,
      problem(400, "Bad Request", "The request is invalid.", {
        errors: [{ path: "network.podCidr", code: "overlaps-vnet", message: "overlaps the VNet" }],
      }),
    );
    const result = await cli("create", "-f", requestFile);
    expect(result.code).toBe(exitCodes.invalid);
    expect(result.stderr).toMatch(/network\.podCidr\s+overlaps-vnet\s+overlaps the VNet/);
  });

  it.each([
    [403, "Forbidden", "Subscription sub9 is not allowed.", exitCodes.forbidden],
    [409, "Conflict", "A teardown is in progress for this cluster.", exitCodes.conflict],
    [422, "Unprocessable Content", "Idempotency-Key k1 was used with another body.", exitCodes.invalid],
    [503, "Service Unavailable", "Try later.", exitCodes.unreachable],
  ])(
    "create answered %i %s: the documented exit code and the reason, in text and JSON",
    async (status, title, detail, code) => {
      api.on("POST", /^\/api\/clusters$/, problem(status, title, detail));
      const text = await cli("create", "-f", requestFile);
      expect(text.code).toBe(code);
      expect(text.stderr).toContain(`${status} ${title}: ${detail}`);
      const json = await cli("--output", "json", "create", "-f", requestFile);
      expect(json.code).toBe(code);
      expect(json.json()).toEqual({ error: expect.objectContaining({ exitCode: code, status, title, detail }) });
    },
  );

  it("5 for an unknown run id (404)", async () => {
    api.on("GET", /^\/api\/clusters\/nope$/, problem(404, "Not Found", "No provisioning run with id 'nope'."));
    const result = await cli("status", "nope");
    expect(result.code).toBe(exitCodes.notFound);
    expect(result.stderr).toContain("No provisioning run with id 'nope'.");
  });

  it("6 when delete finds provisioning still running (409)", async () => {
    api.on("DELETE", /^\/api\/clusters\//, problem(409, "Conflict", "Provisioning is still running; cancel it first."));
    expect((await cli("delete", id)).code).toBe(exitCodes.conflict);
  });

  it("7 when --if-match no longer matches (412), and the ETag is sent as If-Match", async () => {
    api.on("POST", /\/cancel$/, (request) =>
      request.headers["if-match"] === '"v2"'
        ? { status: 202, body: { id, status: "Running", statusUrl } }
        : problem(412, "Precondition Failed", "The run changed since you read it."),
    );
    const stale = await cli("cancel", id, "--if-match", '"v1"');
    expect(stale.code).toBe(exitCodes.preconditionFailed);
    expect(stale.stderr).toContain("412 Precondition Failed: The run changed since you read it.");
    expect((await cli("cancel", id, "--if-match", '"v2"')).code).toBe(exitCodes.ok);
    api.on("DELETE", /^\/api\/clusters\//, problem(412, "Precondition Failed", "changed"));
    expect((await cli("delete", id, "--if-match", '"v1"')).code).toBe(exitCodes.preconditionFailed);
    expect(api.requests.at(-1)?.headers["if-match"]).toBe('"v1"');
  });

  it("3 for a wrong key (401) and for an API that is not there", async () => {
    api.on("GET", /^\/api\/clusters/, { status: 401 });
    const wrongKey = await cli("list");
    expect(wrongKey.code).toBe(exitCodes.unreachable);
    expect(wrongKey.stderr).toContain("the API key is missing or unknown");
    await api.close();
    const gone = await cli("--output", "json", "list");
    expect(gone.code).toBe(exitCodes.unreachable);
    expect(gone.json()).toMatchObject({ error: { exitCode: 3, code: "Unreachable" } });
  });
});

describe("create --wait", () => {
  it("follows the run to Succeeded: exit 0, one line per step change, then the IP verification", async () => {
    api.on("POST", /^\/api\/clusters$/, accepted);
    api.statusSequence(id, [statusDocument(id, "Running"), succeeded]);
    const result = await cli("create", "-f", requestFile, "--wait");
    expect(result.code).toBe(exitCodes.ok);
    expect(result.stdout).toContain(`accepted ${id}  ${statusUrl}`);
    expect(result.stdout).toMatch(/… cluster\s+running\s+ProvisioningControlPlane/);
    expect(result.stdout).toMatch(/✓ cluster\s+succeeded/);
    expect(result.stdout).toContain("PASSED: 1 nodes, 0 pods (0 hostNetwork), 0 mismatches");
    expect(result.stderr).toBe("");
  });

  it("with --output json prints only the final document on stdout; progress goes to stderr", async () => {
    api.on("POST", /^\/api\/clusters$/, accepted);
    api.statusSequence(id, [statusDocument(id, "Running"), succeeded]);
    const result = await cli("-o", "json", "create", "-f", requestFile, "--wait");
    expect(result.code).toBe(exitCodes.ok);
    expect(result.json()).toEqual(succeeded);
    expect(result.stderr).toContain(`accepted ${id}`);
    expect(result.stderr).toMatch(/✓ cluster\s+succeeded/);
  });

  it("exits 2 when the run fails, naming the step and the ARM code", async () => {
    api.on("POST", /^\/api\/clusters$/, accepted);
    const failed = statusDocument(id, "Failed", {
      error: { step: "cluster", code: "QuotaExceeded", message: "Regional vCPU quota exceeded" },
    });
    api.statusSequence(id, [failed]);
    const result = await cli("create", "-f", requestFile, "--wait");
    expect(result.code).toBe(exitCodes.failed);
    expect(result.stderr).toContain("Failed at step cluster: QuotaExceeded: Regional vCPU quota exceeded");
    const json = await cli("-o", "json", "create", "-f", requestFile, "--wait");
    expect(json.code).toBe(exitCodes.failed);
    expect(json.json()).toMatchObject({ id, status: "Failed", error: { code: "QuotaExceeded" } });
  });

  it("exits 8 at --timeout even when the API asks to come back much later, and says the run goes on", async () => {
    api.on("POST", /^\/api\/clusters$/, accepted);
    api.statusSequence(id, [statusDocument(id, "Running")], 30);
    const started = Date.now();
    const result = await cli("-o", "json", "create", "-f", requestFile, "--wait", "--timeout", "0.5");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.code).toBe(exitCodes.waitTimeout);
    expect(result.json()).toMatchObject({
      error: { exitCode: 8, code: "WaitTimeout", detail: "Timed out after 0.5 s; the run goes on (status Running)." },
      status: { id, status: "Running" },
    });
  });

  it("sends --idempotency-key as Idempotency-Key, and reads the request from stdin with -f -", async () => {
    api.on("POST", /^\/api\/clusters$/, accepted);
    const result = await cli("create", "-f", "-", "--idempotency-key", "run-42");
    expect(result.code).toBe(exitCodes.ok);
    expect(api.requests[0]?.headers["idempotency-key"]).toBe("run-42");
    expect(api.requests[0]?.headers["x-api-key"]).toBe("k");
    expect(api.requests[0]?.body).toEqual({ clusterName: "from-stdin" });
  });

  it("--wait follows an interim outcome (omittedRows) to the whole IP table", async () => {
    api.on("POST", /^\/api\/clusters$/, accepted);
    const interim = statusDocument(id, "Succeeded", {
      ipVerification: { ...passed, nodes: [], omittedRows: 1 },
    });
    api.statusSequence(id, [interim, succeeded]);
    const result = await cli("create", "-f", requestFile, "--wait");
    expect(result.code).toBe(exitCodes.ok);
    expect(result.stdout).toContain("aks-node-0");
    expect(result.stdout).not.toContain("not listed yet");
    expect(api.requests.filter((request) => request.method === "GET")).toHaveLength(2);
  });

  it("sends --token as a bearer token for Easy Auth, beside the function key", async () => {
    api.on("POST", /^\/api\/clusters$/, accepted);
    const result = await cli("--token", "signed.principal", "create", "-f", requestFile);
    expect(result.code).toBe(exitCodes.ok);
    expect(api.requests[0]?.headers.authorization).toBe("Bearer signed.principal");
    expect(api.requests[0]?.headers["x-api-key"]).toBe("k");
    expect(result.stdout + result.stderr).not.toContain("signed.principal");
  });

  it("--outputs-file appends the run's outcome as key=value lines (GitHub's $GITHUB_OUTPUT)", async () => {
    api.on("POST", /^\/api\/clusters$/, accepted);
    api.statusSequence(id, [succeeded]);
    const outputs = join(workDir, "github-output");
    writeFileSync(outputs, "earlier=kept\n");
    expect((await cli("create", "-f", requestFile, "--wait", "--outputs-file", outputs)).code).toBe(0);
    expect(readFileSync(outputs, "utf8")).toBe(
      [
        "earlier=kept",
        `cluster-id=${id}`,
        "status=Succeeded",
        `cluster-resource-id=${succeeded.resources.clusterId}`,
        `node-resource-group-id=${succeeded.resources.nodeResourceGroupId}`,
        "ip-verification=passed",
        "ip-mismatches=0",
        "",
      ].join("\n"),
    );
  });
});

describe("delete --wait", () => {
  const step = (name: string, status: "succeeded" | "running", detail: string | null = null) => ({
    name: name as "cluster",
    status,
    startedAt: "2026-11-23T10:00:00.000Z",
    completedAt: status === "succeeded" ? "2026-11-23T10:01:00.000Z" : null,
    attempts: 1,
    detail,
  });
  const provisioned = [step("network", "succeeded", "vnet-aks created"), step("cluster", "succeeded")];
  const request = { clusterName: "aks1" } as never;

  it("prints the teardown's own steps and outcome, not the provisioning steps or the IP table", async () => {
    api.on("DELETE", /^\/api\/clusters\//, { status: 202, body: { id, status: "Deleting", statusUrl } });
    const deleting = statusDocument(id, "Deleting", {
      request,
      ipVerification: passed,
      steps: [...provisioned, step("deleteCluster", "running", "Deleting managed cluster aks1")],
    });
    const deleted = statusDocument(id, "Deleted", {
      request,
      ipVerification: passed,
      steps: [...provisioned, step("deleteCluster", "succeeded", "managed cluster aks1 deleted")],
    });
    api.statusSequence(id, [deleting, deleted]);
    const result = await cli("delete", id, "--wait");
    expect(result.code).toBe(exitCodes.ok);
    expect(result.stdout).toBe(
      [
        `deleting ${id}  ${statusUrl}`,
        "… deleteCluster   running  Deleting managed cluster aks1",
        "✓ deleteCluster   succeeded  managed cluster aks1 deleted",
        "Deleted: aks1",
        "",
      ].join("\n"),
    );
  });
});

describe("step lines", () => {
  it("say the IP verification read the cluster again while pods started, not that it failed", async () => {
    const reads = (status: "running" | "succeeded") =>
      statusDocument(id, status === "running" ? "Running" : "Succeeded", {
        steps: [
          {
            name: "ipVerification",
            status,
            startedAt: "2026-11-23T10:00:00.000Z",
            completedAt: null,
            attempts: 3,
            detail: status === "running" ? "waiting: 2 pods Pending" : "3 nodes, 25 pods",
          },
        ],
      });
    api.on("POST", /^\/api\/clusters$/, accepted);
    api.statusSequence(id, [reads("running"), reads("succeeded")]);
    const result = await cli("create", "-f", requestFile, "--wait");
    expect(result.stdout).toMatch(/… ipVerification\s+running \(read 3\) {2}waiting: 2 pods Pending\n/);
    expect(result.stdout).toMatch(/✓ ipVerification\s+succeeded \(3 reads while pods started\) {2}3 nodes, 25 pods\n/);
    expect(result.stdout).not.toContain("attempt");
  });

  it("show is status by another name", async () => {
    api.statusSequence(id, [succeeded]);
    const shown = await cli("show", id);
    expect(shown.code).toBe(exitCodes.ok);
    expect(shown.stdout).toBe((await cli("status", id)).stdout);
    expect((await cli("--help")).stdout).toMatch(/status\|show \[options\] <id>/);
  });
});

describe("--output json on every command", () => {
  it("plan: the API's answer; exit 1 when invalid", async () => {
    api.on("POST", /^\/api\/plans$/, {
      status: 200,
      body: { valid: false, violations: [{ path: "nodeCount", code: "too-small", message: "at least 1" }], plan: null },
    });
    const result = await cli("-o", "json", "plan", "-f", requestFile);
    expect(result.code).toBe(exitCodes.invalid);
    expect(result.json()).toMatchObject({ valid: false, violations: [{ code: "too-small" }] });
    expect(result.stderr).toBe("");
  });

  it("create without --wait: the 202's id, status and status URL", async () => {
    api.on("POST", /^\/api\/clusters$/, accepted);
    const result = await cli("--output", "json", "create", "-f", requestFile);
    expect(result.json()).toEqual({ id, status: "Pending", statusUrl, retryAfterSeconds: 0 });
  });

  it("status: the status document (the old --json flag still works)", async () => {
    api.statusSequence(id, [succeeded]);
    expect((await cli("-o", "json", "status", id)).json()).toEqual(succeeded);
    expect((await cli("status", id, "--json")).json()).toEqual(succeeded);
  });

  it("status: with the ETag the API sent, ready for --if-match", async () => {
    api.on("GET", new RegExp(`^/api/clusters/${id}$`), { status: 200, body: succeeded, headers: { etag: '"v3"' } });
    expect((await cli("-o", "json", "status", id)).json()).toEqual({ ...succeeded, etag: '"v3"' });
    expect((await cli("status", id)).stdout).toMatch(/\netag "v3"\n$/);
  });

  it("list: the page as the API sent it, paging token included", async () => {
    const page = { items: [{ id, status: "Succeeded" }], continuationToken: "abc" };
    api.on("GET", /^\/api\/clusters(\?.*)?$/, { status: 200, body: page });
    const result = await cli("-o", "json", "list", "--status", "Succeeded");
    expect(result.json()).toEqual(page);
    expect(api.requests[0]?.path).toBe("/api/clusters?status=Succeeded");
  });

  it("delete and cancel: the 202", async () => {
    api.on("DELETE", /^\/api\/clusters\//, { status: 202, body: { id, status: "Deleting", statusUrl } });
    api.on("POST", /\/cancel$/, { status: 202, body: { id, status: "Running", statusUrl } });
    expect((await cli("-o", "json", "delete", id, "--resource-group")).json()).toMatchObject({
      id,
      status: "Deleting",
    });
    expect(api.requests[0]?.path).toBe(`/api/clusters/${id}?scope=resourceGroup`);
    expect((await cli("-o", "json", "cancel", id)).json()).toMatchObject({ id, status: "Running" });
  });

  it("usage errors too, as an error document", async () => {
    const result = await cli("-o", "json", "status");
    expect(result.code).toBe(exitCodes.invalid);
    expect(result.json()).toMatchObject({ error: { exitCode: 1, code: "Usage" } });
  });
});
