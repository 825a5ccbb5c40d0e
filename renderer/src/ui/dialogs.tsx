/** The window's dialogs; at most one is open (see dialog-store.ts). */
import { useDialogStore } from '../state/dialog-store.js';
import { ExportDialog } from './export-dialog.js';
import { MocksDialog } from './mocks/mocks-dialog.js';
import { PreferencesDialog } from './preferences-dialog.js';
import { SessionsDialog } from './sessions-dialog.js';

export function Dialogs() {
  const open = useDialogStore((s) => s.open);
  if (open === 'sessions') return <SessionsDialog />;
  if (open === 'export') return <ExportDialog />;
  if (open === 'preferences') return <PreferencesDialog />;
  if (open === 'mocks') return <MocksDialog />;
  return null;
}
