# shellcheck shell=bash
# Shared setup for the project's scripts: find or build the Python 3.14 environment that the
# pinned Home Assistant needs, and run commands inside it with the checkout as working folder.
#
# Order of preference:
#   1. a python3.14 (>= 3.14.2) already on PATH: a virtualenv next to it;
#   2. otherwise a Debian sid root (debootstrap) that carries python3.14, with the virtualenv
#      inside it; commands run there through chroot in a private mount namespace so the
#      checkout, /proc and /dev are mounted only for that command and vanish with it.
# Both are cached under ~/.cache/door_access, keyed by the hash of the requirements files.
#
# The browser journey (tests/e2e/test_browser_journey.py) drives a Chromium from the system's
# packages, never a browser download: in the sid root, Debian's `chromium` is installed there; on
# the host, an installed chromium / chromium-browser / google-chrome is used, or Debian's
# `chromium` is installed with apt on Debian. DOOR_ACCESS_CHROMIUM tells the tests its path.

set -euo pipefail

DA_ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DA_CACHE=${DOOR_ACCESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/door_access}
DA_REQ_HASH=$(cat "$DA_ROOT_DIR/requirements_test.txt" "$DA_ROOT_DIR/requirements_dev.txt" 2>/dev/null | sha256sum | cut -c1-16)
DA_SID_ROOT="$DA_CACHE/sid-root"
# python3.14-dev and g++: a few of Home Assistant's always-loaded integrations (assist_pipeline)
# need packages that exist only as C++ sources for Python 3.14.
DA_SID_PACKAGES="python3.14,python3.14-venv,python3.14-dev,g++,ca-certificates"
# Debian packages the sid root gets on top of debootstrap's (the browser journey's Chromium and
# fonts for its pages); roots built before they were listed get them in da_complete_sid_root.
DA_SID_EXTRA_PACKAGES=(chromium fonts-dejavu-core fonts-liberation)
DA_SID_CHROMIUM=/usr/bin/chromium
DA_MODE=""
DA_VENV=""

da_log() { printf '\033[1m[door_access]\033[0m %s\n' "$*" >&2; }

da_host_python() {
    local candidate
    for candidate in python3.14 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; raise SystemExit(sys.version_info < (3, 14, 2))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

da_build_sid_root() {
    if [ -x "$DA_SID_ROOT/usr/bin/python3.14" ]; then
        return 0
    fi
    da_log "No Python >= 3.14.2 on PATH: building a Debian sid root with python3.14 in $DA_SID_ROOT (about a minute, once)."
    if ! command -v debootstrap >/dev/null 2>&1; then
        da_log "Installing debootstrap"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    local staging="$DA_SID_ROOT.partial"
    rm -rf "$staging"
    mkdir -p "$DA_CACHE"
    debootstrap --variant=minbase --include="$DA_SID_PACKAGES" sid "$staging" >"$DA_CACHE/debootstrap.log" 2>&1 ||
        { tail -20 "$DA_CACHE/debootstrap.log" >&2; return 1; }
    mv "$staging" "$DA_SID_ROOT"
}

# Roots built before a package was added to DA_SID_PACKAGES or DA_SID_EXTRA_PACKAGES get it
# installed in place (apt inside the root; the served sid snapshot's release file is older than
# apt's validity window, hence Check-Valid-Until=false).
da_complete_sid_root() {
    if [ -x "$DA_SID_ROOT/usr/bin/g++" ] && [ -e "$DA_SID_ROOT/usr/include/python3.14/Python.h" ] &&
        [ -x "$DA_SID_ROOT$DA_SID_CHROMIUM" ] && [ -f "$DA_SID_ROOT/.door_access_extra_packages" ] &&
        [ "$(cat "$DA_SID_ROOT/.door_access_extra_packages")" = "${DA_SID_EXTRA_PACKAGES[*]}" ]; then
        return 0
    fi
    da_log "Adding the compiler, Python headers and Chromium to the sid root (about a minute, once)"
    local apt_opts=(-o Acquire::Check-Valid-Until=false -qq)
    DA_MODE=chroot DA_VENV=/nonexistent da_chroot / apt-get "${apt_opts[@]}" update >/dev/null
    DA_MODE=chroot DA_VENV=/nonexistent da_chroot / env DEBIAN_FRONTEND=noninteractive \
        apt-get "${apt_opts[@]}" install -y --no-install-recommends \
        python3.14-dev g++ "${DA_SID_EXTRA_PACKAGES[@]}" >/dev/null
    DA_MODE=chroot DA_VENV=/nonexistent da_chroot / apt-get clean
    printf '%s\n' "${DA_SID_EXTRA_PACKAGES[*]}" >"$DA_SID_ROOT/.door_access_extra_packages"
}

# Print the path of a Chromium (or Chrome) on this machine that starts; fail when there is none.
da_host_chromium_path() {
    local candidate path
    for candidate in "${DOOR_ACCESS_CHROMIUM:-}" chromium chromium-browser google-chrome google-chrome-stable; do
        [ -n "$candidate" ] || continue
        path=$(command -v "$candidate" 2>/dev/null) || continue
        # Ubuntu's chromium-browser may be a stub that only points at a snap: it must really run.
        if timeout 30 "$path" --headless --no-sandbox --version >/dev/null 2>&1; then
            printf '%s\n' "$path"
            return 0
        fi
    done
    return 1
}

# Host mode: find Chromium, or install Debian's `chromium` with apt on Debian.
da_host_chromium() {
    local path
    if path=$(da_host_chromium_path); then
        DOOR_ACCESS_CHROMIUM=$path
        return 0
    fi
    if grep -qsx 'ID=debian' /etc/os-release && command -v apt-get >/dev/null 2>&1; then
        local -a sudo=()
        if [ "$(id -u)" != 0 ]; then sudo=(sudo -n); fi
        da_log "No Chromium on this machine: installing Debian's chromium with apt (about a minute, once)"
        if "${sudo[@]}" apt-get update -qq &&
            "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends chromium fonts-dejavu-core fonts-liberation >/dev/null &&
            path=$(da_host_chromium_path); then
            DOOR_ACCESS_CHROMIUM=$path
            return 0
        fi
    fi
    da_log "No Chromium found (chromium, chromium-browser, google-chrome) and none could be installed: the browser journey test will fail. Install one, or set DOOR_ACCESS_CHROMIUM to its path."
    DOOR_ACCESS_CHROMIUM=""
}

da_sync_root_files() {
    cp /etc/ssl/certs/ca-certificates.crt "$DA_SID_ROOT/etc/ssl/certs/ca-certificates.crt"
    cp -L /etc/resolv.conf "$DA_SID_ROOT/etc/resolv.conf" 2>/dev/null || true
    if [ -d /etc/pip.conf ] || [ -f /etc/pip.conf ]; then cp -L /etc/pip.conf "$DA_SID_ROOT/etc/pip.conf" 2>/dev/null || true; fi
}

# Run a command inside the sid root with the checkout mounted at the same path.
da_chroot() {
    local workdir=$1
    shift
    local -a passenv=(env -i "HOME=/root" "PATH=$DA_VENV/bin:/usr/local/bin:/usr/bin:/bin" "LANG=C.UTF-8" "TERM=${TERM:-dumb}")
    local var
    for var in CI PIP_INDEX_URL PIP_EXTRA_INDEX_URL PYTEST_ADDOPTS DOOR_ACCESS_HOST DOOR_ACCESS_PORT DOOR_ACCESS_SIM_PORT DOOR_ACCESS_LATENCY_MS DOOR_ACCESS_CONFIG DOOR_ACCESS_BENCH \
        DOOR_ACCESS_CHROMIUM DOOR_ACCESS_HOST_ROOT DOOR_ACCESS_ARTIFACTS DOOR_ACCESS_UPDATE_SCREENSHOTS; do
        if [ -n "${!var:-}" ]; then passenv+=("$var=${!var}"); fi
    done
    unshare --mount --propagation private -- bash -c '
        set -e
        root=$1; top=$2; workdir=$3; shift 3
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mkdir -p "$root$top"
        mount --bind "$top" "$root$top"
        exec chroot "$root" /bin/bash -c "cd \"\$0\" && exec \"\$@\"" "$workdir" "$@"
    ' _ "$DA_SID_ROOT" "$DA_ROOT_DIR" "$workdir" "${passenv[@]}" "$@"
}

da_prepare() {
    mkdir -p "$DA_CACHE"
    # One builder at a time: parallel runs wait here instead of racing on the same folders.
    exec {DA_LOCK_FD}>"$DA_CACHE/.lock"
    flock "$DA_LOCK_FD"
    da_prepare_locked
    flock -u "$DA_LOCK_FD"
}

da_prepare_locked() {
    local host_python
    if host_python=$(da_host_python); then
        DA_MODE=host
        DA_VENV="$DA_CACHE/venv-$DA_REQ_HASH"
        if [ ! -x "$DA_VENV/bin/python" ] || [ ! -f "$DA_VENV/.complete" ]; then
            da_log "Creating virtualenv $DA_VENV with $host_python"
            rm -rf "$DA_VENV"
            "$host_python" -m venv "$DA_VENV"
            "$DA_VENV/bin/pip" install -q --upgrade pip
            "$DA_VENV/bin/pip" install -q -r "$DA_ROOT_DIR/requirements_test.txt" -r "$DA_ROOT_DIR/requirements_dev.txt"
            touch "$DA_VENV/.complete"
        fi
        da_host_chromium
        export DOOR_ACCESS_CHROMIUM
    else
        DA_MODE=chroot
        da_build_sid_root
        da_sync_root_files
        da_complete_sid_root
        DA_VENV="/opt/venv-$DA_REQ_HASH"
        if [ ! -f "$DA_SID_ROOT$DA_VENV/.complete" ]; then
            da_log "Creating virtualenv $DA_VENV inside the sid root (about a minute, once per requirements change)"
            rm -rf "${DA_SID_ROOT:?}$DA_VENV"
            da_chroot "$DA_ROOT_DIR" /usr/bin/python3.14 -m venv "$DA_VENV"
            da_chroot "$DA_ROOT_DIR" "$DA_VENV/bin/pip" install -q --upgrade pip
            da_chroot "$DA_ROOT_DIR" "$DA_VENV/bin/pip" install -q -r requirements_test.txt -r requirements_dev.txt
            touch "$DA_SID_ROOT$DA_VENV/.complete"
        fi
        # Paths the tests see are inside the root; they print where that is on this machine.
        export DOOR_ACCESS_CHROMIUM=$DA_SID_CHROMIUM DOOR_ACCESS_HOST_ROOT=$DA_SID_ROOT
    fi
}

# Run a command from the project's environment, in the checkout.
da_run() {
    if [ "$DA_MODE" = host ]; then
        (cd "$DA_ROOT_DIR" && PATH="$DA_VENV/bin:$PATH" "$@")
    else
        da_chroot "$DA_ROOT_DIR" "$@"
    fi
}
