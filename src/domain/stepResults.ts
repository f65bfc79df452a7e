/**
 * Shapes that a run's steps report and the status document shows. They live in the domain because the domain renders
 * them; activities produce them and import them from here.
 */

/** A permanent step failure: the service's own code and a readable message. */
export interface StepFailure {
  code: string;
  message: string;
}

/** One role assignment the cluster identity needs, and whether it was found after create. */
export interface RoleCheck {
  role: string;
  scope: string;
  principalId: string;
  present: boolean;
}
