#!/usr/bin/env bash
# `make package` calls this: build.sh linux|windows|sums. VERSION, COMMIT,
# APP_VERSION and APP_BUILD come from the Makefile (git describe and
# FyneApp.toml). Output in dist/.
#  linux:   dist/legco-compliance-VERSION-linux-amd64.tar.xz, from the
#           tarball `fyne package` makes of bin/legco-compliance (built by
#           `make build` with the version linked in), repacked with our
#           .desktop entry (Russian and Kazakh names) and install.sh, since
#           the Makefile fyne writes installs the icon under a wrong name.
#  windows: dist/legco-compliance-VERSION-windows-amd64.zip: the exe
#           cross-compiled with mingw-w64 by `fyne package -os windows`,
#           which links the icon and version information as resources.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
: "${VERSION:?}" "${COMMIT:?}" "${APP_VERSION:?}" "${APP_BUILD:?}"
name=legco-compliance-$VERSION
mkdir -p dist build/pkg

fyne_tool() {
  # The packaging tool pinned in go.mod (tool directive), built for this
  # machine even when GOOS says windows.
  [ -x build/pkg/fyne ] || GOOS= GOARCH= CGO_ENABLED=0 go build -o build/pkg/fyne fyne.io/tools/cmd/fyne
  build/pkg/fyne "$@"
}

linux() {
  local stage=build/pkg/linux out=dist/$name-linux-amd64.tar.xz
  rm -rf "$stage"; mkdir -p "$stage/fyne"
  # XZ_OPT=-0: fyne's own tarball is only unpacked again; compress once.
  (cd "$stage/fyne" && XZ_OPT=-0 "$root/build/pkg/fyne" package --target linux --src "$root/cmd/legco-compliance" \
    --name legco-compliance --app-id kz.legco.compliance --app-version "$APP_VERSION" --app-build "$APP_BUILD" \
    --icon "$root/assets/icon.png" --executable "$root/bin/legco-compliance")
  tar -xJf "$stage/fyne/legco-compliance.tar.xz" -C "$stage/fyne"
  local from=$stage/fyne/legco-compliance/usr
  [ -d "$from/local" ] && from=$from/local
  local d=$stage/$name-linux-amd64
  mkdir -p "$d/bin" "$d/share/applications" "$d/share/icons"
  cp "$from/bin/legco-compliance" "$d/bin/"
  cp "$from/share/pixmaps/kz.legco.compliance.png" "$d/share/icons/"
  cp packaging/kz.legco.compliance.desktop "$d/share/applications/"
  cp packaging/install.sh "$d/"
  cp packaging/Makefile.dist "$d/Makefile"
  cp packaging/README.linux.txt "$d/README.txt"
  # xz -1: a fifth of -6's time on a 40 MB binary for a few MB more.
  XZ_OPT="${XZ_OPT:--1 -T0}" tar -C "$stage" --owner=0 --group=0 -cJf "$out" "$name-linux-amd64"
  rm -rf "$stage"
  echo "package: $out"
}

windows() {
  local src=cmd/legco-compliance stage=build/pkg/windows out=dist/$name-windows-amd64.zip
  local exe=$root/$src/legco-compliance.exe
  rm -rf "$stage" "$src/fyne.syso"; mkdir -p "$stage"
  # fyne package writes fyne.syso (icon, manifest, version) next to the
  # exe, which must be the main package's folder for the linker to take
  # it, then builds. An existing exe stops it building once more before.
  : > "$exe"
  # fyne also injects fyne_metadata_init.go for the build; never leave
  # either behind (fyne.syso has no GOOS suffix: Linux builds would link it).
  # Expanded now: the trap runs at exit, when these locals are gone.
  trap "rm -f '$exe' '$root/$src/fyne.syso' '$root/$src/fyne_metadata_init.go'" EXIT
  fyne_tool version >/dev/null
  # Debian's mingw-w64 gcc fortifies C code (_FORTIFY_SOURCE, stack
  # protector), whose helpers live in libssp: link it, or go-gl/glfw's C
  # fails with undefined __stack_chk_fail / __chk_fail.
  GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CGO_LDFLAGS="${CGO_LDFLAGS:-} -lssp" \
  GOFLAGS="${GOFLAGS:-} -ldflags=-X=main.version=$VERSION -ldflags=-X=main.commit=$COMMIT" \
    build/pkg/fyne package --target windows --src "$root/$src" --tags migrated_fynedo \
    --name legco-compliance --app-id kz.legco.compliance --app-version "$APP_VERSION" --app-build "$APP_BUILD" \
    --icon "$root/assets/icon.png" --executable "$exe"
  [ -s "$exe" ] || { echo "package: fyne package wrote no Windows exe" >&2; exit 1; }
  local d=$stage/$name-windows-amd64
  mkdir -p "$d"
  mv "$exe" "$d/legco-compliance.exe"
  cp packaging/README.windows.txt "$d/README.txt"
  sed -i 's/$/\r/' "$d/README.txt"
  rm -f "$out"
  (cd "$stage" && zip -qr -9 "$root/$out" "$name-windows-amd64")
  rm -rf "$stage"
  echo "package: $out"
}

sums() {
  (cd dist && rm -f SHA256SUMS && sha256sum "$name"-linux-amd64.tar.xz "$name"-windows-amd64.zip > SHA256SUMS)
  echo "package: dist/SHA256SUMS"
  cat dist/SHA256SUMS
}

case "${1:-}" in
  linux) fyne_tool version >/dev/null; linux ;;
  windows) windows ;;
  sums) sums ;;
  *) echo "usage: $0 linux|windows|sums" >&2; exit 2 ;;
esac
