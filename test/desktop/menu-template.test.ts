import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, type MenuActions, type MenuItemSpec, type MenuOptions } from '../../electron/desktop/menu-template.js';

function recordingActions(): MenuActions & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    newSession: () => calls.push('newSession'),
    openSession: () => calls.push('openSession'),
    openRecent: (path) => calls.push(`openRecent ${path}`),
    clearRecent: () => calls.push('clearRecent'),
    showSessions: () => calls.push('showSessions'),
    saveSessionAs: () => calls.push('saveSessionAs'),
    exportHar: () => calls.push('exportHar'),
    importHar: () => calls.push('importHar'),
    showPreferences: () => calls.push('showPreferences'),
  };
}

const linux: MenuOptions = { isMac: false, isDevelopment: false, appName: 'Toolscope' };
const mac: MenuOptions = { isMac: true, isDevelopment: false, appName: 'Toolscope' };

function allItems(items: readonly MenuItemSpec[]): MenuItemSpec[] {
  return items.flatMap((item) => [item, ...allItems(item.submenu ?? [])]);
}

function byId(items: readonly MenuItemSpec[], id: string): MenuItemSpec {
  const found = allItems(items).find((item) => item.id === id);
  if (!found) throw new Error(`no menu item ${id}`);
  return found;
}

function submenuOf(items: readonly MenuItemSpec[], label: string): MenuItemSpec[] {
  const menu = items.find((item) => item.label === label);
  if (!menu?.submenu) throw new Error(`no menu ${label}`);
  return menu.submenu;
}

describe('application menu', () => {
  it('has the File items with their shortcuts, in order', () => {
    for (const options of [linux, mac]) {
      const file = submenuOf(buildMenuTemplate(options, recordingActions()), 'File');
      const labelled = file.filter((item) => item.label).map((item) => [item.label, item.accelerator]);
      expect(labelled.slice(0, 7)).toEqual([
        ['New session', 'CmdOrCtrl+N'],
        ['Open session…', 'CmdOrCtrl+O'],
        ['Open recent', undefined],
        ['Sessions…', undefined],
        ['Save session as…', 'CmdOrCtrl+Shift+S'],
        ['Export HAR…', 'CmdOrCtrl+E'],
        ['Import HAR…', 'CmdOrCtrl+I'],
      ]);
    }
  });

  it('calls the matching action for each item', () => {
    const expected: Record<string, string> = {
      'new-session': 'newSession',
      'open-session': 'openSession',
      'show-sessions': 'showSessions',
      'save-session-as': 'saveSessionAs',
      'export-har': 'exportHar',
      'import-har': 'importHar',
      preferences: 'showPreferences',
    };
    for (const options of [linux, mac]) {
      for (const [id, action] of Object.entries(expected)) {
        const actions = recordingActions();
        byId(buildMenuTemplate(options, actions), id).click?.();
        expect(actions.calls, id).toEqual([action]);
      }
    }
  });

  it('shows Toggle Developer Tools only in development', () => {
    const roles = (options: MenuOptions) => allItems(buildMenuTemplate(options, recordingActions())).map((item) => item.role);
    expect(roles(linux)).not.toContain('toggleDevTools');
    expect(roles(mac)).not.toContain('toggleDevTools');
    expect(roles({ ...linux, isDevelopment: true })).toContain('toggleDevTools');
    expect(roles({ ...mac, isDevelopment: true })).toContain('toggleDevTools');
  });

  it('has Reload, zoom and full screen in View, and the editing roles in Edit', () => {
    const menu = buildMenuTemplate(linux, recordingActions());
    expect(submenuOf(menu, 'View').map((item) => item.role)).toEqual(
      expect.arrayContaining(['reload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']),
    );
    expect(submenuOf(menu, 'Edit').map((item) => item.role)).toEqual(
      expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']),
    );
  });

  it('on macOS: an app menu with About, Preferences… and Quit, and the system Open Recent', () => {
    const menu = buildMenuTemplate(mac, recordingActions());
    expect(menu.map((item) => item.label ?? item.role)).toEqual(['Toolscope', 'File', 'Edit', 'View', 'windowMenu']);
    const appMenu = submenuOf(menu, 'Toolscope');
    expect(appMenu.map((item) => item.id ?? item.role ?? item.type)).toEqual([
      'about',
      'separator',
      'preferences',
      'separator',
      'services',
      'separator',
      'hide',
      'hideOthers',
      'unhide',
      'separator',
      'quit',
    ]);
    expect(byId(menu, 'about')).toMatchObject({ label: 'About Toolscope', role: 'about' });
    expect(byId(menu, 'preferences').accelerator).toBe('CmdOrCtrl+,');
    expect(byId(menu, 'open-recent')).toMatchObject({ role: 'recentDocuments', submenu: [{ role: 'clearRecentDocuments' }] });
    const file = submenuOf(menu, 'File');
    expect(file.at(-1)).toEqual({ role: 'close' });
    expect(file.map((item) => item.role)).not.toContain('quit');
  });

  it('elsewhere: Preferences… and Quit in File, About in Help', () => {
    const menu = buildMenuTemplate(linux, recordingActions());
    expect(menu.map((item) => item.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    const file = submenuOf(menu, 'File');
    expect(file.map((item) => item.id ?? item.role).filter(Boolean).slice(-2)).toEqual(['preferences', 'quit']);
    expect(submenuOf(menu, 'Help')).toEqual([{ id: 'about', label: 'About Toolscope', role: 'about' }]);
    expect(allItems(menu).map((item) => item.role)).not.toContain('recentDocuments');
  });

  it('elsewhere: Open recent lists the recent sessions, each opening its file, and can be cleared', () => {
    const actions = recordingActions();
    const recent = ['/home/me/a.ndjson', '/home/me/R&D/b.ndjson'];
    const menu = buildMenuTemplate({ ...linux, recentSessions: recent }, actions);
    const items = byId(menu, 'open-recent').submenu ?? [];
    expect(items.map((item) => item.label ?? item.type)).toEqual([
      '/home/me/a.ndjson',
      // A single & would underline the next letter as an access key.
      '/home/me/R&&D/b.ndjson',
      'separator',
      'Clear recent',
    ]);
    items[1]!.click?.();
    byId(menu, 'clear-recent').click?.();
    expect(actions.calls).toEqual(['openRecent /home/me/R&D/b.ndjson', 'clearRecent']);
  });

  it('elsewhere: an empty Open recent says so and cannot be cleared', () => {
    const menu = buildMenuTemplate(linux, recordingActions());
    const items = byId(menu, 'open-recent').submenu ?? [];
    expect(items[0]).toEqual({ label: 'No recent sessions', enabled: false });
    expect(byId(menu, 'clear-recent').enabled).toBe(false);
  });

  it('gives every item a label, a role or the separator type, and unique ids', () => {
    for (const options of [linux, mac, { ...linux, isDevelopment: true, recentSessions: ['/x.ndjson'] }]) {
      const items = allItems(buildMenuTemplate(options, recordingActions()));
      for (const item of items) expect(Boolean(item.label || item.role || item.type === 'separator'), JSON.stringify(item)).toBe(true);
      const ids = items.flatMap((item) => (item.id ? [item.id] : []));
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});
