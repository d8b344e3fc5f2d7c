#!/usr/bin/env bash
# shellcheck disable=SC2034  # variables here are used by the scripts that source this file
# Shared set-up functions for bin/run and bin/test: source it from the repo root.
set -euo pipefail

# Debian packages the app needs at runtime: msgfmt for compilemessages, WeasyPrint's libraries
# (libharfbuzz-subset0 makes writing PDFs several times faster) and a font.
RUNTIME_APT_PACKAGES=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
# Extra packages for the test suite: a PostgreSQL server, pdftotext/pdfinfo/pdffonts and
# Chromium for the browser tests (Playwright drives /usr/bin/chromium; it never downloads one).
TEST_APT_PACKAGES=(postgresql poppler-utils chromium)

VENV=.venv
VENV_PYTHON=$VENV/bin/python
INSTALL_STAMP=$VENV/.styrkort-install-stamp

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

heading() { printf '\n== %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

python_ok() {
    "$1" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1
}

# Prints the path of a Python >= 3.12. Candidates are run, not just found: pyenv shims for a
# version that isn't selected exist on PATH but fail with "command not found".
find_python() {
    local candidates=() p pyenv_root
    [[ -n ${PYTHON:-} ]] && candidates+=("$PYTHON")
    for p in python3.13 python3.12 python3; do
        command -v "$p" >/dev/null 2>&1 && candidates+=("$(command -v "$p")")
    done
    pyenv_root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    while IFS= read -r p; do
        candidates+=("$p")
    done < <(compgen -G "$pyenv_root/versions/3.1[2-9]*/bin/python3" | sort -rV || true)
    while IFS= read -r p; do
        candidates+=("$p")
    done < <(compgen -G "/usr/bin/python3.1[2-9]" | sort -rV || true)

    for p in "${candidates[@]}"; do
        if python_ok "$p"; then
            echo "$p"
            return 0
        fi
    done
    cat >&2 <<'EOF'
ERROR: Styrkort needs Python >= 3.12, and none was found.
Tried: $PYTHON, python3.13, python3.12 and python3 on PATH,
       $(pyenv root)/versions/3.1[2-9]*/bin/python3, /usr/bin/python3.1[2-9].
Install one, for example:
  pyenv install 3.13                  (then re-run; no need to select it)
  apt-get install python3.13-venv     (on a Debian/Ubuntu release that has it)
or point PYTHON at an interpreter: PYTHON=/path/to/python3.12 bin/run
EOF
    exit 1
}

# Exact versions (with hashes) of everything pyproject.toml asks for, its test extra included:
# see CONTRIBUTING.md for how to update it.
LOCK_FILE=requirements.lock

# Creates .venv with a Python >= 3.12 if needed and installs the locked packages and the project
# (its own code, without resolving anything again). pip runs only when pyproject.toml, the lock
# file or the interpreter changed since the last successful install.
ensure_venv() {
    local python wanted problems
    if [[ -x $VENV_PYTHON ]] && ! python_ok "$VENV_PYTHON"; then
        echo "Removing $VENV: its Python is missing or older than 3.12."
        rm -rf "$VENV"
    fi
    if [[ ! -x $VENV_PYTHON ]]; then
        python=$(find_python)
        echo "Creating $VENV with $python ($("$python" -V 2>&1))."
        rm -rf "$VENV"
        "$python" -m venv "$VENV"
    fi
    [[ -f $LOCK_FILE ]] || die "$LOCK_FILE is missing (see CONTRIBUTING.md)"
    wanted="$(cat pyproject.toml "$LOCK_FILE" | sha256sum | cut -d' ' -f1) $("$VENV_PYTHON" -V 2>&1)"
    if [[ ! -f $INSTALL_STAMP || $(<"$INSTALL_STAMP") != "$wanted" ]]; then
        echo "Installing Python packages into $VENV from $LOCK_FILE."
        rm -f "$INSTALL_STAMP"
        "$VENV_PYTHON" -m pip install -q --require-hashes -r "$LOCK_FILE"
        "$VENV_PYTHON" -m pip install -q --no-deps -e .
        if ! problems=$("$VENV_PYTHON" -m pip check); then
            printf '%s\n' "$problems" >&2
            die "$LOCK_FILE does not match pyproject.toml: update it (see CONTRIBUTING.md)"
        fi
        printf '%s\n' "$wanted" >"$INSTALL_STAMP"
    fi
}

# Installs the given Debian packages that aren't installed yet; no apt work when all are there.
ensure_apt_packages() {
    local missing=() pkg sudo=()
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "WARNING: not a Debian system; make sure these (or equivalents) are installed: $*" >&2
        return 0
    fi
    for pkg in "$@"; do
        if [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) != installed ]]; then
            missing+=("$pkg")
        fi
    done
    ((${#missing[@]})) || return 0
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 \
            || die "missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})"
        sudo=(sudo)
    fi
    echo "Installing Debian packages: ${missing[*]}"
    if [[ -z ${APT_UPDATED:-} ]]; then
        "${sudo[@]}" apt-get update -qq
        APT_UPDATED=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
}

# Compiles the project's .po catalogues, if it has any, so .mo files needn't be committed.
compile_messages() {
    if [[ -n $(find . -path ./.venv -prune -o -path ./node_modules -prune \
        -o -path '*/locale/*' -name '*.po' -print -quit) ]]; then
        DEBUG=true "$VENV_PYTHON" manage.py compilemessages -v 0 \
            --ignore=.venv --ignore=node_modules
    fi
}

# Installs the front-end packages of package-lock.json into node_modules/ (served as static
# files), with Debian's Node.js if the machine has none; only when the lock file changed.
ensure_node_packages() {
    local stamp=node_modules/.styrkort-install-stamp wanted
    if ! command -v npm >/dev/null 2>&1; then
        ensure_apt_packages nodejs npm
    fi
    wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
    if [[ ! -f $stamp || $(<"$stamp") != "$wanted" ]]; then
        echo "Installing front-end packages into node_modules/."
        npm ci --no-audit --no-fund --loglevel=error
        printf '%s\n' "$wanted" >"$stamp"
    fi
}
