/**
 * A modal dialog on the native <dialog> element: focus moves into it and stays there, Esc closes it, and the
 * rest of the window is inert meanwhile, without any focus-trap code of our own.
 */
import { useEffect, useRef, type ReactNode } from 'react';

export function ModalDialog(props: { label: string; className?: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { onClose } = props;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const closed = () => onClose();
    dialog.addEventListener('close', closed);
    return () => {
      dialog.removeEventListener('close', closed);
      if (dialog.open) dialog.close();
    };
  }, [onClose]);
  return (
    <dialog ref={ref} className={`modal ${props.className ?? ''}`} aria-label={props.label}>
      <header className="modal-head">
        <h2>{props.label}</h2>
        <button type="button" className="modal-close" aria-label="Close" onClick={() => ref.current?.close()}>
          ✕
        </button>
      </header>
      <div className="modal-body">{props.children}</div>
    </dialog>
  );
}
