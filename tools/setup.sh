#!/usr/bin/env bash
# Installs what cnn-playground needs to build and test, skipping whatever is already there.
#
#   tools/setup.sh          Debian packages: cmake g++ make emscripten doctest-dev
#                           nlohmann-json3-dev zlib1g-dev; xsimd >= 11.2 headers into .deps/xsimd;
#                           npm packages (npm ci) when node_modules is missing or out of date
#   tools/setup.sh --test   the same, plus chromium, firefox-esr, webkit2gtk-driver (WebKitGTK's
#                           MiniBrowser and WebKitWebDriver) and xvfb (a display for WebKitGTK)
#                           for the browser suites, dataset-fashion-mnist (IDX files) for the
#                           browser tests, python3-numpy for the exported Keras script's weight
#                           reader, and clang with its libFuzzer runtime for the fuzz run
#
# xsimd: Debian 12 ships 8.1, which has no WebAssembly support. The script fetches Debian 13's
# header-only libxsimd-dev by name with apt into a private package list (the system's apt state is
# not touched) and unpacks it with dpkg -x. Elsewhere, point CMake at your own copy with
# -DCNN_XSIMD_INCLUDE_DIR=/path/to/xsimd/include.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
xsimd_min=11.2
xsimd_dir="$root/.deps/xsimd"

want_test=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      echo "setup: unknown option '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

log() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

manual_instructions() {
  cat >&2 <<'EOF'
setup: this script installs packages with apt-get (Debian 12 or later). On this system, install:
  - CMake >= 3.21, make (or Ninja), a C++17 compiler, zlib (headers), doctest, nlohmann-json >= 3.10
  - Emscripten >= 3.1.6 (emsdk works: source emsdk_env.sh so that emcc and emcmake are on PATH)
  - xsimd >= 11.2 headers (header-only; no build needed)
  - Node.js 20 or later with npm, then run `npm ci` in the repository
  - Chromium (for the browser tests), at /usr/bin/chromium or named by CHROMIUM_PATH
  - Firefox (ESR or later) at /usr/bin/firefox-esr or named by FIREFOX_PATH, and WebKitGTK's
    WebKitWebDriver with MiniBrowser and Xvfb, for the firefox and webkit suites
Then configure with your xsimd:
  cmake --preset native -DCNN_XSIMD_INCLUDE_DIR=/path/to/xsimd/include
  emcmake cmake --preset wasm -DCNN_XSIMD_INCLUDE_DIR=/path/to/xsimd/include \
      -DCNN_NLOHMANN_JSON_INCLUDE_DIR=/path/to/nlohmann-json/include
EOF
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "installing packages needs root (or sudo): $*"
  fi
}

# --- Debian packages ---------------------------------------------------------------------------
packages=(cmake g++ make emscripten doctest-dev nlohmann-json3-dev zlib1g-dev)
((want_test)) && packages+=(chromium firefox-esr webkit2gtk-driver xvfb dataset-fashion-mnist python3-numpy clang libclang-rt-dev)

if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
  manual_instructions
  die "apt-get not found: install the tools above yourself"
fi

missing=()
for pkg in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)"
  [[ $status == ii* ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  log "Debian packages already installed (${packages[*]})"
fi

# --- xsimd headers -----------------------------------------------------------------------------
# Prints MAJOR.MINOR.PATCH of the xsimd headers under include dir $1, or nothing.
xsimd_version() {
  local header="$1/xsimd/config/xsimd_config.hpp"
  [[ -f $header ]] || return 0
  awk '$1 == "#define" && $2 ~ /^XSIMD_VERSION_(MAJOR|MINOR|PATCH)$/ { v[$2] = $3 }
       END { if ("XSIMD_VERSION_MAJOR" in v)
               print v["XSIMD_VERSION_MAJOR"] "." v["XSIMD_VERSION_MINOR"] "." v["XSIMD_VERSION_PATCH"] }' \
    "$header"
}
# True when version $1 >= version $2.
version_ge() { printf '%s\n%s\n' "$2" "$1" | sort -V -C; }

# The Debian archive this system already uses (not the security archive), from apt's own config.
debian_mirror() {
  apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
    awk '$2 ~ /^(bookworm|trixie|forky|stable|oldstable|testing|unstable|sid)$/ && $1 !~ /security/ { print $1; exit }'
}

fetch_xsimd() {
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  local mirror
  mirror="$(debian_mirror)"
  [[ -n $mirror && -f $keyring ]] || {
    manual_instructions
    die "no Debian archive configured in apt (or $keyring missing): cannot fetch xsimd >= $xsimd_min; install it yourself and pass -DCNN_XSIMD_INCLUDE_DIR"
  }
  local tmp
  tmp="$(mktemp -d)"
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'; trap - RETURN" RETURN
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/deb"
  echo "deb [signed-by=$keyring] $mirror trixie main" >"$tmp/sources.list"
  local apt_private=(
    -o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache"
    -o Acquire::Languages=none -o APT::Sandbox::User=root -q
  )
  log "fetching xsimd headers (Debian 13 libxsimd-dev) into .deps/xsimd"
  apt-get "${apt_private[@]}" update >"$tmp/update.log" 2>&1 || {
    cat "$tmp/update.log" >&2
    die "apt-get update of the private Debian 13 list failed"
  }
  (cd "$tmp/deb" && apt-get "${apt_private[@]}" download libxsimd-dev) >"$tmp/download.log" 2>&1 || {
    cat "$tmp/download.log" >&2
    die "apt-get download libxsimd-dev failed"
  }
  local deb
  deb="$(ls "$tmp"/deb/libxsimd-dev_*.deb)"
  dpkg -x "$deb" "$tmp/root"
  local version
  version="$(xsimd_version "$tmp/root/usr/include")"
  [[ -n $version ]] && version_ge "$version" "$xsimd_min" ||
    die "$(basename "$deb") holds xsimd '${version:-unknown}', need >= $xsimd_min"
  rm -rf "$xsimd_dir"
  mkdir -p "$xsimd_dir"
  mv "$tmp/root/usr/include" "$xsimd_dir/include"
  cp "$tmp/root/usr/share/doc/libxsimd-dev/copyright" "$xsimd_dir/copyright" 2>/dev/null || true
  dpkg-deb -f "$deb" Version >"$xsimd_dir/debian-version"
  log "xsimd $version installed in .deps/xsimd/include"
}

have_xsimd="$(xsimd_version "$xsimd_dir/include")"
if [[ -n $have_xsimd ]] && version_ge "$have_xsimd" "$xsimd_min"; then
  log "xsimd $have_xsimd already in .deps/xsimd/include"
else
  fetch_xsimd
fi

# --- npm packages ------------------------------------------------------------------------------
command -v node >/dev/null && command -v npm >/dev/null || die "Node.js 20+ and npm are needed"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 20)) || die "Node.js $(node --version) is too old: need 20 or later"

stamp="$root/node_modules/.setup-stamp"
lock_hash="$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)"
if [[ -f $stamp && $(cat "$stamp") == "$lock_hash" ]]; then
  log "npm packages up to date"
else
  log "installing npm packages (npm ci)"
  (cd "$root" && npm ci --no-audit --no-fund)
  echo "$lock_hash" >"$stamp"
fi

log "done"
