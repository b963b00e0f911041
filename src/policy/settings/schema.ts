/**
 * The settings file format, the same at every layer (managed, user, project, project-local).
 * Objects are strict: an unknown key is an error that names it, because a misspelt `deny`
 * silently ignored is a rule the user believes in and does not have.
 */
import { z } from 'zod';

const ruleList = z.array(z.string().min(1, 'a rule cannot be empty'));

export const settingsModeSchema = z.enum(['default', 'accept-edits', 'plan', 'auto', 'bypass']);

export const settingsSchema = z.strictObject({
  $schema: z.string().optional(),
  permissions: z
    .strictObject({
      allow: ruleList.optional(),
      ask: ruleList.optional(),
      deny: ruleList.optional(),
      /** The mode when --permission-mode is not given. */
      defaultMode: settingsModeSchema.optional(),
      /** Managed settings only: refuse --permission-mode bypass at every layer. */
      disableBypassMode: z.boolean().optional(),
      /** Managed settings only: ignore allow/ask rules from every other layer (deny rules still add up). */
      managedRulesOnly: z.boolean().optional(),
    })
    .optional(),
  sandbox: z
    .strictObject({
      /** false turns the sandbox off. Honoured only in user and managed settings. */
      enabled: z.boolean().optional(),
      network: z
        .strictObject({
          /** Hostnames commands may reach through ward's proxy; `*.example.com` for subdomains. Empty: no network. */
          allowedDomains: z.array(z.string().min(1)).optional(),
        })
        .optional(),
    })
    .optional(),
  provider: z
    .strictObject({
      name: z.enum(['anthropic', 'openai']).optional(),
      model: z.string().min(1).optional(),
      baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    })
    .optional(),
  audit: z
    .strictObject({
      /** true records prompts, answers, tool inputs and outputs in the audit log. Honoured only in user and managed settings. */
      includeContent: z.boolean().optional(),
    })
    .optional(),
  /** Context management (src/context): when the conversation is compacted. */
  context: z
    .strictObject({
      /** Share of the model's context window (above 0, at most 1) past which ward compacts. */
      compactThreshold: z.number().gt(0, 'must be above 0').lte(1, 'must be at most 1').optional(),
      /** Trim old large tool outputs once they add up to this many tokens (0: only when compacting). */
      trimBatchTokens: z.number().int('must be a whole number').min(0, 'must be 0 or more').optional(),
      /** Mark prompt-cache breakpoints in requests (default true); false for gateways that reject them. */
      promptCache: z.boolean().optional(),
    })
    .optional(),
  /** Budget limits (src/session/budget-limits.ts); in managed settings, ceilings nothing below can raise. */
  budgets: z
    .strictObject({
      maxCostUsd: z.number().positive('must be above zero').optional(),
      maxTokens: z.int('must be a whole number').positive('must be at least 1').optional(),
      maxTurns: z.int('must be a whole number').positive('must be at least 1').optional(),
      maxDurationSeconds: z.number().positive('must be above zero').optional(),
      maxToolCalls: z.int('must be a whole number').positive('must be at least 1').optional(),
    })
    .optional(),
  /**
   * OpenTelemetry export (src/telemetry/config.ts). Honoured only in user and managed settings;
   * in managed settings `enabled` forces it on or off and `endpoint` fixes the destination.
   */
  telemetry: z
    .strictObject({
      enabled: z.boolean().optional(),
      /** The OTLP/HTTP base URL; `/v1/traces`, `/v1/metrics` and `/v1/logs` are appended. */
      endpoint: z.url({ protocol: /^https?$/ }).optional(),
      protocol: z.enum(['http/protobuf', 'http/json']).optional(),
      /** Sent with every export, e.g. the collector's API key; their values are redacted everywhere. */
      headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid HTTP header name'), z.string()).optional(),
      /** true adds prompts, answers, tool inputs and outputs to what is exported. */
      includeContent: z.boolean().optional(),
    })
    .optional(),
  /** Extra environment variables for the commands ward runs. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid variable name'), z.string()).optional(),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsMode = z.infer<typeof settingsModeSchema>;
