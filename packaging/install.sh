#!/bin/sh
# Installs the LegCo Compliance Workstation for the current user (no root
# needed), or removes it:
#   ./install.sh              binary to ~/.local/bin, menu entry, icon
#   ./install.sh --uninstall  removes exactly those files (workspaces stay)
# PREFIX (default ~/.local) changes the place, e.g. PREFIX=/usr/local as root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
app=kz.legco.compliance
bin=$prefix/bin/legco-compliance
desktop=$prefix/share/applications/$app.desktop
icon=$prefix/share/icons/hicolor/256x256/apps/$app.png

refresh() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/share/applications" 2>/dev/null || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$bin" "$desktop" "$icon"
  refresh
  echo "legco-compliance removed from $prefix (workspaces and backups are not touched)"
  exit 0
fi
[ -z "${1:-}" ] || { echo "usage: $0 [--uninstall]" >&2; exit 2; }

mkdir -p "$(dirname "$bin")" "$(dirname "$desktop")" "$(dirname "$icon")"
install -m 0755 "$here/bin/legco-compliance" "$bin"
install -m 0644 "$here/share/icons/$app.png" "$icon"
# The menu entry runs the installed binary by its full path: ~/.local/bin
# is not on every desktop session's PATH.
sed "s|^Exec=legco-compliance|Exec=\"$bin\"|" "$here/share/applications/$app.desktop" > "$desktop"
chmod 0644 "$desktop"
refresh
echo "installed $("$bin" version 2>/dev/null | head -1) in $prefix"
echo "start it from the applications menu (LegCo Compliance Workstation) or run $bin"
