/** How much of a server's stderr an error quotes. */
const quotedLength = 2_000;

/**
 * The end of a server's stderr as an error quotes it: the last 2,000 characters of what the
 * transport kept, cut after redaction, so no secret is quoted cut in two, where a redactor
 * would not know it.
 */
export function quotedStderr(redactedTail: string): string {
  return redactedTail.slice(-quotedLength).trim();
}
