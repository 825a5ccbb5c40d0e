/**
 * The desktop app's application menu as plain data, so which items exist, their shortcuts and what each one
 * does are tested without Electron. main.ts hands the result to `Menu.buildFromTemplate`; `MenuItemSpec` is the
 * subset of Electron's `MenuItemConstructorOptions` used here, and main.ts's type-check proves it still fits.
 */

/** Electron's built-in behaviours used here (each gives its platform's label, shortcut and native action). */
export type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'windowMenu'
  | 'recentDocuments'
  | 'clearRecentDocuments';

export interface MenuItemSpec {
  id?: string;
  label?: string;
  accelerator?: string;
  role?: MenuRole;
  type?: 'separator';
  enabled?: boolean;
  submenu?: MenuItemSpec[];
  click?: () => void;
}

/** What the items that are not built-in roles do; main.ts implements them. */
export interface MenuActions {
  newSession(): void;
  openSession(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  showSessions(): void;
  saveSessionAs(): void;
  exportHar(): void;
  importHar(): void;
  showPreferences(): void;
}

export interface MenuOptions {
  isMac: boolean;
  /** Adds Toggle Developer Tools; an installed app has no use for it. */
  isDevelopment: boolean;
  appName: string;
  /**
   * Newest first. Shown as the "Open recent" submenu on Linux and Windows, which have no recent-documents
   * menu of their own; macOS fills its menu from `app.addRecentDocument`.
   */
  recentSessions?: readonly string[];
}

export const MENU_ACCELERATORS = {
  newSession: 'CmdOrCtrl+N',
  openSession: 'CmdOrCtrl+O',
  saveSessionAs: 'CmdOrCtrl+Shift+S',
  exportHar: 'CmdOrCtrl+E',
  importHar: 'CmdOrCtrl+I',
  preferences: 'CmdOrCtrl+,',
} as const;

const separator: MenuItemSpec = { type: 'separator' };

export function buildMenuTemplate(options: MenuOptions, actions: MenuActions): MenuItemSpec[] {
  const preferences: MenuItemSpec = {
    id: 'preferences',
    label: 'Preferences…',
    accelerator: MENU_ACCELERATORS.preferences,
    click: () => actions.showPreferences(),
  };
  const about: MenuItemSpec = { id: 'about', label: `About ${options.appName}`, role: 'about' };

  const file: MenuItemSpec = {
    label: 'File',
    submenu: [
      { id: 'new-session', label: 'New session', accelerator: MENU_ACCELERATORS.newSession, click: () => actions.newSession() },
      { id: 'open-session', label: 'Open session…', accelerator: MENU_ACCELERATORS.openSession, click: () => actions.openSession() },
      openRecentMenu(options, actions),
      { id: 'show-sessions', label: 'Sessions…', click: () => actions.showSessions() },
      separator,
      {
        id: 'save-session-as',
        label: 'Save session as…',
        accelerator: MENU_ACCELERATORS.saveSessionAs,
        click: () => actions.saveSessionAs(),
      },
      separator,
      { id: 'export-har', label: 'Export HAR…', accelerator: MENU_ACCELERATORS.exportHar, click: () => actions.exportHar() },
      { id: 'import-har', label: 'Import HAR…', accelerator: MENU_ACCELERATORS.importHar, click: () => actions.importHar() },
      separator,
      // macOS keeps Preferences and Quit in the app menu; File ends with closing the window there.
      ...(options.isMac ? [{ role: 'close' } satisfies MenuItemSpec] : [preferences, separator, { role: 'quit' } satisfies MenuItemSpec]),
    ],
  };

  const edit: MenuItemSpec = {
    // Without these roles copy and paste do not work in text fields on macOS: the shortcuts live in the menu.
    label: 'Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, separator, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };

  const view: MenuItemSpec = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(options.isDevelopment ? [{ id: 'toggle-devtools', role: 'toggleDevTools' } satisfies MenuItemSpec] : []),
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };

  if (options.isMac) {
    const appMenu: MenuItemSpec = {
      label: options.appName,
      submenu: [
        about,
        separator,
        preferences,
        separator,
        { role: 'services' },
        separator,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        separator,
        { role: 'quit' },
      ],
    };
    return [appMenu, file, edit, view, { role: 'windowMenu' }];
  }
  return [file, edit, view, { label: 'Help', submenu: [about] }];
}

function openRecentMenu(options: MenuOptions, actions: MenuActions): MenuItemSpec {
  if (options.isMac) {
    return { id: 'open-recent', label: 'Open recent', role: 'recentDocuments', submenu: [{ role: 'clearRecentDocuments' }] };
  }
  const recent = options.recentSessions ?? [];
  const items: MenuItemSpec[] =
    recent.length === 0
      ? [{ label: 'No recent sessions', enabled: false }]
      : recent.map((path) => ({ label: escapeMnemonic(path), click: () => actions.openRecent(path) }));
  return {
    id: 'open-recent',
    label: 'Open recent',
    submenu: [...items, separator, { id: 'clear-recent', label: 'Clear recent', enabled: recent.length > 0, click: () => actions.clearRecent() }],
  };
}

/** Menus on Windows and Linux read `&` as the mark of an access key; a path shows it literally when doubled. */
function escapeMnemonic(text: string): string {
  return text.replaceAll('&', '&&');
}
