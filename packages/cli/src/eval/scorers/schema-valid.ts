import { describeValue } from '@agentchart/core/internal';
import type { Scorer } from '../types';
import { refuse } from './refuse';

/** Any schema with zod's `safeParse` (zod itself, or a wrapper of another validator). */
export interface ParsingSchema {
  safeParse(value: unknown):
    | { success: true }
    | {
        success: false;
        error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
      };
}

/** Passes when the output matches the schema. */
export function schemaValid(
  schema: ParsingSchema,
  { name = 'schema' }: { name?: string | undefined } = {},
): Scorer {
  if (typeof (schema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') {
    refuse(
      `schemaValid: give the zod schema the output must match, such as schemaValid(z.object({ total: z.number() })), got ${describeValue(schema)}.`,
    );
  }
  return {
    name,
    score({ output }) {
      const parsed = schema.safeParse(output);
      if (parsed.success) return { score: 1, pass: true };
      const reason = parsed.error.issues
        .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      return { score: 0, pass: false, reason };
    },
  };
}
