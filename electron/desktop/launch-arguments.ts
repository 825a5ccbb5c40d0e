/**
 * What the desktop app's command line asks for: routes (`--route LISTEN=UPSTREAM`) and files to open (a
 * session or a HAR, as "open with" on Linux and Windows passes them, also to an instance already running).
 */

export interface LaunchArguments {
  routes: string[];
  files: string[];
}

/**
 * `hasAppPathArgument`: started as `electron <app path> …` during development (Electron's `process.defaultApp`),
 * where the first plain argument is the app, not a file. Flags (Chromium's and ours) are skipped, so are the
 * values of `--route`.
 */
export function parseLaunchArguments(argv: readonly string[], hasAppPathArgument: boolean): LaunchArguments {
  const routes: string[] = [];
  const plain: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--route') {
      const value = argv[i + 1];
      if (value !== undefined) routes.push(value);
      i++;
    } else if (arg.startsWith('--route=')) {
      routes.push(arg.slice('--route='.length));
    } else if (!arg.startsWith('-')) {
      plain.push(arg);
    }
  }
  return { routes, files: hasAppPathArgument ? plain.slice(1) : plain };
}
