/**
 * What the desktop shell (its application menu, native dialogs, the OS's "open with") asks the window to do.
 * Main sends these over the `toolscope:command` channel; the preload hands them on as `unknown`, and the
 * renderer parses them here, like every message that crosses a process boundary.
 *
 * Actions that need the window's state (which view and filter are shown, the export options) are commands;
 * actions that only need the core (New session, Save as) run in main directly.
 */
import { z } from 'zod';

export const desktopCommandSchema = z.discriminatedUnion('type', [
  /** Open a session file read-only (after the native Open dialog, a recent document, or "open with"). */
  z.object({ type: z.literal('open-session'), path: z.string().min(1) }),
  /** Show the export dialog (HAR, with its redaction and "only what the filter shows" options). */
  z.object({ type: z.literal('export-har') }),
  /** A HAR file was chosen in the native dialog and imported by main into this session file; open it. */
  z.object({ type: z.literal('imported-har'), path: z.string().min(1), warnings: z.array(z.string()) }),
  /** Show the Sessions list. */
  z.object({ type: z.literal('show-sessions') }),
  /** Show the Preferences dialog. */
  z.object({ type: z.literal('show-preferences') }),
  /** Go back from an opened session to the live traffic (after New session, for example). */
  z.object({ type: z.literal('show-live') }),
]);
export type DesktopCommand = z.infer<typeof desktopCommandSchema>;

export const DESKTOP_COMMAND_CHANNEL = 'toolscope:command';
