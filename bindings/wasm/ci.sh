#!/usr/bin/env bash
# CI stage of bindings/wasm (the Makefile's test-wasm target calls it): installs what a fresh
# machine lacks, builds the npm package and the calculator site, then runs the TypeScript check,
# the Node tests (the whole conformance corpus) and the real-browser test (Debian's chromium).
#
# Run from anywhere: `bash bindings/wasm/ci.sh`. Installs run one after another and never beside a
# build (two cores). Debian's binaryen is never used (its wasm-opt makes modules that do not
# load): wasm-opt comes from the npm `binaryen` package; no browser is downloaded.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WASM="$ROOT/bindings/wasm"
cd "$ROOT"

if [ -d "$HOME/.cargo/bin" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
WASM_BINDGEN_VERSION=0.2.130

step() {
  printf '\n==> wasm: %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_tools() {
  step "rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown

  # Debian's chromium (never a downloaded browser) and a CJK font, so that the screenshots show
  # the Chinese page as people see it.
  local packages=()
  [ -x /usr/bin/chromium ] || packages+=(chromium)
  if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; }; then
    packages+=(fonts-wqy-microhei)
  fi
  if [ ${#packages[@]} -gt 0 ]; then
    step "apt-get install ${packages[*]}"
    as_root apt-get update
    as_root apt-get install -y "${packages[@]}"
  fi

  # The CLI must equal the crate's exact pin; its lockfile pins a crate this registry does not
  # serve, hence no --locked.
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi

  step "npm ci (typescript, playwright-core, binaryen; pinned in package-lock.json)"
  (cd "$WASM" && npm ci --no-audit --no-fund)
}

print_versions() {
  step "tool versions"
  wasm-bindgen --version
  "$WASM/node_modules/.bin/wasm-opt" --version
  "$WASM/node_modules/.bin/tsc" --version
  node --version
  echo "npm $(npm --version)"
  /usr/bin/chromium --version
}

main() {
  local start=$SECONDS
  install_tools
  print_versions

  step "build (cargo + wasm-bindgen + wasm-opt)"
  bash "$WASM/build.sh"

  cd "$WASM"
  step "tsc --noEmit (index.d.ts against types-test/usage.ts)"
  ./node_modules/.bin/tsc --noEmit -p types-test

  step "node --test: API and the conformance corpus"
  node --test tests/*.test.mjs

  step "browser test: Debian chromium + playwright-core"
  node --test browser-test/*.test.mjs
  echo "screenshots: $WASM/out/test-results/"

  step "done in $((SECONDS - start)) s"
}

main "$@"
