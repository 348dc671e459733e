#!/usr/bin/env bash
# Checks what `make package` produced (CI runs it after every build):
#  Linux tarball: holds the binary, the .desktop entry and the icon;
#    extracted and installed into a throwaway HOME's ~/.local, the entry
#    passes desktop-file-validate and is where desktops list applications,
#    the GUI smoke test runs from the installed binary, its `version` is
#    this build's, and uninstalling leaves no file behind.
#  Windows zip: the exe is PE32+ x86-64 with icon, version and manifest
#    resources, its version resource is APP_VERSION.APP_BUILD, and it
#    carries the same version and commit the Linux build reports.
#  SHA256SUMS matches both archives.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fail() { echo "package check: $*" >&2; exit 1; }
: "${VERSION:?run through make (make package or make package-check)}" "${APP_VERSION:?}" "${APP_BUILD:?}" "${COMMIT:?}"
name=legco-compliance-$VERSION
tarball=dist/$name-linux-amd64.tar.xz
zip=dist/$name-windows-amd64.zip
only=${1:-all} # linux | windows | all
[ -f "$tarball" ] || [ "$only" = windows ] || fail "$tarball missing"
[ -f "$zip" ] || [ "$only" = linux ] || fail "$zip missing"
if [ "$only" = all ]; then
  (cd dist && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS does not match"
  grep -q " $name-linux-amd64.tar.xz\$" dist/SHA256SUMS && grep -q " $name-windows-amd64.zip\$" dist/SHA256SUMS || fail "SHA256SUMS does not list both archives"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- Linux ---
if [ "$only" != windows ]; then
list=$(tar -tJf "$tarball")
for f in bin/legco-compliance share/applications/kz.legco.compliance.desktop share/icons/kz.legco.compliance.png install.sh Makefile README.txt; do
  grep -qx "$name-linux-amd64/$f" <<<"$list" || fail "$tarball lacks $f"
done
tar -xJf "$tarball" -C "$work"
desktop-file-validate "$work/$name-linux-amd64/share/applications/kz.legco.compliance.desktop" || fail "the .desktop entry does not validate"
home=$work/home
mkdir -p "$home"
HOME=$home "$work/$name-linux-amd64/install.sh" >/dev/null
installed=$home/.local/share/applications/kz.legco.compliance.desktop
[ -x "$home/.local/bin/legco-compliance" ] || fail "install.sh installed no binary"
[ -f "$home/.local/share/icons/hicolor/256x256/apps/kz.legco.compliance.png" ] || fail "install.sh installed no icon"
desktop-file-validate "$installed" || fail "the installed .desktop entry does not validate"
grep -qx "Exec=\"$home/.local/bin/legco-compliance\"" "$installed" || fail "the installed entry does not run the installed binary: $(grep ^Exec "$installed")"
got=$(HOME=$home "$home/.local/bin/legco-compliance" version 2>/dev/null | head -1)
[ "$got" = "legco-compliance $VERSION" ] || fail "installed binary says '$got', want 'legco-compliance $VERSION'"
HOME=$home bash .ci/smoke-gui.sh "$home/.local/bin/legco-compliance" || fail "GUI smoke test of the installed binary failed"
HOME=$home "$work/$name-linux-amd64/install.sh" --uninstall >/dev/null
left=$(find "$home/.local" -type f ! -name 'mimeinfo.cache' ! -name 'icon-theme.cache' 2>/dev/null || true)
[ -z "$left" ] || fail "uninstall left: $left"
echo "package check: $tarball installs in ~/.local, validates, starts (smoke test) and uninstalls cleanly"
fi
[ "$only" != linux ] || exit 0

# --- Windows ---
unzip -q "$zip" -d "$work/win"
exe=$work/win/$name-windows-amd64/legco-compliance.exe
[ -f "$exe" ] || fail "$zip lacks legco-compliance.exe"
[ -f "$work/win/$name-windows-amd64/README.txt" ] || fail "$zip lacks README.txt"
file -b "$exe" | grep -q '^PE32+ executable.*x86-64' || fail "exe is $(file -b "$exe")"
x86_64-w64-mingw32-objdump -h "$exe" | grep -q '\.rsrc' || fail "exe has no resource section"
python3 - "$exe" "$APP_VERSION.$APP_BUILD" <<'PY' || fail "exe resources are incomplete (see above)"
import struct, sys
data = open(sys.argv[1], 'rb').read()
want_version = sys.argv[2]
pe = struct.unpack_from('<I', data, 0x3C)[0]
assert data[pe:pe+4] == b'PE\0\0', 'not a PE file'
nsec = struct.unpack_from('<H', data, pe + 6)[0]
optsize = struct.unpack_from('<H', data, pe + 20)[0]
sec = pe + 24 + optsize
for i in range(nsec):
    off = sec + 40 * i
    if data[off:off+8].rstrip(b'\0') == b'.rsrc':
        vaddr, = struct.unpack_from('<I', data, off + 12)
        raw, = struct.unpack_from('<I', data, off + 20)
        break
else:
    sys.exit('no .rsrc section')
named, ids = struct.unpack_from('<HH', data, raw + 12)
types = set()
for j in range(named + ids):
    tid, = struct.unpack_from('<I', data, raw + 16 + 8 * j)
    types.add(tid)
need = {3: 'RT_ICON', 14: 'RT_GROUP_ICON', 16: 'RT_VERSION', 24: 'RT_MANIFEST'}
missing = [n for t, n in need.items() if t not in types]
if missing:
    sys.exit('missing resources: ' + ', '.join(missing))
rsrc = data[raw:]
if want_version.encode('utf-16-le') not in rsrc:
    sys.exit('version resource does not say ' + want_version)
if 'ProductVersion'.encode('utf-16-le') not in rsrc:
    sys.exit('version resource has no ProductVersion')
print('exe resources: icon, group icon, version %s, manifest' % want_version)
PY
grep -aq "$VERSION" "$exe" || fail "the exe does not carry version $VERSION"
grep -aq "$COMMIT" "$exe" || fail "the exe does not carry commit $COMMIT"
lin=$(bin/legco-compliance version 2>/dev/null | head -2 | tr '\n' ' ')
[ "$lin" = "legco-compliance $VERSION commit $COMMIT " ] || fail "the Linux build says '$lin', the packages are $VERSION $COMMIT"
echo "package check: $zip holds a PE32+ x86-64 exe with icon and version resources, version $VERSION (as the Linux build's \`version\`)"
