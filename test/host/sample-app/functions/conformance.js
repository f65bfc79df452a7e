// Orchestrations for the host's conformance tests: one per official-sample pattern, written for this project, plus
// the cases the audit found the host got wrong (execution isolation, replay checks, limits).
import { app, output } from "@azure/functions";
import * as df from "durable-functions";

const calls = new Map();
const count = (key) => {
  const n = (calls.get(key) ?? 0) + 1;
  calls.set(key, n);
  return n;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const after = (context, ms) => new Date(context.df.currentUtcDateTime.getTime() + ms);

df.app.activity("appendMark", { handler: ({ trail, mark }) => `${trail}${mark}` });
df.app.activity("square", { handler: (n) => n * n });
df.app.activity("failsUntil", {
  handler: ({ key, failures }) => {
    const attempt = count(key);
    if (attempt <= failures) throw new Error(`${key}: attempt ${attempt} fails`);
    return attempt;
  },
});
df.app.activity("slowEcho", {
  handler: async ({ value, ms }) => {
    await sleep(ms);
    return value;
  },
});
df.app.activity("probeJob", { handler: ({ key, readyAfter }) => (count(key) >= readyAfter ? "ready" : "pending") });
df.app.activity("textOfLength", { handler: (n) => "x".repeat(n) });
df.app.activity("numericText", { handler: () => "12345678901234567890" });

// Chaining: each step's output feeds the next.
df.app.orchestration("markChain", function* (context) {
  let trail = context.df.getInput() ?? "";
  for (const mark of ["a", "b", "c"]) trail = yield context.df.callActivity("appendMark", { trail, mark });
  return trail;
});

// Fan-out/fan-in: n parallel activities, aggregated.
df.app.orchestration("sumOfSquares", function* (context) {
  const n = context.df.getInput();
  const squares = yield context.df.Task.all(
    Array.from({ length: n }, (_, i) => context.df.callActivity("square", i + 1)),
  );
  return squares.reduce((sum, value) => sum + value, 0);
});

// Retry policy on an activity; a caught final failure is reported, not thrown.
df.app.orchestration("retryingActivity", function* (context) {
  const { key, failures, firstMs, attempts, backoff, timeoutMs } = context.df.getInput();
  const options = new df.RetryOptions(firstMs, attempts);
  if (backoff !== undefined) options.backoffCoefficient = backoff;
  if (timeoutMs !== undefined) options.retryTimeoutInMilliseconds = timeoutMs;
  try {
    return { attempt: yield context.df.callActivityWithRetry("failsUntil", options, { key, failures }) };
  } catch (error) {
    return { failed: error.message };
  }
});

// Sub-orchestration with retry: the child fails until its activity has failed `failures` times.
df.app.orchestration("childThatFails", function* (context) {
  return yield context.df.callActivity("failsUntil", context.df.getInput());
});
df.app.orchestration("parentRetryingChild", function* (context) {
  const input = context.df.getInput();
  return yield context.df.callSubOrchestratorWithRetry("childThatFails", new df.RetryOptions(100, 3), input);
});

// Human interaction: a decision event, or escalation when the deadline passes first.
df.app.orchestration("awaitDecision", function* (context) {
  const { deadlineMs } = context.df.getInput();
  const deadline = context.df.createTimer(after(context, deadlineMs));
  const decision = context.df.waitForExternalEvent("Decision");
  const first = yield context.df.Task.any([decision, deadline]);
  if (first === decision) {
    deadline.cancel();
    return { decision: decision.result };
  }
  return { decision: "escalated" };
});

// Monitor: poll until ready or expired, with a durable timer between polls.
df.app.orchestration("jobMonitor", function* (context) {
  const { key, readyAfter, intervalMs, expiresMs } = context.df.getInput();
  const expiry = context.df.currentUtcDateTime.getTime() + expiresMs;
  let polls = 0;
  while (context.df.currentUtcDateTime.getTime() < expiry) {
    polls += 1;
    if ((yield context.df.callActivity("probeJob", { key, readyAfter })) === "ready") return { polls, ready: true };
    yield context.df.createTimer(after(context, intervalMs));
  }
  return { polls, ready: false };
});

// continueAsNew: an eternal-style loop that restarts itself with fresh history until its limit.
df.app.orchestration("tick", function* (context) {
  const { ticks, limit, intervalMs } = context.df.getInput();
  if (ticks >= limit) return ticks;
  yield context.df.createTimer(after(context, intervalMs));
  context.df.continueAsNew({ ticks: ticks + 1, limit, intervalMs });
  return undefined;
});

// Timer delivery: how much orchestration time each timer of the given delays took to wake the orchestration.
df.app.orchestration("timerWakes", function* (context) {
  const waitedMs = [];
  for (const ms of context.df.getInput()) {
    const started = context.df.currentUtcDateTime.getTime();
    yield context.df.createTimer(after(context, ms));
    waitedMs.push(context.df.currentUtcDateTime.getTime() - started);
  }
  return waitedMs;
});

// Execution isolation: generation 0 leaves a shorter timer armed, then continues as new; generation 1's own long
// timer must be the one that wakes it.
df.app.orchestration("timerGenerations", function* (context) {
  const { generation, shortMs, longMs } = context.df.getInput();
  if (generation === 0) {
    yield context.df.Task.any([context.df.createTimer(after(context, shortMs)), context.df.waitForExternalEvent("next")]);
    context.df.continueAsNew({ generation: 1, shortMs, longMs });
    return undefined;
  }
  const started = context.df.currentUtcDateTime.getTime();
  yield context.df.createTimer(after(context, longMs));
  return { waitedMs: context.df.currentUtcDateTime.getTime() - started };
});

// Execution isolation: generation 0's activity is still running when it continues as new.
df.app.orchestration("activityGenerations", function* (context) {
  const { generation } = context.df.getInput();
  if (generation === 0) {
    yield context.df.Task.any([
      context.df.callActivity("slowEcho", { value: "from generation 0", ms: 300 }),
      context.df.waitForExternalEvent("next"),
    ]);
    context.df.continueAsNew({ generation: 1 });
    return undefined;
  }
  return yield context.df.callActivity("slowEcho", { value: "from generation 1", ms: 700 });
});

// An instance id reused after termination: the terminated execution's activity result must not leak in.
df.app.orchestration("echoSlowly", function* (context) {
  return yield context.df.callActivity("slowEcho", context.df.getInput());
});

// Replay checks: the code changes between episodes (globalThis.sampleVersion, set over HTTP).
df.app.orchestration("versioned", function* (context) {
  if ((globalThis.sampleVersion ?? 1) === 1) {
    const first = yield context.df.callActivity("appendMark", { trail: "", mark: "v1" });
    const go = yield context.df.waitForExternalEvent("go");
    return [first, go];
  }
  const go = yield context.df.waitForExternalEvent("go");
  return [yield context.df.callActivity("appendMark", { trail: "", mark: go })];
});

// Names are case-insensitive, as in the extension.
df.app.orchestration("shouting", function* (context) {
  return yield context.df.callActivity("SQUARE", 7);
});

// Custom status above 16 KB (UTF-16) fails the orchestration.
df.app.orchestration("bigStatus", function* (context) {
  context.df.setCustomStatus("s".repeat(context.df.getInput()));
  yield context.df.createTimer(after(context, 10));
  return "done";
});

// Payload sizes: activity result, orchestration input and output.
df.app.orchestration("payloads", function* (context) {
  const { resultChars } = context.df.getInput();
  const text = yield context.df.callActivity("textOfLength", resultChars);
  return { length: text.length, inputLength: JSON.stringify(context.df.getInput()).length, text };
});

// An activity's string result stays a string.
df.app.orchestration("stringResult", function* (context) {
  const value = yield context.df.callActivity("numericText");
  return { value, type: typeof value };
});

// A long timer (beyond setTimeout's 24.8-day cap) must not fire at once.
df.app.orchestration("longTimer", function* (context) {
  yield context.df.createTimer(after(context, 30 * 24 * 3600 * 1000));
  return "fired";
});

// Sub-orchestrations with explicit ids, for the crash-window tests.
df.app.orchestration("twoChildren", function* (context) {
  const id = context.df.instanceId;
  return yield context.df.Task.all([
    context.df.callSubOrchestrator("markChain", "1:", `${id}-child-1`),
    context.df.callSubOrchestrator("markChain", "2:", `${id}-child-2`),
  ]);
});

// Two external events, in order (the crash-window test checks an event is not recorded twice).
df.app.orchestration("collectTwo", function* (context) {
  const first = yield context.df.waitForExternalEvent("item");
  const second = yield context.df.waitForExternalEvent("item");
  return [first, second];
});

// Many sub-orchestrations started at once (killed while they are being created, in the restart test).
df.app.orchestration("manyChildren", function* (context) {
  const n = context.df.getInput();
  const id = context.df.instanceId;
  const results = yield context.df.Task.all(
    Array.from({ length: n }, (_, i) => context.df.callSubOrchestrator("markChain", `${i}:`, `${id}-c${i}`)),
  );
  return results.length;
});

df.app.client.http("startAndWait", {
  authLevel: "anonymous",
  route: "wait/{name}",
  methods: ["POST"],
  handler: async (request, client) => {
    const text = await request.text();
    const id = await client.startNew(request.params.name, { input: text === "" ? undefined : JSON.parse(text) });
    return client.waitForCompletionOrCreateCheckStatusResponse(request, id, {
      timeoutInMilliseconds: Number(request.query.get("timeoutMs") ?? "5000"),
      retryIntervalInMilliseconds: 50,
    });
  },
});

app.http("setVersion", {
  authLevel: "anonymous",
  route: "version/{v}",
  methods: ["POST"],
  handler: (request) => {
    globalThis.sampleVersion = Number(request.params.v);
    return { status: 204 };
  },
});

// Registered on purpose: things the local host does not emulate, which must be named in a startup warning.
app.timer("nightlyCleanup", { schedule: "0 0 3 * * *", handler: () => undefined });
app.http("archiveRequest", {
  authLevel: "anonymous",
  route: "archive",
  methods: ["POST"],
  extraOutputs: [output.storageBlob({ path: "archive/{rand-guid}", connection: "AzureWebJobsStorage" })],
  handler: () => ({ status: 202 }),
});

// What a parent sees of a failed child: the extension passes the child's failure message and details.
df.app.orchestration("childFailureSeen", function* (context) {
  try {
    yield context.df.callSubOrchestrator("failingChild");
    return null;
  } catch (error) {
    return error.message;
  }
});
