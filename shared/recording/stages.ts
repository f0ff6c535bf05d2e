import * as z from 'zod';
import { EmailSchema, type Identifier, identifiersOf, PersonSchema } from '../identity/identity.ts';
import { contentHash } from './hash.ts';
import { InstantSchema } from './time.ts';
import { DISQUALIFICATION_REASONS, STAGES, type StageName } from './vocabulary.ts';

/** The stages and disqualification reasons: their lists live in ./vocabulary.ts, free of Node, for the response schemas too. */
export { DISQUALIFICATION_REASONS, STAGES, type StageName } from './vocabulary.ts';

export const StageInputSchema = z
  .object({
    person: PersonSchema,
    stage: z.enum(STAGES),
    occurredAt: InstantSchema,
    reason: z.enum(DISQUALIFICATION_REASONS).optional(),
  })
  .strict()
  .superRefine((stage, ctx) => {
    if (stage.stage === 'disqualified' && !stage.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a disqualification carries its reason' });
    if (stage.stage !== 'disqualified' && stage.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'only a disqualification has a reason' });
  });

export type StageInput = z.infer<typeof StageInputSchema>;

export interface Stage {
  /** Derived from the content: the same milestone sent again has the same id. */
  stageId: string;
  identifiers: Identifier[];
  stage: StageName;
  occurredAt: string;
  reason?: (typeof DISQUALIFICATION_REASONS)[number];
  contentHash: string;
}

export function normaliseStage(input: StageInput): Stage {
  const identifiers = identifiersOf(input.person);
  const content = { identifiers: [...identifiers].sort(), stage: input.stage, occurredAt: input.occurredAt, reason: input.reason };
  const hash = contentHash(content);
  return { stageId: `s_${hash}`, identifiers, stage: input.stage, occurredAt: input.occurredAt, ...(input.reason ? { reason: input.reason } : {}), contentHash: hash };
}

/** `POST /v1/identify` */
export const IdentifyInputSchema = z
  .object({
    anonymousId: z.string().trim().min(1).max(256),
    customerId: z.string().trim().min(1).max(256).optional(),
    email: EmailSchema.optional(),
    occurredAt: InstantSchema,
  })
  .strict()
  .refine((input) => input.customerId || input.email, { message: 'give customerId or email to link the anonymousId to', path: ['customerId'] });

export type IdentifyInput = z.infer<typeof IdentifyInputSchema>;

/** An undirected edge of the identity graph; `from` < `to`. */
export interface Link {
  from: Identifier;
  to: Identifier;
  occurredAt: string;
}

/** Edges that join every identifier of one record to the first (strongest) one. */
export function linksOf(identifiers: readonly Identifier[], occurredAt: string): Link[] {
  const [first, ...rest] = identifiers;
  if (!first) return [];
  return rest.filter((other) => other !== first).map((other) => (first < other ? { from: first, to: other, occurredAt } : { from: other, to: first, occurredAt }));
}
