/**
 * Headless runs have nobody to ask, so "ask" becomes a denial, and the reason says how the
 * user could let such a call run next time.
 */
import type { Approver, ApprovalRequest } from '../agent/tool-runner.ts';

export const headlessApprover: Approver = (request) =>
  Promise.resolve({
    approved: false,
    by: 'headless',
    reason: `${request.decision.reason}, and ward runs headless (-p), so nobody can approve it. To let such calls run, pass --allowed-tools "${suggestRule(request)}" or a wider --permission-mode.`,
  });

function suggestRule(request: ApprovalRequest): string {
  const input = request.input as Record<string, unknown> | null;
  if (request.tool === 'bash' && input !== null && typeof input.command === 'string') {
    const first = input.command.trim().split(/\s+/).slice(0, 2).join(' ');
    return `bash(${first}:*)`;
  }
  return request.tool;
}
