/** Short, readable ids (x1, x2, w1 …): unique within a session, and easy to say aloud while debugging. */
export class IdSource {
  private readonly counters = new Map<string, number>();

  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n}`;
  }
}
