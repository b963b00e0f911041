/**
 * Headless runs have nobody to ask, so "ask" becomes a denial, and the reason says how the
 * user could let such a call run next time (the policy's own suggestion, which it checked).
 */
import type { Approver } from '../agent/tool-runner.ts';

export const headlessApprover: Approver = (request) =>
  Promise.resolve({
    approved: false,
    by: 'headless',
    reason: `${request.decision.reason}, and ward runs headless (-p), so nobody can approve it.${
      request.decision.suggestion === undefined ? '' : ` To let such calls run, start ward with ${request.decision.suggestion}.`
    }`,
  });
