/**
 * Microsoft.Features (2021-07-01): preview flags go NotRegistered → Registering → Registered ("a few minutes" in real
 * Azure, featureRegistrationMs here); retired flags answer 404 FeatureNotFound as real ARM does once a preview is GA.
 */
import { armError, json, route, type Route, type SimRequest, type SimResponse } from "../http.js";
import { ArmContext, lowerEq, NAME, SUB } from "./context.js";

export function featureRoutes(ctx: ArmContext): Route[] {
  const base = `${SUB}/providers/Microsoft.Features/providers/${NAME}/features/${NAME}`;
  return [
    route("POST", `${base}/register`, (r) => feature(ctx, r, true)),
    route("GET", base, (r) => feature(ctx, r, false)),
  ];
}

function feature(ctx: ArmContext, r: SimRequest, register: boolean): SimResponse {
  const { state } = ctx;
  const [sub = "", namespace = "", name = ""] = r.params;
  const full = `${namespace}/${name}`;
  if (state.config.retiredFeatures.some((retired) => lowerEq(retired, full))) {
    return armError(404, "FeatureNotFound", `The feature '${name}' could not be found.`);
  }
  const key = `${sub}/${full}`.toLowerCase();
  if (register && !state.features.has(key)) {
    state.features.set(key, state.now());
    state.changed();
  }
  const startedAt = state.features.get(key);
  const registration =
    startedAt === undefined
      ? "NotRegistered"
      : state.now() - startedAt >= state.scaled(state.config.featureRegistrationMs)
        ? "Registered"
        : "Registering";
  return json(200, {
    properties: { state: registration },
    id: `/subscriptions/${sub}/providers/Microsoft.Features/providers/${namespace}/features/${name}`,
    type: "Microsoft.Features/providers/features",
    name: full,
  });
}
