/** Names of environment variables that hold credentials by convention. */
const secretName =
  /(?:^|_)(?:API_?KEY|SECRET|SECRET_KEY|TOKEN|PASSWORD|PASSWD|PASSPHRASE|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?|AUTH)(?:$|_)/i;

/** Values shorter than this are flags and placeholders (`true`, `local`), not credentials. */
const minimumLength = 8;

/** A value to redact and the label that replaces it. */
export interface LabelledSecret {
  value: string;
  label: string;
}

/**
 * The values of environment variables whose names say they hold a credential
 * (`OPENAI_API_KEY`, `GITHUB_TOKEN`, `DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY` …), labelled
 * with the variable's name.
 */
export function environmentSecrets(
  environment: Readonly<Record<string, string | undefined>> = process.env,
): LabelledSecret[] {
  const secrets: LabelledSecret[] = [];
  for (const [name, value] of Object.entries(environment)) {
    const trimmed = value?.trim();
    if (trimmed && trimmed.length >= minimumLength && secretName.test(name)) {
      secrets.push({ value: trimmed, label: name });
    }
  }
  return secrets;
}
