/** An error or abort, shown above everything else in a detail view so it cannot be missed. */
import type { ReactNode } from 'react';

export function ProblemBox({ title, children, tone = 'error' }: { title: string; children: ReactNode; tone?: 'error' | 'warning' }) {
  return (
    <div className={`problem problem-${tone}`} role="group" aria-label={title}>
      <h3 className="problem-title">{title}</h3>
      <div className="problem-body">{children}</div>
    </div>
  );
}
