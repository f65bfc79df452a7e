/**
 * A change run's checks before its first AKS call: the pools of the new spec against the subnets' real use
 * (domain/changes/subnetRoom.ts). A subnet that would be full ends the run here with SubnetIsFull; AKS is not called.
 */
import { subnetRoom } from "../../domain/changes/subnetRoom.js";
import { call, PermanentFailure } from "../activityCalls.js";
import type { Step } from "../runtime.js";
import { clusterRefOf, type ProvisionScope } from "./scope.js";

/** Change codes whose pools need addresses the subnet may not have. */
export const sizedChanges = new Set(["pool-scale", "pool-autoscale", "pool-add"]);

export function* changeChecksPhase(scope: ProvisionScope): Step<void> {
  const { context, run, request } = scope;
  yield* run.step(
    "changeChecks",
    function* () {
      const live = yield* call(context, "readAgentPools", clusterRefOf(request));
      const rooms = subnetRoom(request, live);
      const full = rooms.filter((room) => !room.fits);
      if (full.length > 0) {
        throw new PermanentFailure({
          code: "SubnetIsFull",
          message: full
            .map(
              (room) =>
                `subnet ${room.subnet} (${room.cidr}) has ${room.usable} usable addresses; the spec's pools need ${room.needed} at their maximum plus surge and ${room.otherPools.length > 0 ? `pools ${room.otherPools.join(", ")} already use ${room.others}` : "nothing else uses it"}; no AKS call was made`,
            )
            .join("; "),
        });
      }
      return rooms;
    },
    (rooms) =>
      rooms
        .map((room) => `${room.subnet}: ${room.needed + room.others} of ${room.usable} at maximum plus surge`)
        .join("; "),
    "the pools of the new spec against each subnet's real use, before any AKS call",
  );
}
