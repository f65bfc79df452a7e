// Orchestrations exercising every action type the local host supports, and the failure paths.
import { appendFileSync } from "node:fs";
import * as df from "durable-functions";

const flakyAttempts = new Map();

df.app.activity("hello", { handler: (name) => `Hello ${name}` });
df.app.activity("flaky", {
  handler: (key) => {
    const attempt = (flakyAttempts.get(key) ?? 0) + 1;
    flakyAttempts.set(key, attempt);
    if (attempt < 3) throw new Error(`flaky attempt ${attempt}`);
    return attempt;
  },
});
df.app.activity("fail", {
  handler: () => {
    throw new Error("permanent failure");
  },
});
// Records each run in a file, so a restart test can count executions; waits first to be killable mid-run.
df.app.activity("record", {
  handler: async ({ key, ms }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    appendFileSync(process.env.SAMPLE_LOG ?? "/dev/null", `${key}\n`);
    return key;
  },
});

df.app.orchestration("pipeline", function* (context) {
  const greeting = yield context.df.callActivity("hello", "Tokyo");
  const retry = new df.RetryOptions(20, 3);
  const attempts = yield context.df.callActivityWithRetry("flaky", retry, context.df.instanceId);
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 50));
  const fanned = yield context.df.Task.all(["a", "b", "c"].map((name) => context.df.callActivity("hello", name)));
  context.df.setCustomStatus({ stage: "fanned-out" });
  const doubled = yield context.df.callSubOrchestrator("double", 21);
  let childFailed = false;
  try {
    yield context.df.callSubOrchestrator("failingChild");
  } catch {
    childFailed = true;
  }
  let activityError = null;
  try {
    yield context.df.callActivity("fail");
  } catch (error) {
    activityError = error.message;
  }
  context.df.setCustomStatus({ stage: "done" });
  return { greeting, attempts, fanned, doubled, childFailed, activityError };
});

df.app.orchestration("double", function* (context) {
  const value = context.df.getInput();
  yield context.df.callActivity("hello", String(value));
  return value * 2;
});

df.app.orchestration("failingChild", function* (context) {
  yield context.df.callActivity("fail");
});

df.app.orchestration("retriesExhausted", function* (context) {
  yield context.df.callActivityWithRetry("fail", new df.RetryOptions(10, 2));
});

df.app.orchestration("approval", function* (context) {
  const { timeoutMs } = context.df.getInput();
  const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + timeoutMs));
  const approved = context.df.waitForExternalEvent("approve");
  const winner = yield context.df.Task.any([approved, deadline]);
  if (winner === approved) {
    deadline.cancel();
    return { approved: approved.result };
  }
  return { approved: false, timedOut: true };
});

df.app.orchestration("counter", function* (context) {
  const value = context.df.getInput();
  if (value >= 3) return value;
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 10));
  context.df.continueAsNew(value + 1);
  return undefined;
});

// Deliberately broken: depends on process state, so a replay asks for a different activity.
let episodes = 0;
df.app.orchestration("nondeterministic", function* (context) {
  episodes += 1;
  yield context.df.callActivity(episodes === 1 ? "hello" : "fail", "x");
  yield context.df.callActivity("hello", "y");
});

df.app.orchestration("recorded", function* (context) {
  const { steps, ms, prefix } = context.df.getInput();
  const done = [];
  for (let i = 0; i < steps; i += 1) done.push(yield context.df.callActivity("record", { key: `${prefix}-${i}`, ms }));
  return done;
});

df.app.orchestration("callsMissing", function* (context) {
  yield context.df.callActivity("noSuchActivity");
});
