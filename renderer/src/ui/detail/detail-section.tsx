/** A titled block of a detail view; the heading gives Playwright and screen readers a landmark to find. */
import { useId, type ReactNode } from 'react';

export function DetailSection({ title, children, aside }: { title: string; children: ReactNode; aside?: ReactNode }) {
  const id = useId();
  return (
    <section className="detail-section" aria-labelledby={id}>
      <div className="detail-section-head">
        <h3 id={id}>{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}
