# shellcheck shell=bash
# The API clients as their own distribution: build the sdist and, from it, the wheel
# (packages/door-access-clients), install the wheel into a throw-away folder, and run the
# client tests (tests/api) against it in an environment without Home Assistant. That
# environment (build and test tools, and the wheel's own dependencies) is cached, keyed by
# the hash of the package's pyproject.toml and requirements_test.txt; each run installs its
# fresh wheel into a temporary folder of its own, so parallel checkouts do not collide.
# Needs env.sh (da_prepare must have run).

DA_CLIENTS_PKG="packages/door-access-clients"

# Runs inside the project's environment (host or sid root), in the checkout:
#   $1 venv folder, $2 the python that creates it.
# shellcheck disable=SC2016
DA_CLIENTS_SCRIPT='
set -euo pipefail
venv=$1 python=$2 pkg=packages/door-access-clients
export PYTHONDONTWRITEBYTECODE=1
run=$(mktemp -d)
trap "rm -rf \"$run\"" EXIT
if [ ! -f "$venv/.complete" ]; then
    echo "[door_access] Creating the clients test environment $venv (once per change)" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q -r "$pkg/requirements_test.txt"
    fresh=1
fi
"$venv/bin/python" -m build --no-isolation --outdir "$run/dist" "$pkg" >"$run/build.log" 2>&1 ||
    { cat "$run/build.log" >&2; exit 1; }
wheels=("$run"/dist/*.whl)
sdists=("$run"/dist/*.tar.gz)
echo "[door_access] built ${sdists[0]##*/} and, from it, ${wheels[0]##*/}" >&2
if [ -n "${fresh:-}" ]; then
    # The wheel brings its own dependencies (and nothing of Home Assistant); keep only them.
    "$venv/bin/pip" install -q "${wheels[0]}"
    "$venv/bin/pip" uninstall -q -y door-access-clients
    touch "$venv/.complete"
fi
"$venv/bin/pip" install -q --no-deps --target "$run/site" "${wheels[0]}"
DOOR_ACCESS_CLIENTS=installed PYTHONPATH="$run/site" \
    "$venv/bin/python" -m pytest -p no:cacheprovider -q --confcutdir=tests/api tests/api
'

da_clients_test() {
    local hash
    hash=$(cat "$DA_ROOT_DIR/$DA_CLIENTS_PKG/pyproject.toml" "$DA_ROOT_DIR/$DA_CLIENTS_PKG/requirements_test.txt" | sha256sum | cut -c1-16)
    if [ "$DA_MODE" = host ]; then
        (cd "$DA_ROOT_DIR" && bash -c "$DA_CLIENTS_SCRIPT" _ "$DA_CACHE/venv-clients-$hash" "$(da_host_python)")
    else
        da_chroot "$DA_ROOT_DIR" bash -c "$DA_CLIENTS_SCRIPT" _ "/opt/venv-clients-$hash" /usr/bin/python3.14
    fi
}
