/**
 * "Copy as…" on an HTTP exchange's Request tab: the request as curl (bash), curl (PowerShell) or fetch, sent to
 * the upstream or through the Toolscope route again. A WAI-ARIA menu button: the menu opens on the first item,
 * Up/Down/Home/End move, Esc closes it and gives the focus back to the button. When the clipboard is refused
 * (permissions, an insecure origin), the command is shown selected in a read-only text box to copy by hand.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { ListenAddress } from '../../../../shared/events.js';
import { copyableRequestOf, proxyOrigin, type CopyTarget } from '../../../../shared/export/copyable-request.js';
import { curlCommand } from '../../../../shared/export/curl-command.js';
import { fetchCode } from '../../../../shared/export/fetch-code.js';
import type { ExchangeView } from '../../../../shared/store/traffic-state.js';

const FORMATS = [
  { id: 'bash', label: 'curl (bash)' },
  { id: 'powershell', label: 'curl (PowerShell)' },
  { id: 'fetch', label: 'fetch' },
] as const;
type Format = (typeof FORMATS)[number];

type Outcome = { kind: 'copied'; what: string } | { kind: 'refused'; what: string; text: string };

export function CopyAsMenu({ exchange, listen }: { exchange: ExchangeView; listen: ListenAddress | undefined }) {
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<CopyTarget>('upstream');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const manualRef = useRef<HTMLTextAreaElement>(null);

  const items = () => [...(menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])') ?? [])];
  const close = (focusButton: boolean) => {
    setOpen(false);
    if (focusButton) buttonRef.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    // A press anywhere else closes the menu, as in every menu the user knows.
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  useEffect(() => {
    if (outcome?.kind !== 'copied') return;
    const timer = setTimeout(() => setOutcome(null), 2500);
    return () => clearTimeout(timer);
  }, [outcome]);

  useEffect(() => {
    if (outcome?.kind === 'refused') manualRef.current?.select();
  }, [outcome]);

  const copy = async (format: Format) => {
    const request = copyableRequestOf(exchange, target, listen);
    close(true);
    if (!request) return;
    const text = format.id === 'fetch' ? fetchCode(request) : curlCommand(request, format.id);
    const what = `${format.label}, ${target === 'proxy' ? 'through Toolscope' : 'to the upstream'}`;
    try {
      await navigator.clipboard.writeText(text);
      setOutcome({ kind: 'copied', what });
    } catch {
      setOutcome({ kind: 'refused', what, text });
    }
  };

  const onMenuKey = (event: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    let next: number | null = null;
    if (event.key === 'ArrowDown') next = (at + 1) % list.length;
    else if (event.key === 'ArrowUp') next = (at - 1 + list.length) % list.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = list.length - 1;
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') setOpen(false);
    else return;
    if (event.key !== 'Tab') {
      // The details' Esc and the list's arrow keys must not also act on this key.
      event.preventDefault();
      event.stopPropagation();
    }
    if (next !== null) list[next]?.focus();
  };

  const upstreamHost = hostOf(exchange.request.upstreamUrl);
  return (
    <>
      <div className="copy-as" ref={rootRef}>
        <span role="status" className="copy-as-status">
          {outcome?.kind === 'copied' ? `Copied ${outcome.what}` : ''}
        </span>
        <button
          ref={buttonRef}
          type="button"
          className="dp-small-button"
          aria-haspopup="menu"
          aria-expanded={open}
          aria-controls={open ? menuId : undefined}
          onClick={() => setOpen(!open)}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown' && !open) {
              event.preventDefault();
              event.stopPropagation();
              setOpen(true);
            }
          }}
        >
          Copy as…
        </button>
        {open && (
          <div ref={menuRef} id={menuId} role="menu" aria-label="Copy as" className="copy-as-menu" onKeyDown={onMenuKey}>
            <div className="copy-as-label" aria-hidden="true">
              Send to
            </div>
            <div role="group" aria-label="Send to">
              <MenuRadio checked={target === 'upstream'} onChoose={() => setTarget('upstream')} label="To the upstream" detail={upstreamHost} />
              <MenuRadio
                checked={target === 'proxy'}
                disabled={!listen}
                onChoose={() => setTarget('proxy')}
                label="Through Toolscope"
                detail={listen ? proxyOrigin(listen).replace('http://', '') : 'no route in this session'}
              />
            </div>
            <div role="separator" className="copy-as-separator" />
            <div className="copy-as-label" aria-hidden="true">
              Copy as
            </div>
            {FORMATS.map((format) => (
              <button key={format.id} type="button" role="menuitem" tabIndex={-1} className="copy-as-item" onClick={() => void copy(format)}>
                {format.label}
              </button>
            ))}
          </div>
        )}
      </div>
      {outcome?.kind === 'refused' && (
        <div className="copy-as-manual">
          <p className="dp-note">
            The browser did not allow copying to the clipboard. Here is the command ({outcome.what}), selected: copy it with Ctrl+C (⌘C on a Mac).{' '}
            <button type="button" className="link-button" onClick={() => setOutcome(null)}>
              Close
            </button>
          </p>
          <textarea ref={manualRef} className="copy-as-text mono" aria-label="Command" readOnly value={outcome.text} rows={Math.min(12, outcome.text.split('\n').length + 1)} />
        </div>
      )}
    </>
  );
}

function MenuRadio({ checked, disabled, onChoose, label, detail }: { checked: boolean; disabled?: boolean; onChoose(): void; label: string; detail: string }) {
  return (
    <button
      type="button"
      role="menuitemradio"
      aria-checked={checked}
      aria-disabled={disabled || undefined}
      tabIndex={-1}
      className="copy-as-item copy-as-radio"
      onClick={() => {
        if (!disabled) onChoose();
      }}
    >
      <span className="copy-as-check" aria-hidden="true">
        {checked ? '●' : '○'}
      </span>
      {label} <span className="muted mono">{detail}</span>
    </button>
  );
}

function hostOf(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? url;
}
