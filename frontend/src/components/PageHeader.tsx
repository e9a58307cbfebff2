import type { ReactNode } from 'react';
import { usePageTitle } from '../localize';

/** A page's title (also the browser tab's), its one-line purpose and its actions. */
export function PageHeader({ title, intro, actions }: { title: string; intro?: ReactNode; actions?: ReactNode }) {
  usePageTitle(title);
  return (
    <header className="page-header page-header-row">
      <div>
        <h1>{title}</h1>
        {intro && <p className="muted">{intro}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}
