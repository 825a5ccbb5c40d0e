/**
 * Carries out what the desktop shell's menu and dialogs ask (shared/desktop-commands.ts). In the browser UI
 * there is no shell, and this does nothing; the same actions are buttons there.
 */
import { desktopCommandSchema, type DesktopCommand } from '../../../shared/desktop-commands.js';
import { useDialogStore } from '../state/dialog-store.js';
import { openCoreSession, openImported } from '../state/session-actions.js';
import { useViewStore } from '../state/view-store.js';

export function listenForDesktopCommands(): () => void {
  const api = window.toolscope;
  if (!api?.onCommand) return () => {};
  return api.onCommand((raw) => {
    const parsed = desktopCommandSchema.safeParse(raw);
    if (parsed.success) run(parsed.data);
  });
}

function run(command: DesktopCommand): void {
  const dialogs = useDialogStore.getState();
  switch (command.type) {
    case 'open-session':
      dialogs.close();
      void openCoreSession(command.path);
      return;
    case 'imported-har':
      dialogs.close();
      void openImported(command.path, command.warnings);
      return;
    case 'export-har':
      dialogs.show('export');
      return;
    case 'show-sessions':
      dialogs.show('sessions');
      return;
    case 'show-preferences':
      dialogs.show('preferences');
      return;
    case 'show-live':
      dialogs.close();
      useViewStore.getState().showLive();
      return;
  }
}
