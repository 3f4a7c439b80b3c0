#!/usr/bin/env bash
# Refresh the vendored NHS.UK frontend assets from the npm registry.
# The version must match the nhsuk-frontend-jinja pin in pyproject.toml
# (see that package's compatibility table). Needs npm; the result is committed
# so that a fresh machine needs only Python.
set -euo pipefail
version="${1:-10.6.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/src/pcnhub/web/static/nhsuk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "nhsuk-frontend@$version" >/dev/null 2>&1 && tar xzf "nhsuk-frontend-$version.tgz")
dist="$work/package/dist/nhsuk"
rm -rf "$dest" && mkdir -p "$dest"
cp "$dist/nhsuk-frontend.min.js" "$dest/"
cp -r "$dist/assets" "$dest/"
printf "nhsuk-frontend %s, MIT licence, (c) NHS England. Vendored by scripts/vendor-nhsuk-frontend.sh.\n" "$version" > "$dest/NOTICE"
# The stylesheet points at /assets/...; we serve it under /static/nhsuk/.
# Its @font-face rules load Frutiger from assets.nhs.uk, a request outside
# pcnhub that the CSP refuses (and Frutiger is licensed to NHS sites, so it is
# not ours to serve): they are removed, and the stylesheet's own fallback,
# Arial, is used (tests/core/test_static_assets.py holds this).
sed -E -e 's#url\(/assets/#url(assets/#g' -e 's#@font-face\{[^}]*\}##g' \
  "$dist/nhsuk-frontend.min.css" > "$dest/nhsuk-frontend.min.css"
echo "$version" > "$dest/VERSION"
echo "vendored nhsuk-frontend $version into $dest"
