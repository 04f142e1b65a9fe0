# Sourced by every script: the project's tool paths, so a fresh shell finds what
# scripts/setup installed. wasm-opt 132 from npm comes first on PATH (never Debian's 108).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# The versions the project is built with (wasm-bindgen comes from Cargo.lock).
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
log() { printf '\033[1;34m[%s]\033[0m %s\n' "$(basename "$0")" "$*" >&2; }
die() { printf '\033[1;31m[%s] error:\033[0m %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
# The wasm-bindgen version pinned in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}
