#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the project needs, only those that
# are missing: cgo and OpenGL/X11 headers for Fyne, Xvfb and ImageMagick
# for the GUI smoke test, poppler-utils and qpdf for the PDF tests;
# mingw-w64, desktop-file-utils, file, xz-utils and zip for `make package`
# (the Windows cross-compile and the package checks).
set -euo pipefail
pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev
      libxi-dev libxxf86vm-dev xvfb x11-utils imagemagick poppler-utils qpdf xauth
      gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 desktop-file-utils file xz-utils zip)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "deps: missing ${missing[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
