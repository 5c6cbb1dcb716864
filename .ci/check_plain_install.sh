#!/usr/bin/env bash
# A plain install works: a fresh venv with the same Python as .venv, `pip install .` (no lock,
# not editable, the dependencies as pip resolves them today), then an HTML, a DOCX and a PDF
# report made now must all load with their body text, and the cache must not be inside
# site-packages. The reports are written with .venv (python-docx, fpdf2); the plain venv only
# reads them. Run after `make setup` (or `make test`), from the repository's root or anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
test -x "$PY" || make setup

WORK=$(mktemp -d "${TMPDIR:-/tmp}/plain-install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
start=$SECONDS

# `python -m venv` run by a venv's Python makes a venv of the base interpreter, not a nested one.
"$PY" -m venv "$WORK/venv"
echo "plain venv: $("$WORK/venv/bin/python" --version) ($("$WORK/venv/bin/python" -m pip --version | cut -d' ' -f1-2))"
# pip builds in the source folder, and setuptools writes build/ and *.egg-info there: a copy
# of the files git tracks (or would: new files not ignored) keeps this checkout's .venv,
# build/ (stale build/lib included) and caches out of the package.
mkdir "$WORK/src"
git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$WORK/src"
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$WORK/src"
echo "pip install . done in $((SECONDS - start)) s"

"$PY" .ci/plain_install.py write "$WORK/reports"
# From another folder and without FZZF_CACHE, so that neither this checkout nor the
# environment can stand in for what the install itself provides.
(cd "$WORK" && env -u FZZF_CACHE "$WORK/venv/bin/python" "$ROOT/.ci/plain_install.py" \
    check "$WORK/reports")
echo "plain install check passed in $((SECONDS - start)) s"
