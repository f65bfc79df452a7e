/** Admission of POST /api/clusters, one row per situation the cluster's id can be in. */
import { describe, expect, it } from "vitest";
import { admit, type Admission, type ExistingRun } from "../../src/domain/admission.js";
import type { ClusterRequest } from "../../src/domain/clusterRequest.js";

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
