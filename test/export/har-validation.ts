/** Validates a HAR with har-validator (the HAR 1.2 JSON Schema) and fails with the fields it names. */
import { har as validate, type HarValidationError } from 'har-validator';

export async function expectValidHar(har: unknown): Promise<void> {
  try {
    await validate(har);
  } catch (error) {
    const errors = (error as HarValidationError).errors ?? [];
    const lines = errors.map((e) => `${e.dataPath ?? e.instancePath ?? ''} ${e.message ?? ''}`.trim());
    throw new Error(`not a valid HAR 1.2 file:\n${lines.join('\n') || String(error)}`);
  }
}
