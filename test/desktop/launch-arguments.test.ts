import { describe, expect, it } from 'vitest';
import { parseLaunchArguments } from '../../electron/desktop/launch-arguments.js';

describe('desktop launch arguments', () => {
  it('takes routes and files, skipping flags and the app path of a development launch', () => {
    const argv = ['/usr/lib/electron', '--no-sandbox', '--inspect=0', '/repo', '--route', '7801=http://127.0.0.1:8000', 'a.ndjson', '--route=7802=http://x', 'b.har'];
    expect(parseLaunchArguments(argv, true)).toEqual({
      routes: ['7801=http://127.0.0.1:8000', '7802=http://x'],
      files: ['a.ndjson', 'b.har'],
    });
  });

  it('keeps the first plain argument of an installed app: it is a file', () => {
    expect(parseLaunchArguments(['/opt/Toolscope/toolscope', '/home/me/session.ndjson'], false)).toEqual({
      routes: [],
      files: ['/home/me/session.ndjson'],
    });
  });

  it('ignores a trailing --route without a value', () => {
    expect(parseLaunchArguments(['toolscope', '--route'], false)).toEqual({ routes: [], files: [] });
  });
});
