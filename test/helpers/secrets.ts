// The one check every end-to-end test runs on what a process printed: no secret, anywhere.
import { expect } from 'vitest';

export function expectNoSecrets(outputs: { stdout?: string; stderr?: string } | string[], secrets: string[]): void {
  const texts = Array.isArray(outputs) ? outputs : [outputs.stdout ?? '', outputs.stderr ?? ''];
  for (const secret of secrets) {
    expect(secret.length, 'a secret to look for must be non-trivial').toBeGreaterThanOrEqual(6);
    for (const text of texts)
      expect(text.includes(secret), `secret ${secret.slice(0, 3)}… found in output`).toBe(false);
  }
}
