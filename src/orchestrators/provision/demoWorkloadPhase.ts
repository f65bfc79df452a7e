import type { DemoWorkloadInput, DemoWorkloadOutput } from "../../activities/contracts.js";
import { classifyIpPlacement } from "../../domain/ipClassification.js";
import { call, PermanentFailure } from "../activityCalls.js";
import { deadline, pastDeadline, insideClusterPollSeconds, sleep, type Step } from "../runtime.js";
import { clusterRefOf, type ProvisionScope } from "./scope.js";
import { describeMismatches, expectedRanges } from "./verificationPhases.js";

const replicas = 3;

/** The source article's check: hello-kubernetes behind an internal load balancer, its IPs verified, then removed. */
export function* demoWorkloadPhase(scope: ProvisionScope): Step<void> {
  const { context, run, request, timings } = scope;
  if (!request.verify.demoWorkload) {
    run.skip("demoWorkload", "not requested (verify.demoWorkload)");
    return;
  }
  const input: DemoWorkloadInput = { ...clusterRefOf(request), loadBalancerSubnet: request.network.nodeSubnet.name };
  yield* run.step(
    "demoWorkload",
    function* () {
      yield* call(context, "deployDemoWorkload", input);
      const until = deadline(context, timings.podReadyTimeoutMinutes);
      let demo: DemoWorkloadOutput;
      for (;;) {
        demo = yield* call(context, "observeDemoWorkload", input);
        const running = demo.pods.filter((pod) => pod.phase === "Running" && pod.ip !== null).length;
        if (running >= replicas && demo.loadBalancerIp !== null) break;
        if (pastDeadline(context, until)) {
          throw new PermanentFailure({
            code: "DemoWorkloadNotReady",
            message: `${running}/${replicas} pods running, load balancer IP ${demo.loadBalancerIp ?? "pending"}`,
          });
        }
        yield* sleep(context, insideClusterPollSeconds(timings));
      }
      const expected = expectedRanges(scope);
      const pods = classifyIpPlacement(expected, { nodes: [], pods: demo.pods });
      // The demo Service asks for no ipFamilyPolicy, so even on a dual-stack cluster its frontend is IPv4 only.
      const { ipv6: _dualStack, ...ipv4Ranges } = expected;
      const loadBalancer = classifyIpPlacement(ipv4Ranges, {
        nodes: [{ name: "internal-load-balancer", internalIp: demo.loadBalancerIp }],
        pods: [],
      });
      yield* call(context, "removeDemoWorkload", input);
      if (!pods.passed || !loadBalancer.passed) {
        throw new PermanentFailure({
          code: "IpPlacementMismatch",
          message: describeMismatches({ ...pods, nodes: loadBalancer.nodes }),
        });
      }
      return `${replicas} pods in ${pods.pods[0]?.expected ?? "the planned range"}, internal LB ${demo.loadBalancerIp ?? ""}; removed`;
    },
    (detail) => detail,
    `deploying hello-kubernetes (${replicas} replicas, internal load balancer)`,
  );
}
