/** har-validator ships no types; these are the parts the export tests use (its promise API). */
declare module 'har-validator' {
  export interface HarValidationError extends Error {
    errors: { dataPath?: string; instancePath?: string; message?: string; params?: unknown }[];
  }
  /** Resolves with the data when it is a valid HAR 1.2 document, rejects with a HarValidationError otherwise. */
  export function har(data: unknown): Promise<unknown>;
}
