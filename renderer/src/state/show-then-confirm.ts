/**
 * A change the user makes to rules the core holds (a checkbox, a delete) is shown at once: a checkbox that
 * waits for the core's answer before it moves looks broken. The core's answer then replaces it, and a refusal
 * puts back what was shown before.
 */
export async function showThenConfirm<T>(before: T, next: T | null, show: (value: T) => void, confirm: () => Promise<void>): Promise<void> {
  if (next !== null) show(next);
  try {
    await confirm();
  } catch (error) {
    show(before);
    throw error;
  }
}
