/** The window's dialogs; at most one is open (see dialog-store.ts). */
import { useDialogStore } from '../state/dialog-store.js';
import { BreakpointsDialog } from './breakpoints/breakpoints-dialog.js';
import { ExportDialog } from './export-dialog.js';
import { InjectDialog } from './inject/inject-dialog.js';
import { MocksDialog } from './mocks/mocks-dialog.js';
import { PreferencesDialog } from './preferences-dialog.js';
import { ReplayDialog } from './replay/replay-dialog.js';
import { ResendDialog } from './replay/resend-dialog.js';
import { SessionsDialog } from './sessions-dialog.js';

export function Dialogs() {
  const open = useDialogStore((s) => s.open);
  if (open === 'sessions') return <SessionsDialog />;
  if (open === 'export') return <ExportDialog />;
  if (open === 'preferences') return <PreferencesDialog />;
  if (open === 'mocks') return <MocksDialog />;
  if (open === 'replay') return <ReplayDialog />;
  if (open === 'resend') return <ResendDialog />;
  if (open === 'inject') return <InjectDialog />;
  if (open === 'breakpoints') return <BreakpointsDialog />;
  return null;
}
