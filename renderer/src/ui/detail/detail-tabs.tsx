/**
 * The details pane's tab strip (WAI-ARIA tabs, automatic activation): Left/Right move to the previous/next tab
 * and show it, Home/End to the first/last; only the selected tab is in the Tab order. Each tab's accessible
 * name is exactly its label; a count is a badge hidden from assistive technology.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { DETAIL_TAB_LABELS, type DetailTabId } from '../../state/detail-subject.js';

export function tabDomId(base: string, tab: DetailTabId): string {
  return `${base}-tab-${tab}`;
}
export function panelDomId(base: string, tab: DetailTabId): string {
  return `${base}-panel-${tab}`;
}

export function DetailTabs({
  idBase,
  tabs,
  active,
  badges,
  onChoose,
  leading,
}: {
  idBase: string;
  tabs: readonly DetailTabId[];
  active: DetailTabId;
  badges?: Partial<Record<DetailTabId, { text: string; tone?: string }>>;
  onChoose(tab: DetailTabId): void;
  /** Shown before the tabs (the pane's close button). */
  leading?: ReactNode;
}) {
  const listRef = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: KeyboardEvent) => {
    const at = tabs.indexOf(active);
    let next: number;
    switch (event.key) {
      case 'ArrowRight':
        next = (at + 1) % tabs.length;
        break;
      case 'ArrowLeft':
        next = (at - 1 + tabs.length) % tabs.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = tabs.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    // The list's own arrow keys (j/k, ↑/↓) must not also see this key.
    event.stopPropagation();
    const tab = tabs[next]!;
    onChoose(tab);
    listRef.current?.querySelector<HTMLButtonElement>(`#${CSS.escape(tabDomId(idBase, tab))}`)?.focus();
  };
  return (
    <div className="dp-tabbar">
      {leading}
      <div ref={listRef} className="dp-tabs" role="tablist" aria-label="Detail tabs" onKeyDown={onKeyDown}>
        {tabs.map((tab) => {
          const selected = tab === active;
          const badge = badges?.[tab];
          return (
            <button
              key={tab}
              type="button"
              role="tab"
              id={tabDomId(idBase, tab)}
              className="dp-tab"
              aria-selected={selected}
              aria-controls={panelDomId(idBase, tab)}
              tabIndex={selected ? 0 : -1}
              onClick={() => onChoose(tab)}
            >
              {DETAIL_TAB_LABELS[tab]}
              {badge && (
                <span className={`dp-tab-badge${badge.tone ? ` ${badge.tone}` : ''}`} aria-hidden="true">
                  {badge.text}
                </span>
              )}
            </button>
          );
        })}
      </div>
    </div>
  );
}
