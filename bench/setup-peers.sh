#!/bin/sh
# Installs the peers the benchmark compares Toolscope with; not project dependencies.
#   - mitmproxy (its `mitmdump` in reverse-proxy mode), from the Debian package `mitmproxy`;
#   - mockttp (HTTP Toolkit's proxy engine), pinned, into bench/.peers (git-ignored).
# Idempotent: what is already there is left alone. `npm run bench` runs it when a peer is missing;
# run it yourself with `sh bench/setup-peers.sh`. A peer that cannot be installed is reported and skipped
# (its columns then read "n/a (why)"), never a failure: the script always exits 0.
MOCKTTP_VERSION=4.6.5

here=$(cd "$(dirname "$0")" && pwd)
peers="$here/.peers"

# ---- mitmproxy
if command -v mitmdump >/dev/null 2>&1; then
  echo "setup-peers: mitmdump present ($(command -v mitmdump))"
elif [ "$(id -u)" != "0" ]; then
  echo "setup-peers: mitmproxy missing and not root: run \`sudo apt-get install -y mitmproxy\` (Debian/Ubuntu) or \`pipx install mitmproxy\` for that column"
elif ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-peers: mitmproxy missing and no apt-get here: install mitmproxy (pipx install mitmproxy) for that column"
else
  echo "setup-peers: installing the Debian package mitmproxy (apt-get)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mitmproxy >/tmp/toolscope-setup-peers-apt.log 2>&1; then
    echo "setup-peers: apt-get install failed; retrying after apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update >>/tmp/toolscope-setup-peers-apt.log 2>&1
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mitmproxy >>/tmp/toolscope-setup-peers-apt.log 2>&1; then
      echo "setup-peers: could not install mitmproxy (see /tmp/toolscope-setup-peers-apt.log); its column will be n/a"
    fi
  fi
  command -v mitmdump >/dev/null 2>&1 && echo "setup-peers: mitmdump installed ($(mitmdump --version 2>/dev/null | head -1))"
fi

# ---- mockttp
installed=$(node -e "try{console.log(require('$peers/node_modules/mockttp/package.json').version)}catch{}" 2>/dev/null)
if [ "$installed" = "$MOCKTTP_VERSION" ]; then
  echo "setup-peers: mockttp $installed present ($peers)"
elif ! command -v npm >/dev/null 2>&1; then
  echo "setup-peers: npm not found: cannot install mockttp; its column will be n/a"
else
  echo "setup-peers: installing mockttp@$MOCKTTP_VERSION into $peers"
  mkdir -p "$peers"
  [ -f "$peers/package.json" ] || printf '{"name":"toolscope-bench-peers","private":true}\n' >"$peers/package.json"
  if ! npm install --prefix "$peers" --no-audit --no-fund --loglevel=error "mockttp@$MOCKTTP_VERSION"; then
    echo "setup-peers: npm install mockttp@$MOCKTTP_VERSION failed; its column will be n/a"
  fi
fi
exit 0
