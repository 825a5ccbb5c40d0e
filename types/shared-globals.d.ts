/**
 * Web-platform globals that shared/ may use, declared for the shared-only type check (tsconfig.shared.json),
 * which has neither DOM nor Node types on purpose. Node and browsers both provide these; the Node and
 * renderer builds use their own full declarations and never see this file.
 */
declare class URL {
  constructor(input: string, base?: string | URL);
  href: string;
  protocol: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
}
