/** An error the user can fix (a bad flag, a busy port): printed as one line, exit code 2, no stack. */
export class UsageError extends Error {}
