/**
 * Admission of POST /api/clusters: the request rules, then one row per situation the cluster's id can be in, and the
 * whole decision (start, join, what-if, refuse) for real specs of the documented examples.
 */
import { describe, expect, it } from "vitest";
import {
  admit,
  decideAdmission,
  refuseRequest,
  specHash,
  type Admission,
  type AdmissionOutcome,
  type ExistingRun,
} from "../../src/domain/admission.js";
import type { ClusterRequest } from "../../src/domain/clusterRequest.js";
import { plannedExample } from "../fixtures/examples.js";

const built = { clusterName: "aks-1" } as ClusterRequest;
const run = (over: Partial<ExistingRun>): ExistingRun => ({
  active: false,
  tearingDown: false,
  specHash: "same",
  request: built,
  succeeded: false,
  ...over,
});

const rows: [string, ExistingRun | null, string, boolean, Admission][] = [
  ["nothing under the id: start", null, "same", false, { decision: "start" }],
  ["the same spec running: join it", run({ active: true }), "same", false, { decision: "join" }],
  [
    "the same spec running, asked what-if: a conflict, never a join",
    run({ active: true }),
    "same",
    true,
    { decision: "conflict", reason: "other-spec-running" },
  ],
  [
    "another spec running: conflict",
    run({ active: true }),
    "other",
    false,
    { decision: "conflict", reason: "other-spec-running" },
  ],
  [
    "a teardown running: conflict, whatever the spec",
    run({ active: true, tearingDown: true }),
    "same",
    false,
    { decision: "conflict", reason: "being-deleted" },
  ],
  [
    "a built cluster: the new spec is a change",
    run({ succeeded: true }),
    "other",
    false,
    { decision: "change", from: built },
  ],
  [
    "a built cluster, same spec: still a change (an empty one)",
    run({ succeeded: true }),
    "same",
    false,
    { decision: "change", from: built },
  ],
  ["a failed run: start again", run({}), "same", false, { decision: "start" }],
  [
    "a finished teardown: start afresh",
    run({ tearingDown: true, succeeded: false }),
    "same",
    false,
    { decision: "start" },
  ],
  [
    "a succeeded run that carries no request: start",
    run({ succeeded: true, request: null, specHash: null }),
    "same",
    false,
    { decision: "start" },
  ],
];

describe("admit", () => {
  it.each(rows)("%s", (_name, existing, specHash, whatIf, expected) => {
    expect(admit(existing, specHash, whatIf)).toEqual(expected);
  });
});

describe("refuseRequest: what the run cannot build or where it may not build, before the store is read", () => {
  const overlay = plannedExample("overlay");
  const privateWithDemo = plannedExample("overlay", (body) => {
    body.apiServer = { private: true };
    body.verify = { demoWorkload: true };
  });
  const rows: [string, ClusterRequest, string[], { status: number; code?: string } | null][] = [
    ["an ordinary request, no allow-list: admitted", overlay, [], null],
    ["its location on the allow-list: admitted", overlay, [overlay.location.toLowerCase()], null],
    ["a location off the allow-list: 403", overlay, ["northeurope"], { status: 403 }],
    [
      "a demo workload on a private cluster: 400 not-yet-provisionable, whatever the location",
      privateWithDemo,
      ["northeurope"],
      { status: 400, code: "not-yet-provisionable" },
    ],
  ];
  it.each(rows)("%s", (_name, request, allowedLocations, expected) => {
    const refused = refuseRequest(request, { allowedLocations }, "/api/clusters");
    if (expected === null) return expect(refused).toBeNull();
    expect(refused?.status).toBe(expected.status);
    if (expected.code !== undefined) expect(refused?.errors?.map((error) => error.code)).toEqual([expected.code]);
  });
});

describe("decideAdmission: the whole decision for specs of the documented examples", () => {
  const where = {
    id: "c0123456789abcdef01234567",
    statusUrl: "http://localhost/api/clusters/c0123456789abcdef01234567",
  };
  const pools = plannedExample("overlay-user-pools");
  const scaled = plannedExample("overlay-user-pools", (body) => (body.nodePools[1].count = 5));
  const dropped = plannedExample("overlay-user-pools", (body) => body.nodePools.splice(1, 1));
  const moved = plannedExample("overlay-user-pools", (body) => (body.location = "northeurope"));
  const built = (request: ClusterRequest): ExistingRun => ({
    active: false,
    tearingDown: false,
    specHash: specHash(request),
    request,
    succeeded: true,
  });
  const running = (request: ClusterRequest): ExistingRun => ({ ...built(request), active: true, succeeded: false });

  type Row = {
    name: string;
    next: ClusterRequest;
    existing: ExistingRun | null;
    whatIf?: boolean;
    acknowledged?: string[];
    expected: (outcome: AdmissionOutcome) => void;
  };
  const kind = (outcome: AdmissionOutcome) => outcome.kind;
  const problemOf = (outcome: AdmissionOutcome) => (outcome.kind === "refuse" ? outcome.problem : null);
  const planOf = (outcome: AdmissionOutcome) =>
    outcome.kind === "start" || outcome.kind === "what-if" ? outcome.plan : undefined;
  const rows: Row[] = [
    {
      name: "a new cluster: start, no plan, no change",
      next: pools,
      existing: null,
      expected: (outcome) => expect(outcome).toEqual({ kind: "start", plan: null, change: null }),
    },
    {
      name: "a new cluster, what-if: no change plan (POST /plans plans it)",
      next: pools,
      existing: null,
      whatIf: true,
      expected: (outcome) => expect(outcome).toEqual({ kind: "what-if", plan: null }),
    },
    {
      name: "the same spec running: join",
      next: pools,
      existing: running(pools),
      expected: (outcome) => expect(outcome).toEqual({ kind: "join" }),
    },
    {
      name: "another spec running: 409 naming the run",
      next: scaled,
      existing: running(pools),
      expected: (outcome) => {
        expect(problemOf(outcome)).toMatchObject({ status: 409, id: where.id, statusUrl: where.statusUrl });
        expect(problemOf(outcome)?.detail).toContain("different spec is in progress");
      },
    },
    {
      name: "a teardown running: 409 being deleted",
      next: pools,
      existing: { ...running(pools), tearingDown: true },
      expected: (outcome) => expect(problemOf(outcome)?.detail).toContain("is being deleted"),
    },
    {
      name: "a built cluster, a pool scaled: start the change with its plan and codes",
      next: scaled,
      existing: built(pools),
      expected: (outcome) => {
        expect(outcome).toMatchObject({ kind: "start", change: { codes: ["pool-scale"], removePools: [] } });
        expect(planOf(outcome)?.changes.map((change) => change.paths)).toEqual([["nodePools.1.count"]]);
      },
    },
    {
      name: "a built cluster, the same spec: start with an empty plan and no change",
      next: pools,
      existing: built(pools),
      expected: (outcome) => expect(outcome).toMatchObject({ kind: "start", change: null, plan: { changes: [] } }),
    },
    {
      name: "a dropped pool not acknowledged: 409 acknowledgement-required, carrying the plan",
      next: dropped,
      existing: built(pools),
      expected: (outcome) => {
        expect(problemOf(outcome)?.errors?.map((error) => error.code)).toEqual(["acknowledgement-required"]);
        expect(problemOf(outcome)).toHaveProperty("changePlan.acknowledgementNeeded", ["pool-remove"]);
      },
    },
    {
      name: "a dropped pool acknowledged: start, the pool to remove named",
      next: dropped,
      existing: built(pools),
      acknowledged: ["pool-remove"],
      expected: (outcome) =>
        expect(outcome).toMatchObject({ kind: "start", change: { codes: ["pool-remove"], removePools: ["apps"] } }),
    },
    {
      name: "a field AKS cannot change: 409 immutable-field",
      next: moved,
      existing: built(pools),
      expected: (outcome) =>
        expect(problemOf(outcome)?.errors).toEqual([
          expect.objectContaining({ path: "location", code: "immutable-field" }),
        ]),
    },
    {
      name: "a field AKS cannot change, what-if: the plan that says so, nothing refused",
      next: moved,
      existing: built(pools),
      whatIf: true,
      expected: (outcome) => {
        expect(kind(outcome)).toBe("what-if");
        expect(planOf(outcome)?.refused.map((refused) => refused.path)).toEqual(["location"]);
      },
    },
    {
      name: "a failed run: start afresh, no plan",
      next: scaled,
      existing: { ...built(pools), succeeded: false },
      expected: (outcome) => expect(outcome).toEqual({ kind: "start", plan: null, change: null }),
    },
  ];
  it.each(rows)("$name", (row) => {
    row.expected(
      decideAdmission({
        request: row.next,
        specHash: specHash(row.next),
        existing: row.existing,
        whatIf: row.whatIf ?? false,
        acknowledged: row.acknowledged ?? [],
        where,
      }),
    );
  });
});
